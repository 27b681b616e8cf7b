"""The daily job: edition file -> published episode. Each stage is timed for the benchmark.

    parse -> script -> speech -> assemble -> master -> publish

Speech, assembly and mastering overlap: clips go to a spool file as they arrive, assembly lays
them out in reading order as soon as the segments before them are settled, and each chapter is
mastered (MP3 part, broadcast audio) in the background as soon as it is complete, while the
later articles are still being voiced. The "assemble" and "master" timings are what is left
after the last clip: the tail, and writing the files. Memory stays bounded by a block of audio,
whatever the edition's length: every stage hands audio on in unnamed files (spool.py).

This is the one place where `Settings` become each stage's own options (`stage_options`), all
validated before any speech starts. Nothing in the output folder changes until the episode is
complete: it is built in a staged folder, swapped in with renames, then the manifest and feeds
are replaced atomically (publish/).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from .assemble import Assembly
from .atomic import remove_leftovers
from .config import Settings
from .edition import Edition
from .errors import ConfigError, InputError, SpeechError
from .master import EpisodeMeta, MasterOptions, mastering
from .parse import ParseOptions, parse_edition
from .publish import Episode, PublishOptions, episode_notes, output_lock, publish, staged_episode
from .script import ScriptOptions, build_script
from .script.reading import load_lexicon
from .script.segment import Part, Script
from .speech import ClipSpool, Speech, SpeechOptions, load_profile, speak
from .speech.builtin import BUILTIN
from .speech.voice import Clip
from .spool import PcmFile

SAMPLE_RATE = 24000
"""The episode's assembled rate (the offline voice's own; other engines' clips are resampled)."""


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
            parse=ParseOptions(paper=settings.paper, date=date,
                               require_date=publishing),
            script=ScriptOptions(for_offline=speech.for_offline, lexicon=lexicon),
            speech=speech,
            master=MasterOptions(target_lufs=settings.target_lufs, bitrate_kbps=settings.bitrate_kbps,
                                 episodes=settings.episodes),
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
    discarded: list[str] = field(default_factory=list)
    """Damaged speech cache entries thrown away and spoken again: "path: reason"."""
    leftovers: list[Path] = field(default_factory=list)
    """What killed runs had left in the output folder, cleared before this run."""
    mastering_busy: float = 0.0
    """Seconds the mastering thread worked, most of it during speech (for the benchmark)."""

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


EditionPath = Path | Sequence[Path]
"""An edition file, or the page files of one edition (or their folder)."""


def read_edition(path: EditionPath, options: StageOptions) -> Edition:
    return parse_edition(path, options.parse)


def script_for(edition: Edition, options: StageOptions) -> Script:
    return build_script(edition, options.script)


def synthesise(script: Script, options: SpeechOptions, progress: Progress, store: ClipSpool | None = None,
               on_settled=None) -> Speech:
    """Speak the script; each clip goes into `store`, then `on_settled(index)` hears of it."""
    progress.speech_started(dict(Counter(s.article for s in script.segments)))

    def on_progress(index: int, result: Clip | SpeechError) -> None:
        if on_settled is not None:
            on_settled(index)
        progress.segment_done(index, script.segments[index].article, isinstance(result, Clip))

    return speak(script, options, on_progress, store)


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


def generate(edition_path: EditionPath, out_dir: Path, settings: Settings, *, date: dt.date | None = None,
             progress: Progress | None = None) -> RunReport:
    """The whole run, holding the output folder's lock (LockedError if another run has it)."""
    options = stage_options(settings, date=date)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    with output_lock(out_dir):
        leftovers = remove_leftovers(out_dir)  # safe under the lock: no live run owns them
        report = RunReport(date=options.parse.date or dt.date.min, out_dir=out_dir, leftovers=leftovers)
        return _generate(edition_path, out_dir, options, progress or _Quiet(), report)


def _generate(edition_path: EditionPath, out_dir: Path, options: StageOptions, progress: Progress,
              report: RunReport) -> RunReport:
    assert options.publish is not None
    with _timed(report, progress, "parse"):
        edition = read_edition(edition_path, options)
    assert edition.date is not None  # ParseOptions.require_date
    report.date, report.headlines = edition.date, tuple(a.headline for a in edition.articles)
    with _timed(report, progress, "script"):
        script = script_for(edition, options)
    report.segments = len(script.segments)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the date's folder is built beside the published one from the first clip on; the audio in
    # between lives in unnamed files inside it, which vanish with the process whatever happens
    with (staged_episode(out_dir, edition.date) as staged, ClipSpool(staged.path) as clips,
          PcmFile(SAMPLE_RATE, staged.path) as pcm, mastering(pcm, staged.path, options.master) as job):
        assembly = Assembly(script, clips, pcm, on_chapter=job.add)
        with _timed(report, progress, "speech"):
            _preload_mastering()  # imports scipy & co. while the workers speak (0.5-2 s otherwise)
            speech = synthesise(script, options.speech, progress, clips, assembly.settle)
        _refuse_holes(speech, len(script.segments), options.speech)
        report.failures = {i: e.one_line() for i, e in speech.failures.items()}
        report.skipped = speech.skipped_text()
        report.fallbacks = dict(speech.fallbacks)
        report.discarded = [entry.one_line() for entry in speech.discarded]
        with _timed(report, progress, "assemble"):
            assembled = assembly.finish()
        engines = assembled.timeline.engines_by_article()
        report.engines = {i: "+".join(sorted(engines.get(i, {"-"}))) for i in range(len(edition.articles))}
        meta = EpisodeMeta(title=f"{options.publish.paper} {edition.date.isoformat()}", album=options.publish.paper,
                           artist=options.publish.publisher, date=edition.date,
                           description=episode_notes(edition, assembled.timeline, options.speech.labels()))
        with _timed(report, progress, "master"):
            mastered = job.finish(assembled.timeline, meta)
        report.mastering_busy = job.busy_seconds
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
