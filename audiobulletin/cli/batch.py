"""`audiobulletin batch`: every title of a catalogue over a range of dates, here or on a Dask cluster."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import click

from ..batch import DaskExecutor, LocalExecutor, date_range, load_catalogue, run_batch
from ..batch.report import Snapshot
from . import pass_app

EXECUTORS = ("local", "dask")


class ProgressLine:
    """One line on stderr: rewritten in place on a terminal, else printed as each edition finishes."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()
        self.shown = 0.0

    def __call__(self, snapshot: Snapshot, edition_done: bool) -> None:
        if self.quiet:
            return
        with self.lock:
            now = time.monotonic()
            if self.tty and (edition_done or now - self.shown > 0.5):
                click.echo(f"\r\x1b[K{snapshot.line()}", err=True, nl=False)
                self.shown = now
            elif not self.tty and edition_done:
                click.echo(snapshot.line(), err=True)

    def close(self) -> None:
        if self.tty and self.shown and not self.quiet:
            click.echo("", err=True)


@click.command("batch")
@click.argument("catalogue", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dates", "dates", required=True, metavar="FIRST..LAST",
              help="Edition dates, both included (2021-06-01..2021-06-30), or one date.")
@click.option("--papers", metavar="NAME,NAME", help="Only these titles (their `name` in the catalogue).")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="local: this machine's worker pool; dask: a Dask cluster (--scheduler).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="tcp://HOST:8786",
              help="The Dask scheduler (default: $DASK_SCHEDULER_ADDRESS).")
@click.option("--workers", type=click.IntRange(1, 64),
              help="local: offline voice worker processes (default: `workers` setting, one per core).")
@click.option("--force", is_flag=True, help="Voice every edition again, even those already published unchanged.")
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
@pass_app
def command(app, catalogue, dates, papers, executor, scheduler, workers, force, as_json, quiet):
    """Voice and publish every title of a catalogue for a range of dates.

    Skips what is already published from the same edition with the same settings; one edition
    failing does not stop the others. Exit 0: all published (or up to date), 10: some failed,
    11: none published, 12: the Dask cluster cannot be used.

    \b
    Example:
      audiobulletin batch papers.toml --dates 2021-06-01..2021-06-30
      audiobulletin batch papers.toml --dates 2021-06-27 --papers 太原日报,太原晚报 \\
          --executor dask --scheduler tcp://10.0.0.5:8786
    """
    start, end = date_range(dates)
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler tcp://HOST:8786 (or $DASK_SCHEDULER_ADDRESS)")
    settings = app.settings(workers=workers)
    loaded = load_catalogue(catalogue, settings)
    chosen = DaskExecutor(scheduler) if executor == "dask" else LocalExecutor(settings.workers)
    names = [n.strip() for n in papers.split(",") if n.strip()] if papers else None
    progress = ProgressLine(quiet)
    try:
        report = run_batch(loaded, start, end, executor=chosen, papers=names, force=force, on_progress=progress)
    finally:
        progress.close()
    click.echo(report.to_json() if as_json else report.table())
    if report.exit_code:
        sys.exit(report.exit_code)
