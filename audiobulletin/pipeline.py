"""The daily job: edition file -> published episode. Each stage is timed for the benchmark.

    parse -> script -> speech -> assemble -> master -> publish

Speech, assembly and mastering overlap: clips go to a spool file as they arrive, assembly lays
them out in reading order as soon as the segments before them are settled, and each chapter is
mastered (MP3 part, broadcast audio) in the background as soon as it is complete, while the
later articles are still being voiced. The "assemble" and "master" timings are what is left
after the last clip: the tail, and writing the files. Memory stays bounded by a block of audio,
whatever the edition's length: every stage hands audio on in unnamed files (spool.py).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping, Protocol, Sequence

from .assemble import Assembly
from .atomic import remove_leftovers
from .config import Settings
from .edition import Edition
from .errors import AudioBulletinError, ConfigError, InputError, NoEditionError, SpeechError
from .inbox import edition_for, is_drop_folder
from .master import EpisodeMeta, MasterOptions, Mastered, mastering
from .parse import DateWindow, ParseOptions, parse_edition
from .publish.artwork import Picture, cover_picture
from .publish.manifest import EpisodeRecord
from .publish import (Episode, PublishOptions, StagedEpisode, check_output, episode_notes, output_lock, publish,
                      published_files, repair, staged_episode)
from .script import ScriptOptions, build_script
from .script.reading import load_lexicon
from .script.reading.lexicon_check import LexiconReport, check_lexicon
from .script.segment import Part, Script
from .speech import ClipSpool, Speech, SpeechOptions, VoiceProfile, load_profile, speak
from .speech.builtin import BUILTIN
from .speech.voice import Clip
from .spool import PcmFile
from .timeline import Timeline

SAMPLE_RATE = 24000
"""The episode's assembled rate (the offline voice's own; other engines' clips are resampled)."""


@dataclass(frozen=True)
class SpeechWork:
    """What the speech stage is about to do, for a progress display."""

    articles: tuple[int | None, ...]
    """Per segment, in reading order: its article's index (None: intro or outro)."""
    characters: tuple[int, ...]
    """Per segment: the characters an engine reads (the measure of the work)."""
    headlines: tuple[str, ...]
    """The edition's headlines, by article index."""
    fallback: str = ""
    """The engine that takes over parts the first one fails ("" for none)."""


class Progress(Protocol):
    def stage(self, name: str) -> None: ...
    def stage_done(self, name: str, seconds: float) -> None: ...
    def speech_started(self, work: SpeechWork) -> None: ...
    def segment_done(self, index: int, cached: bool, ok: bool) -> None: ...
    def fallback(self, part: Part, reason: str, engine: str) -> None: ...


class _Quiet:
    def stage(self, name): pass
    def stage_done(self, name, seconds): pass
    def speech_started(self, work): pass
    def segment_done(self, index, cached, ok): pass
    def fallback(self, part, reason, engine): pass


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
        publishing_options = _publish_options(settings) if publishing else None
        return StageOptions(
            # no paper configured: a JSON edition's own name, else the script's 本报
            parse=ParseOptions(paper=settings.paper, date=date, require_date=publishing,
                               max_bytes=settings.max_edition_bytes,
                               dates=DateWindow.around(dt.date.today(), settings.earliest_year,
                                                       settings.max_days_ahead)),
            script=ScriptOptions(for_offline=speech.for_offline, lexicon=lexicon),
            speech=speech,
            master=MasterOptions(target_lufs=settings.target_lufs, bitrate_kbps=settings.bitrate_kbps,
                                 episodes=settings.episodes),
            publish=publishing_options)
    except ConfigError as exc:
        raise _with_source(exc, settings) from None


def publish_options(settings: Settings) -> PublishOptions:
    """The publish stage's options alone (`episodes withdraw`, `rebuild`: no speech, no edition)."""
    try:
        return _publish_options(settings)
    except ConfigError as exc:
        raise _with_source(exc, settings) from None


def _publish_options(settings: Settings) -> PublishOptions:
    return PublishOptions(
        paper=settings.paper, base_url=settings.base_url, feed_title=settings.feed_title,
        feed_description=settings.feed_description, author=settings.author,
        owner_email=settings.owner_email, category=settings.category, language=settings.language,
        explicit=settings.explicit, image=settings.image, keep_episodes=settings.keep_episodes,
        archive_policy=settings.archive_policy, locked=settings.locked)


def _with_source(exc: ConfigError, settings: Settings) -> ConfigError:
    """`exc` naming where the setting at fault came from (flag, environment, config file)."""
    source = settings.source_of(exc.setting) if exc.setting else None
    if source and exc.where is None:
        return ConfigError(exc.message, where=source, hint=exc.hint, setting=exc.setting)
    return exc


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
    synthesised: int = 0
    """Segments spoken by an engine in this run."""
    from_cache: int = 0
    """Segments taken from the speech cache."""
    lexicon_warnings: tuple[str, ...] = ()
    """Lexicon entries that change readings they were not written for, or never match."""
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
    voices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Engine -> the voices it read with in this episode."""
    edition: Path | None = None
    """The edition file that was read (found in the drop folder when one was given)."""
    number: int = 0
    """The episode's number in the feed (0: none)."""
    status: str = "published"
    """published, corrected (the date again with other audio) or unchanged (nothing changed)."""
    outputs: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    """What was published, by kind: feed, episode, transcripts, radio, accessible, index."""
    repairs: list[str] = field(default_factory=list)
    """What the startup check put right in the output folder (an interrupted run's leftovers)."""
    warnings: list[str] = field(default_factory=list)
    """What the startup check found a person should know (dates deleted by hand)."""
    discarded: list[str] = field(default_factory=list)
    """Damaged speech cache entries thrown away and spoken again: "path: reason"."""
    leftovers: list[Path] = field(default_factory=list)
    """What killed runs had left in the output folder, cleared before this run."""
    mastering_busy: float = 0.0
    """Seconds the mastering thread worked, most of it during speech (for the benchmark)."""

    @property
    def articles(self) -> int:
        return len(self.headlines)

    @property
    def seconds(self) -> float:
        """Wall time of the whole run."""
        return sum(self.timings.values())


@contextlib.contextmanager
def _timed(report: RunReport, progress: Progress, name: str) -> Iterator[None]:
    progress.stage(name)
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        report.timings[name] = report.timings.get(name, 0.0) + seconds
    progress.stage_done(name, seconds)


EditionPath = Path | Sequence[Path]
"""An edition file, or the page files of one edition (or their folder)."""


def read_edition(path: EditionPath, options: StageOptions) -> Edition:
    return parse_edition(path, options.parse)


def script_for(edition: Edition, options: StageOptions) -> Script:
    return build_script(edition, options.script)


def lexicon_report(script: Script, options: StageOptions) -> LexiconReport:
    """The lexicon's entries checked against this script's segments and the normaliser's table."""
    lexicon = options.script.lexicon
    if lexicon is None:
        return LexiconReport((), ())
    samples = [(f"segment {i}", s.text, s.spoken) for i, s in enumerate(script.segments)]
    return check_lexicon(lexicon, samples, for_offline=options.script.for_offline)


def synthesise(script: Script, options: SpeechOptions, progress: Progress,
               headlines: tuple[str, ...] = (), store: ClipSpool | None = None, on_settled=None) -> Speech:
    """Speak the script; each clip goes into `store` (a dict if None), then `on_settled(index)`
    hears of it (the assembly, laying it out)."""
    chain = options.chain
    progress.speech_started(SpeechWork(tuple(s.article for s in script.segments),
                                       tuple(len(s.spoken) for s in script.segments), headlines, chain.fallback))

    def on_progress(index: int, result: Clip | SpeechError) -> None:
        if on_settled is not None:
            on_settled(index)
        progress.segment_done(index, isinstance(result, Clip) and result.cached, isinstance(result, Clip))

    def on_fallback(part: Part, error: AudioBulletinError) -> None:
        progress.fallback(part, error.message, chain.fallback)

    return speak(script, options, on_progress, on_fallback, store)


def voices_used(timeline: Timeline, profile: VoiceProfile) -> dict[str, tuple[str, ...]]:
    """Engine -> the profile's voices it read the episode's segments with (those heard)."""
    used: dict[str, set[str]] = {}
    for timed in timeline.segments:
        if timed.engine and timed.end > timed.start:
            voice = profile.voice_for(timed.engine, timed.role)
            used.setdefault(timed.engine, set()).add(voice.name)
    return {engine: tuple(sorted(names)) for engine, names in sorted(used.items())}


def strict_about_holes(options: SpeechOptions) -> bool:
    """Listeners must not meet silence where text was: with a network engine and no fallback
    (`edge`, `azure`), any segment without audio fails the run; otherwise only a run where
    nothing at all could be said (a local voice reports what it cannot say, e.g. symbols)."""
    chain = options.chain
    return not chain.fallback and options.engines.info(chain.primary).network


def refuse_holes(speech: Speech, total: int, *, strict: bool, primary: str) -> None:
    """SpeechError if `speech` has holes a listener must not meet (see `strict_about_holes`)."""
    if not speech.failures or (not strict and speech.clips):
        return
    index, first = min(speech.failures.items())
    raise SpeechError(f"{len(speech.failures)} of {total} segments could not be spoken "
                      f"(first, segment {index}: {first.message})",
                      hint=f"use --fallback offline{' (or --engine auto)' if primary == 'edge' else ''} "
                           f"to let the offline voice read what the {primary} engine cannot"
                      if strict else first.hint)


def _edition_files(paths: EditionPath, date: dt.date | None) -> EditionPath:
    """What to read: a drop folder's file (or pages folder) for `date`; else what was given (an
    edition file, page files, or a folder of one edition's pages)."""
    if not isinstance(paths, Path):
        paths = [Path(p) for p in paths]
        if len(paths) != 1:
            return paths
        paths = paths[0]
    return _edition_file(paths, date)


def _edition_file(path: Path, date: dt.date | None) -> Path:
    if not path.is_dir() or not is_drop_folder(path):
        return path
    if date is None:
        raise InputError("is a folder: which date's edition?", where=str(path),
                         hint="pass --date YYYY-MM-DD (or today, yesterday) to read that date's file from it")
    return edition_for(path, date)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a folder", where=str(out_dir), hint="give --out a folder")


def generate(edition_path: EditionPath, out_dir: Path, settings: Settings, *, date: dt.date | None = None,
             progress: Progress | None = None) -> RunReport:
    """The whole run, holding the output folder's lock (LockedError if another run has it).
    `edition_path` is an edition file, the page files of one edition (or their folder), or a
    drop folder: then the file (or pages folder) for `date` in it is read (NoEditionError,
    exit 9, when there is none yet)."""
    edition_path = _edition_files(edition_path, date)
    options = stage_options(settings, date=date)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    assert options.publish is not None
    with output_lock(out_dir):
        leftovers = remove_leftovers(out_dir)  # safe under the lock: no live run owns them
        audit = check_output(out_dir)
        warnings = audit.warnings()  # dates deleted by hand: left out of the feeds, not linked dead
        repairs = repair(audit, options.publish)  # PublishError: history at risk
        report = RunReport(date=options.parse.date or dt.date.min, out_dir=out_dir, repairs=repairs,
                           edition=edition_path if isinstance(edition_path, Path) else Path(edition_path[0]),
                           warnings=warnings, leftovers=leftovers)
        return _generate(edition_path, out_dir, options, progress or _Quiet(), report, audit.records)


def _generate(edition_path: EditionPath, out_dir: Path, options: StageOptions, progress: Progress,
              report: RunReport, on_record: dict[str, EpisodeRecord]) -> RunReport:
    assert options.publish is not None
    with _timed(report, progress, "parse"):
        edition = read_edition(edition_path, options)
    assert edition.date is not None  # ParseOptions.require_date
    _refuse_withdrawn(on_record.get(edition.date.isoformat()), out_dir)
    report.date, report.headlines = edition.date, tuple(a.headline for a in edition.articles)
    with _timed(report, progress, "script"):
        script = script_for(edition, options)
        cover = cover_picture(options.publish.paper, options.publish.image)  # a bad image stops us before speech
    report.segments = len(script.segments)
    report.lexicon_warnings = tuple(w.one_line() for w in lexicon_report(script, options).warnings)
    episode = EpisodeOptions.of(options, cover)
    holes = Holes(len(script.segments), strict_about_holes(options.speech), options.speech.chain.primary)

    def live(clips: ClipSpool, settle: Settle) -> Speech:
        return synthesise(script, options.speech, progress, report.headlines, clips, settle)

    out_dir.mkdir(parents=True, exist_ok=True)
    with staged_episode(out_dir, edition.date) as staged:
        voiced = voice_into(staged, edition, script, live, holes, options.speech.profile, episode, report, progress)
        return publish_voiced(out_dir, voiced, episode, report, progress)


@dataclass(frozen=True)
class EpisodeOptions:
    """What the stages after speech need: plain data (no engine registry), so a batch can send
    it to another process."""

    master: MasterOptions
    publish: PublishOptions
    labels: Mapping[str, str]
    """Engine name -> how the episode notes name its voice."""
    cover: Picture
    """The MP3's cover picture (the channel artwork)."""

    @classmethod
    def of(cls, options: StageOptions, cover: Picture) -> "EpisodeOptions":
        assert options.publish is not None
        return cls(options.master, options.publish, dict(options.speech.labels()), cover)


@dataclass(frozen=True)
class Holes:
    """How many segments the script has, and whether any of them left unspoken fails the
    episode (see `strict_about_holes`; `primary` names the engine in the hint)."""

    total: int
    strict: bool
    primary: str


@dataclass(frozen=True)
class Voiced:
    """An edition assembled and mastered into its staged version, ready to publish."""

    edition: Edition
    timeline: Timeline
    mastered: Mastered
    staged: StagedEpisode


Settle = Callable[[int], None]
"""Segment `index` has its result: its clip is in the spool, or it failed."""
SpeechSource = Callable[[ClipSpool, Settle], Speech]
"""Puts every segment's clip into the spool, calling `settle` as each one is there (or has
failed), and returns the Speech: live synthesis (`generate`), or the pieces a batch's workers
spoke (batch/plan.py)."""


def voice_into(staged: StagedEpisode, edition: Edition, script: Script, source: SpeechSource, holes: Holes,
               profile: VoiceProfile, options: EpisodeOptions, report: RunReport, progress: Progress) -> Voiced:
    """Clips -> the staged, mastered version: the one way an episode is made. Clips go to a
    spool as `source` delivers them, the assembly lays them out as soon as the segments before
    them are settled, and each complete chapter is mastered in the background while later ones
    arrive. The audio in between lives in unnamed files inside the staged version, which vanish
    with the process whatever ends it. SpeechError for holes a listener must not meet."""
    assert edition.date is not None
    report.date = edition.date
    with (ClipSpool(staged.path) as clips, PcmFile(SAMPLE_RATE, staged.path) as pcm,
          mastering(pcm, staged.path, options.master) as job):
        assembly = Assembly(script, clips, pcm, on_chapter=job.add)
        with _timed(report, progress, "speech"):
            _preload_mastering()  # imports scipy & co. while the workers speak (0.5-2 s otherwise)
            speech = source(clips, assembly.settle)
        refuse_holes(speech, holes.total, strict=holes.strict, primary=holes.primary)
        report.segments = len(script.segments)
        report.failures = {i: e.one_line() for i, e in speech.failures.items()}
        report.from_cache = speech.from_cache
        report.synthesised = len(speech.clips) - speech.from_cache
        report.skipped = speech.skipped_text()
        report.fallbacks = dict(speech.fallbacks)
        report.discarded = [entry.one_line() for entry in speech.discarded]
        with _timed(report, progress, "assemble"):
            assembled = assembly.finish()
        report.voices = voices_used(assembled.timeline, profile)
        engines = assembled.timeline.engines_by_article()
        report.engines = {i: "+".join(sorted(engines.get(i, {"-"}))) for i in range(len(edition.articles))}
        meta = EpisodeMeta(title=f"{options.publish.paper} {edition.date.isoformat()}", album=options.publish.paper,
                           artist=options.publish.publisher, date=edition.date,
                           description=episode_notes(edition, assembled.timeline, options.labels),
                           picture=options.cover.data, picture_mime=options.cover.mime)
        with _timed(report, progress, "master"):
            mastered = job.finish(assembled.timeline, meta)
        report.mastering_busy = job.busy_seconds
    assert mastered.mp3 is not None
    report.duration = mastered.mp3.duration
    report.loudness_lufs, report.true_peak_dbtp = mastered.mp3.integrated_lufs, mastered.mp3.true_peak_dbtp
    return Voiced(edition, assembled.timeline, mastered, staged)


def publish_voiced(out_dir: Path, voiced: Voiced, options: EpisodeOptions, report: RunReport,
                   progress: Progress) -> RunReport:
    """Publish the staged version (the caller holds the output folder's lock)."""
    with _timed(report, progress, "publish"):
        published = publish(out_dir, voiced.staged, Episode(voiced.edition, voiced.timeline, voiced.mastered,
                                                             options.labels), options.publish)
    report.unplaced = list(published.unplaced)
    report.audio = published.audio
    report.number, report.status = published.record.number, published.status
    report.outputs = published_files(out_dir, published.audio)
    return report


def _refuse_withdrawn(record: EpisodeRecord | None, out_dir: Path) -> None:
    """A withdrawn date is an editor's decision: a scheduled rerun must not undo it."""
    if record is not None and record.withdrawn:
        raise NoEditionError(f"{record.date} was withdrawn ({record.withdrawn}): not publishing it again",
                             where=str(out_dir),
                             hint=f"`audiobulletin episodes withdraw {record.date} --undo --out {out_dir}` lets "
                                  "generate publish it again")


def _preload_mastering() -> None:
    import threading

    from .master import preload

    threading.Thread(target=preload, name="preload-master", daemon=True).start()
