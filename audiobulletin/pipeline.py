"""The daily job: edition file -> published episode. Each stage is timed for the benchmark.

    parse -> script -> speech -> assemble -> master -> publish

This is the one place where `Settings` become each stage's own options (`stage_options`), all
validated before any speech starts. Then, holding the output folder's lock and still before any
speech, the published record is checked (publish.check_output: manifest, feeds and files agree;
what an interrupted run left is repaired). Nothing published changes until the episode is
complete: it is built as a new version of its date, then the manifest and the feeds are switched
over to it, each atomically (publish/).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol

from .assemble import assemble
from .atomic import remove_leftovers
from .config import Settings
from .edition import Edition
from .errors import ConfigError, InputError, SpeechError
from .master import EpisodeMeta, MasterOptions, master
from .parse import DateWindow, ParseOptions, parse_edition
from .publish import (Episode, PublishOptions, check_output, episode_notes, output_lock, publish, repair,
                      staged_episode)
from .script import ScriptOptions, build_script
from .script.reading import load_lexicon
from .script.segment import Part, Script
from .speech import Speech, SpeechOptions, load_profile, speak
from .speech.builtin import BUILTIN
from .speech.voice import Clip


class Progress(Protocol):
    def stage(self, name: str) -> None: ...
    def speech_started(self, per_article: dict[int | None, int]) -> None: ...
    def segment_done(self, index: int, article: int | None, ok: bool) -> None: ...


class _Quiet:
    def stage(self, name): pass
    def speech_started(self, per_article): pass
    def segment_done(self, index, article, ok): pass


@dataclass(frozen=True)
class StageOptions:
    """Every stage's options, built from one Settings."""

    parse: ParseOptions
    script: ScriptOptions
    speech: SpeechOptions
    master: MasterOptions
    publish: PublishOptions | None
    """None for a review (`script`, `parse`), which publishes nothing and needs no paper name."""


def stage_options(settings: Settings, *, date: dt.date | None = None, publishing: bool = True) -> StageOptions:
    """Each stage's options from `settings`, validated; a bad value is a ConfigError naming
    where it came from (flag, environment variable, config file)."""
    try:
        lexicon = load_lexicon(settings.lexicon) if settings.lexicon else None
        speech = SpeechOptions(profile=load_profile(settings.profile), engine=settings.engine,
                               fallback=settings.fallback, commercial=settings.commercial, lexicon=lexicon,
                               workers=settings.workers, cache_dir=settings.cache_dir,
                               edge_endpoint=settings.edge_endpoint, edge_concurrency=settings.edge_concurrency,
                               engine_options=engine_options(settings))
        publish_options = PublishOptions(
            paper=settings.paper, base_url=settings.base_url, feed_title=settings.feed_title,
            feed_description=settings.feed_description, author=settings.author,
            owner_email=settings.owner_email, category=settings.category, language=settings.language,
            explicit=settings.explicit, image=settings.image, keep_episodes=settings.keep_episodes,
            archive_policy=settings.archive_policy, locked=settings.locked) if publishing else None
        return StageOptions(
            # no paper configured: a JSON edition's own name, else the script's 本报
            parse=ParseOptions(paper=settings.paper, date=date, require_date=publishing,
                               max_bytes=settings.max_edition_bytes,
                               dates=DateWindow.around(dt.date.today(), settings.earliest_year,
                                                       settings.max_days_ahead)),
            script=ScriptOptions(for_offline=speech.for_offline, lexicon=lexicon),
            speech=speech,
            master=MasterOptions(target_lufs=settings.target_lufs, bitrate_kbps=settings.bitrate_kbps),
            publish=publish_options)
    except ConfigError as exc:
        source = settings.source_of(exc.setting) if exc.setting else None
        if source and exc.where is None:
            raise ConfigError(exc.message, where=source, hint=exc.hint, setting=exc.setting) from None
        raise


def engine_options(settings: Settings) -> dict[str, dict[str, object]]:
    """Engine name -> its own settings: azure's from the azure_* settings; a plug-in's from its
    AUDIOBULLETIN_<NAME>_<OPTION> environment variables (option names in lower case)."""
    options: dict[str, dict[str, object]] = {
        "azure": {"key": settings.azure_key, "region": settings.azure_region, "endpoint": settings.azure_endpoint,
                  "token": settings.azure_token, "concurrency": settings.azure_concurrency}}
    for variable, value in settings.engine_env.items():
        words = variable.removeprefix("AUDIOBULLETIN_").lower().split("_")
        for cut in range(1, len(words)):  # MY_VENDOR_KEY: engine "my" option "vendor_key", or "my_vendor" "key"
            engine, option = "_".join(words[:cut]), "_".join(words[cut:])
            if engine not in BUILTIN:  # the built-in engines' options are settings of their own
                options.setdefault(engine, {})[option] = value
    return options


@dataclass
class RunReport:
    date: dt.date
    out_dir: Path
    audio: Path | None = None
    duration: float = 0.0
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    headlines: tuple[str, ...] = ()
    """The edition's headlines, by article index."""
    segments: int = 0
    failures: dict[int, str] = field(default_factory=dict)
    """Segment index -> why it was not spoken."""
    skipped: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    """Spoken segments the accessible edition could not place in the text (should be none)."""
    engines: dict[int, str] = field(default_factory=dict)
    """Article index -> engine(s) that voiced it."""
    fallbacks: dict[Part, str] = field(default_factory=dict)
    """Part (article, intro, outro) -> why the online voice gave it up."""
    timings: dict[str, float] = field(default_factory=dict)
    """Stage name -> seconds of wall time."""
    repairs: list[str] = field(default_factory=list)
    """What the startup check put right in the output folder (an interrupted run's leftovers)."""
    discarded: list[str] = field(default_factory=list)
    """Damaged speech cache entries thrown away and spoken again: "path: reason"."""
    leftovers: list[Path] = field(default_factory=list)
    """What killed runs had left in the output folder, cleared before this run."""

    @property
    def articles(self) -> int:
        return len(self.headlines)


@contextlib.contextmanager
def _timed(report: RunReport, progress: Progress, name: str) -> Iterator[None]:
    progress.stage(name)
    start = time.perf_counter()
    try:
        yield
    finally:
        report.timings[name] = report.timings.get(name, 0.0) + time.perf_counter() - start


def read_edition(path: Path, options: StageOptions) -> Edition:
    return parse_edition(Path(path), options.parse)


def script_for(edition: Edition, options: StageOptions) -> Script:
    return build_script(edition, options.script)


def synthesise(script: Script, options: SpeechOptions, progress: Progress) -> Speech:
    progress.speech_started(dict(Counter(s.article for s in script.segments)))

    def on_progress(index: int, result: Clip | SpeechError) -> None:
        progress.segment_done(index, script.segments[index].article, isinstance(result, Clip))

    return speak(script, options, on_progress)


def _refuse_holes(speech: Speech, total: int, options: SpeechOptions) -> None:
    """Listeners must not meet silence where text was: with a network engine and no fallback
    (`edge`, `azure`), any segment without audio fails the run; otherwise only a run where
    nothing at all could be said (a local voice reports what it cannot say, e.g. symbols)."""
    chain = options.chain
    strict = not chain.fallback and options.engines.info(chain.primary).network
    if not speech.failures or (not strict and speech.clips):
        return
    index, first = min(speech.failures.items())
    raise SpeechError(f"{len(speech.failures)} of {total} segments could not be spoken "
                      f"(first, segment {index}: {first.message})",
                      hint=f"use --fallback offline{' (or --engine auto)' if chain.primary == 'edge' else ''} "
                           f"to let the offline voice read what the {chain.primary} engine cannot"
                      if strict else first.hint)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a folder", where=str(out_dir), hint="give --out a folder")


def generate(edition_path: Path, out_dir: Path, settings: Settings, *, date: dt.date | None = None,
             progress: Progress | None = None) -> RunReport:
    """The whole run, holding the output folder's lock (LockedError if another run has it)."""
    options = stage_options(settings, date=date)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    assert options.publish is not None
    with output_lock(out_dir):
        leftovers = remove_leftovers(out_dir)  # safe under the lock: no live run owns them
        repairs = repair(check_output(out_dir), options.publish)  # PublishError: history at risk
        report = RunReport(date=options.parse.date or dt.date.min, out_dir=out_dir, leftovers=leftovers,
                           repairs=repairs)
        return _generate(Path(edition_path), out_dir, options, progress or _Quiet(), report)


def _generate(edition_path: Path, out_dir: Path, options: StageOptions, progress: Progress,
              report: RunReport) -> RunReport:
    assert options.publish is not None
    with _timed(report, progress, "parse"):
        edition = read_edition(edition_path, options)
    assert edition.date is not None  # ParseOptions.require_date
    report.date, report.headlines = edition.date, tuple(a.headline for a in edition.articles)
    with _timed(report, progress, "script"):
        script = script_for(edition, options)
    report.segments = len(script.segments)
    with _timed(report, progress, "speech"):
        _preload_mastering()  # imports scipy & co. while the workers speak (0.5-2 s otherwise)
        speech = synthesise(script, options.speech, progress)
    _refuse_holes(speech, len(script.segments), options.speech)
    report.failures = {i: e.one_line() for i, e in speech.failures.items()}
    report.skipped = speech.skipped_text()
    report.fallbacks = dict(speech.fallbacks)
    report.discarded = [entry.one_line() for entry in speech.discarded]
    with _timed(report, progress, "assemble"):
        assembled = assemble(script, speech.clips)
    del speech  # the clips now live in the assembled audio: keep one copy through mastering
    engines = assembled.timeline.engines_by_article()
    report.engines = {i: "+".join(sorted(engines.get(i, {"-"}))) for i in range(len(edition.articles))}

    meta = EpisodeMeta(title=f"{options.publish.paper} {edition.date.isoformat()}", album=options.publish.paper,
                       artist=options.publish.publisher, date=edition.date,
                       description=episode_notes(edition, assembled.timeline, options.speech.labels()))
    out_dir.mkdir(parents=True, exist_ok=True)
    with staged_episode(out_dir, edition.date) as staged:
        with _timed(report, progress, "master"):
            mastered = master(assembled, meta, staged.path, options.master)
        with _timed(report, progress, "publish"):
            published = publish(out_dir, staged, Episode(edition, assembled.timeline, mastered,
                                                                    options.speech.labels()), options.publish)
    report.unplaced = list(published.unplaced)
    report.audio = published.audio
    assert mastered.mp3 is not None
    report.duration = mastered.mp3.duration
    report.loudness_lufs, report.true_peak_dbtp = mastered.mp3.integrated_lufs, mastered.mp3.true_peak_dbtp
    return report


def _preload_mastering() -> None:
    import threading

    from .master import preload

    threading.Thread(target=preload, name="preload-master", daemon=True).start()
