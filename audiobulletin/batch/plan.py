"""One edition's work, as plain data that can travel to a Dask worker, and the steps after speech.

On the machine running `batch`: the title's stage options are built once (all checked before any
speech); each edition is found, fingerprinted, parsed and scripted (`plan_edition`). Then, wherever
the executor runs them: speech (voicing.py), `master_step` (assemble and master into a staged date
folder) and `publish_step` (swap it in and update the feeds, holding the folder's lock).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Sequence

from ..atomic import remove_leftovers
from ..edition import Edition
from ..errors import AudioBulletinError
from ..parse import parse_data
from ..pipeline import (EpisodeOptions, Holes, RunReport, SpeechSource, StageOptions, Voiced, publish_voiced,
                        read_edition, script_for, stage_options, strict_about_holes, voice_into)
from ..publish import open_staged_episode, output_lock
from ..publish.artwork import cover_picture
from ..publish.versions import SOURCE_RECORD
from ..script.segment import Script
from ..speech import VoiceProfile, requests_for
from ..speech.engine import SpeechRequest
from .catalogue import Title
from .editions import Fingerprint, Found, fingerprint
from .report import EditionOutcome, Status
from .voicing import EngineSpec, Spoken, Voicing, merged


@dataclass(frozen=True)
class TitleRun:
    """A title's options for this batch, built and checked once."""

    title: Title
    options: StageOptions
    episode: EpisodeOptions
    digest: str
    """sha256 of every setting that changes what is published."""
    primary: EngineSpec
    fallback: EngineSpec | None
    strict: bool
    """Whether any segment left unspoken fails the edition (see pipeline.strict_about_holes)."""


def title_run(title: Title, workers: int) -> TitleRun:
    """ConfigError (exit 3, naming the catalogue line) for a bad setting, before any speech."""
    from dataclasses import replace

    options = stage_options(replace(title.settings, workers=workers))
    assert options.publish is not None
    chain = options.speech.chain
    cover = cover_picture(options.publish.paper, options.publish.image)  # a bad image: before any speech
    return TitleRun(title, options, EpisodeOptions.of(options, cover), settings_digest(options),
                    EngineSpec.of(options.speech, chain.primary),
                    EngineSpec.of(options.speech, chain.fallback) if chain.fallback else None,
                    strict_about_holes(options.speech))


def settings_digest(options: StageOptions) -> str:
    """What decides the published bytes besides the edition: paper, feed fields, mastering,
    engines, voices, lexicon. Not the workers, the cache, or engine secrets."""
    speech = options.speech
    lexicon = speech.lexicon
    fields = {
        "parse": {"paper": options.parse.paper},
        "publish": dataclasses.asdict(options.publish) if options.publish else None,
        "master": dataclasses.asdict(options.master),
        "engine": [speech.engine, speech.fallback, speech.commercial, options.script.for_offline],
        "voices": sorted([engine, role.value, dataclasses.asdict(voice)]
                         for (engine, role), voice in speech.profile.voices.items()),
        "lexicon": {"readings": sorted(lexicon.readings.items()),
                    "pinyin": sorted((k, list(v)) for k, v in lexicon.pinyin.items())} if lexicon else None,
    }
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class EditionKey:
    number: int
    """The title's position in the catalogue."""
    title: str
    date: dt.date

    def tag(self) -> str:
        """For Dask task keys (ASCII)."""
        return f"t{self.number}-{self.date:%Y%m%d}"


@dataclass(frozen=True)
class EditionPlan:
    """An edition ready to voice: everything the workers need, nothing they cannot unpickle."""

    key: EditionKey
    out_dir: Path
    edition: Edition
    script: Script
    requests: tuple[SpeechRequest, ...]
    voicing: Voicing
    episode: EpisodeOptions
    strict: bool
    fingerprint: Fingerprint
    profile: VoiceProfile
    """The voice profile (as plain data), to name the voices the episode was read with."""

    @property
    def date(self) -> dt.date:
        return self.key.date


def plan_edition(run: TitleRun, key: EditionKey, found: Found) -> EditionPlan:
    """Parse and script the edition (InputError for a bad one) and resolve every request's voice."""
    from dataclasses import replace

    from ..script.reading import to_spoken

    options = replace(run.options, parse=replace(run.options.parse, date=key.date))
    if found.data is None:  # files: read as `generate` reads them (page files join into one edition)
        edition = read_edition(list(found.files), options)
    else:
        edition = parse_data(found.data, options.parse, source=found.where)
    script = script_for(edition, options)
    speech = options.speech
    chain, profile = speech.chain, speech.profile
    requests = tuple(requests_for(script, lambda role: profile.voice_for(chain.primary, role)))
    voicing = Voicing(run.primary, run.fallback, speech.cache_dir)
    if chain.fallback:
        reread = speech.engines.info(chain.fallback).offline_reading and not options.script.for_offline
        voicing = dataclasses.replace(
            voicing, parts={r.index: script.segments[r.index].part for r in requests},
            fallback_voices={r.index: profile.voice_for(chain.fallback, script.segments[r.index].role)
                             for r in requests},
            fallback_texts={r.text: to_spoken(r.text, for_offline=True, lexicon=speech.lexicon) for r in requests}
            if reread else None)
    return EditionPlan(key, run.title.out, edition, script, requests, voicing, run.episode, run.strict,
                       fingerprint(found, run.digest), dataclasses.replace(profile, voices=dict(profile.voices)))


@dataclass(frozen=True)
class MasterResult:
    """An edition mastered into its staged folder (or why it could not be), ready to publish."""

    key: EditionKey
    out_dir: Path
    episode: EpisodeOptions
    report: RunReport
    voiced: Voiced | None
    failure: tuple[str, int] | None = None
    """(one-line message, exit code)."""
    started: float = 0.0
    audio_seconds: float = 0.0


def master_step(plan: EditionPlan, source: SpeechSource, started: float | None = None) -> MasterResult:
    """Assemble and master the edition into a version staged in its date's folder (shared: built
    outside the output lock), with its fingerprint; never raises (a failure comes back). `source`
    delivers the clips (pipeline.voice_into: the same path as `generate`): the local executor
    speaks them live, a Dask master task hands on what the speech tasks returned (`gathered`)."""
    report = RunReport(date=plan.date, out_dir=plan.out_dir)
    started = time.time() if started is None else started
    holes = Holes(len(plan.script.segments), plan.strict, plan.voicing.primary.name)
    try:
        staged = open_staged_episode(plan.out_dir, plan.date, shared=True)
        try:
            voiced = voice_into(staged, plan.edition, plan.script, source, holes, plan.profile, plan.episode, report,
                                _SILENT)
            (staged.path / SOURCE_RECORD).write_bytes(plan.fingerprint.to_bytes())
        except BaseException:
            staged.discard()
            raise
    except Exception as exc:
        return MasterResult(plan.key, plan.out_dir, plan.episode, report, None, _failure(exc), started)
    return MasterResult(plan.key, plan.out_dir, plan.episode, report, voiced, None, started, report.duration)


def gathered(pieces: Sequence[Spoken]) -> SpeechSource:
    """The clips the speech tasks returned, as a speech source: each piece's clips go to the
    spool (and are laid out) as it is merged, so the edition's audio is not held twice."""
    return lambda clips, settle: merged(pieces, clips, settle)


def started_at(pieces: Sequence[Spoken]) -> float | None:
    """When the first speech task of an edition started (None if none says)."""
    return min([p.started for p in pieces if p.started], default=None)


class _Silent:
    """Stage progress nobody watches (the batch reports per edition)."""

    def stage(self, name): pass
    def stage_done(self, name, seconds): pass
    def speech_started(self, work): pass
    def segment_done(self, index, cached, ok): pass
    def fallback(self, part, reason, engine): pass


_SILENT = _Silent()
FolderHold = Callable[[Path], ContextManager]
"""Serialises publishing into one output folder across the executor's processes (Dask: a
distributed.Lock); the folder's own flock is always taken inside it."""


def publish_step(mastered: MasterResult, hold: FolderHold = lambda folder: contextlib.nullcontext()) -> EditionOutcome:
    """Publish a mastered edition holding the title's folder; never raises."""
    report = mastered.report
    if mastered.voiced is None:
        message, code = mastered.failure or ("not mastered", 1)
        return _outcome(mastered, Status.FAILED, message=message, exit_code=code)
    staged = mastered.voiced.staged
    try:
        with hold(mastered.out_dir), output_lock(mastered.out_dir):
            remove_leftovers(mastered.out_dir)  # what killed runs left; live batches' staging stays
            publish_voiced(mastered.out_dir, mastered.voiced, mastered.episode, report, _SILENT)
    except BaseException as exc:
        staged.discard()
        if not isinstance(exc, Exception):
            raise
        message, code = _failure(exc)
        return _outcome(mastered, Status.FAILED, message=message, exit_code=code)
    shutil.rmtree(staged.path, ignore_errors=True)  # gone already once placed
    assert report.audio is not None
    voices = tuple(sorted({e for engines in report.engines.values() for e in engines.split("+") if e != "-"}))
    status = Status.UNCHANGED if report.status == "unchanged" else Status.PUBLISHED
    return _outcome(mastered, status, duration=report.duration, voices=voices, audio=str(report.audio),
                    message="corrected: the date again, with other content" if report.status == "corrected" else "")


def _outcome(mastered: MasterResult, status: Status, **fields) -> EditionOutcome:
    return EditionOutcome(mastered.key.title, mastered.key.date, status,
                          seconds=max(0.0, time.time() - mastered.started) if mastered.started else 0.0, **fields)


def _failure(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, AudioBulletinError):
        return exc.one_line(), exc.exit_code
    return f"internal error: {type(exc).__name__}: {exc} (rerun the edition with generate --traceback)", 1
