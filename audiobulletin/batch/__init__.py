"""Many titles and many dates in one run, on this machine or on a Dask cluster.

    catalogue = load_catalogue(Path("papers.toml"), load_settings())
    report = run_batch(catalogue, *date_range("2021-06-01..2021-06-30"), executor=LocalExecutor(workers=4))
    report.exit_code      # 0 all published or up to date, 10 some failed, 11 none published

Sits on top of the stages like the pipeline: for every (title, date) it finds the edition, skips
it if the date is already published from the same input with the same settings (a fingerprint
in the date folder), parses and scripts it here, and hands the rest to the executor: speech,
assembly and mastering, publishing (executor: local.py, cluster.py). Afterwards the feed
directory (feeds.opml, feeds.html) lists every title.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator, Protocol, Sequence

from ..atomic import remove_leftovers
from ..errors import AudioBulletinError, LockedError
from ..publish import check_output, manifest_file, output_lock, repair
from ..publish.manifest import EpisodeRecord
from .catalogue import Catalogue, Title, load_catalogue
from .cluster import DaskExecutor
from .directory import listing, write_directory
from .editions import date_range, dates_in, find_edition, fingerprint, published_fingerprint
from .local import LocalExecutor
from .plan import EditionKey, EditionPlan, TitleRun, plan_edition, title_run
from .report import BatchReport, EditionOutcome, Snapshot, Status, Tally


class Session(Protocol):
    def run(self, plans: Iterable[EditionPlan], tally: Tally) -> Iterator[EditionOutcome]: ...


class Executor(Protocol):
    name: str

    @property
    def engine_workers(self) -> int: ...

    def session(self, folders: Sequence[Path]) -> ContextManager[Session]: ...


OnProgress = Callable[[Snapshot, bool], None]


def run_batch(catalogue: Catalogue, start: dt.date, end: dt.date, *, executor: Executor,
              papers: list[str] | None = None, force: bool = False,
              on_progress: OnProgress | None = None) -> BatchReport:
    """Voice every edition of the chosen titles from `start` to `end`; ConfigError (exit 3) before
    any speech for a bad setting, ClusterError (exit 12) when the cluster cannot be used; one
    edition's failure is in the report, never raised. `force`: voice even what is up to date."""
    began = time.monotonic()
    every = {title.name: title_run(title, executor.engine_workers) for title in catalogue.titles}
    runs = [every[title.name] for title in catalogue.select(papers)]
    numbers = {title.name: n for n, title in enumerate(catalogue.titles)}
    outcomes: dict[EditionKey, EditionOutcome] = {}
    todo = []
    checked = {run.title.name: _check_title(run) for run in runs}
    for date in dates_in(start, end):
        for run in runs:
            key = EditionKey(numbers[run.title.name], run.title.name, date)
            records, problem = checked[run.title.name]
            outcome, work = (_failed(key, problem), None) if problem else _look(run, key, records, force)
            if outcome is not None:
                outcomes[key] = outcome
            else:
                todo.append(work)
    tally = Tally(len(todo), on_progress or (lambda snapshot, done: None))
    if todo:
        with executor.session([run.title.out for run in runs]) as session:
            for outcome in session.run(_plans(todo, outcomes, tally), tally):
                outcomes[EditionKey(numbers[outcome.title], outcome.title, outcome.date)] = outcome
    write_directory(catalogue.directory, catalogue.heading,
                    [listing(run.title.name, run.title.out, run.episode.publish) for run in every.values()])
    ordered = tuple(outcomes[key] for key in sorted(outcomes, key=lambda k: (k.date, k.number)))
    return BatchReport(ordered, executor.name, time.monotonic() - began)


def _check_title(run: TitleRun) -> tuple[dict[str, EpisodeRecord], AudioBulletinError | None]:
    """As `generate` does before any speech, holding the title's folder for a moment: clear what
    killed runs left, check the published record and repair what an interrupted run left. The
    records, or why none of the title's editions can be published (history at risk: exit 6)."""
    out = run.title.out
    try:
        with output_lock(out):
            remove_leftovers(out)
            audit = check_output(out)
            repair(audit, run.episode.publish)
            return audit.records, None
    except LockedError:  # a generate run is publishing there now: read what is on record
        try:
            loaded = manifest_file.load(out)
        except AudioBulletinError as exc:
            return {}, exc
        return (loaded[0] if loaded else {}), None
    except AudioBulletinError as exc:
        return {}, exc


def _look(run: TitleRun, key: EditionKey, records: dict[str, EpisodeRecord], force: bool):
    """(outcome, None) when there is nothing to voice, else (None, the work)."""
    record = records.get(key.date.isoformat())
    if record is not None and record.withdrawn:
        return EditionOutcome(key.title, key.date, Status.WITHDRAWN, message=f"withdrawn ({record.withdrawn}): "
                              f"`audiobulletin episodes withdraw {key.date} --undo` lets it be published"), None
    try:
        found = find_edition(run.title, key.date)
    except AudioBulletinError as exc:  # e.g. an unreadable file, a failing command
        return _failed(key, exc), None
    if found is None:
        how = "the command printed nothing" if run.title.source.command else "no file matches the pattern"
        return EditionOutcome(key.title, key.date, Status.NO_EDITION, message=f"no edition ({how})"), None
    if not force and published_fingerprint(records, run.title.out, key.date) == fingerprint(found, run.digest):
        return EditionOutcome(key.title, key.date, Status.UP_TO_DATE), None
    return None, (run, key, found)


def _plans(todo, outcomes: dict[EditionKey, EditionOutcome], tally: Tally) -> Iterator[EditionPlan]:
    """Parse and script each edition as the executor asks for it; a bad one is reported here."""
    for run, key, found in todo:
        try:
            yield plan_edition(run, key, found)
        except AudioBulletinError as exc:
            outcomes[key] = _failed(key, exc)
            tally.finished(key, 0.0)


def _failed(key: EditionKey, exc: AudioBulletinError) -> EditionOutcome:
    return EditionOutcome(key.title, key.date, Status.FAILED, message=exc.one_line(), exit_code=exc.exit_code)


__all__ = ["BatchReport", "Catalogue", "DaskExecutor", "EditionOutcome", "Executor", "LocalExecutor", "Snapshot",
           "Status", "Title", "date_range", "load_catalogue", "run_batch"]
