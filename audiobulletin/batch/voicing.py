"""Speaking an edition's segments wherever the batch runs them: in this process (local pool) or
in a Dask task on a worker.

Everything here crosses process boundaries, so it is plain data: an `EngineSpec` instead of the
engine registry, voices and re-readings resolved per request instead of the profile and lexicon.
A `VoiceShelf` keeps each engine built once per process, so a Dask worker loads the voice model
on its first task and reuses it for every later one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, MutableMapping, Sequence

from ..errors import AudioBulletinError, SpeechError
from ..script.segment import Part
from ..speech import Speech, SpeechOptions, render
from ..speech.cache import CachedEngine, Discarded
from ..speech.engine import Engine, EngineSetup, SpeechRequest
from ..speech.voice import Clip, Voice

OnSpoken = Callable[[int], None]
"""Called with a request's index as each one is spoken (local runs: progress)."""


@dataclass(frozen=True)
class EngineSpec:
    """How to build one engine: what `EngineSetup` says, as hashable plain data."""

    name: str
    workers: int
    lexicon: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, Any], ...] = field(default=(), repr=False)
    """The engine's own settings (may hold secrets: never shown)."""

    @classmethod
    def of(cls, options: SpeechOptions, name: str) -> "EngineSpec":
        setup = options.setup_for(name)
        return cls(name, setup.workers, tuple(sorted(setup.lexicon.items())), tuple(sorted(setup.options.items())))

    def setup(self) -> EngineSetup:
        return EngineSetup(workers=self.workers, lexicon=MappingProxyType(dict(self.lexicon)),
                           options=MappingProxyType(dict(self.options)))


@dataclass(frozen=True)
class Voicing:
    """How one edition's requests are voiced: its engines and, with a fallback, what the fallback
    needs per request (the part it belongs to, its voice, the offline re-reading of its text)."""

    primary: EngineSpec
    fallback: EngineSpec | None = None
    cache_dir: Path | None = None
    parts: Mapping[int, Part] = field(default_factory=dict)
    fallback_voices: Mapping[int, Voice] = field(default_factory=dict)
    fallback_texts: Mapping[str, str] | None = None
    """Online text -> the offline voice's reading of it; None: the same text."""

    def only(self, requests: Sequence[SpeechRequest]) -> "Voicing":
        """This voicing cut down to what `requests` need (less to send with a task)."""
        indices = {r.index for r in requests}
        texts = None if self.fallback_texts is None else {r.text: self.fallback_texts[r.text] for r in requests}
        return Voicing(self.primary, self.fallback, self.cache_dir,
                       {i: p for i, p in self.parts.items() if i in indices},
                       {i: v for i, v in self.fallback_voices.items() if i in indices}, texts)


@dataclass(frozen=True)
class Spoken:
    """What speaking some of an edition's requests gave, as plain data."""

    clips: Mapping[int, Clip]
    failures: Mapping[int, tuple[str, str | None, str | None]] = field(default_factory=dict)
    """Request index -> (message, where, hint) of its SpeechError."""
    fallbacks: Mapping[Part, str] = field(default_factory=dict)
    discarded: tuple[Discarded, ...] = ()
    """Damaged speech cache entries thrown away and spoken again."""
    error: tuple[str, int] | None = None
    """(one-line message, exit code) when the engine failed as a whole."""
    started: float = 0.0
    finished: float = 0.0
    """Wall-clock times (epoch seconds) of the work."""

    skipped: tuple[str, ...] = ()
    """Text the engines could not speak."""
    cached: int = 0
    """Clips taken from the speech cache."""


def merged(pieces: Iterable[Spoken], store: MutableMapping[int, Clip] | None = None,
           settle: Callable[[int], None] | None = None) -> Speech:
    """One Speech from the pieces of an edition, their clips put into `store` (a dict if None;
    pieces spoken into it already are not copied) and each segment `settle`d as it is there;
    SpeechError (or the original class's exit code) if an engine failed as a whole in any piece."""
    clips: MutableMapping[int, Clip] = {} if store is None else store
    failures: dict[int, SpeechError] = {}
    fallbacks: dict[Part, str] = {}
    discarded: list[Discarded] = []
    skipped: list[str] = []
    cached = 0
    for piece in pieces:
        if piece.error is not None:
            raise _error_with_code(*piece.error)
        own = piece.clips is clips  # spoken into the store already (the local executor)
        for index in piece.clips:
            if not own:
                clips[index] = piece.clips[index]
            if settle is not None:
                settle(index)
        skipped += piece.skipped
        cached += piece.cached
        failures.update({i: SpeechError(m, where=w, hint=h) for i, (m, w, h) in piece.failures.items()})
        if settle is not None:
            for index in piece.failures:
                settle(index)
        fallbacks.update(piece.fallbacks)
        discarded += piece.discarded
    return Speech(clips, failures, fallbacks, tuple(discarded), tuple(skipped), cached)


def _error_with_code(message: str, exit_code: int) -> AudioBulletinError:
    error = AudioBulletinError(message)
    error.exit_code = exit_code
    return error


class VoiceShelf:
    """The engines of this process, each built once on first use and kept until `close`; one
    lock per engine, because an engine (a LiteRT interpreter) serves one thread at a time."""

    def __init__(self):
        self._engines: dict[EngineSpec, Engine] = {}
        self._locks: dict[EngineSpec, threading.Lock] = {}
        self._guard = threading.Lock()
        self.built: Counter[str] = Counter()
        """Engine name -> how many times this process built it (the voice loads with it)."""
        self.tasks = 0
        """How many times `speak` ran here."""

    def engine(self, spec: EngineSpec) -> tuple[Engine, threading.Lock]:
        with self._guard:
            if spec not in self._engines:
                from ..speech.registry import discover

                self._engines[spec] = discover().create(spec.name, spec.setup())
                self._locks[spec] = threading.Lock()
                self.built[spec.name] += 1
            return self._engines[spec], self._locks[spec]

    def close(self) -> None:
        with self._guard:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            engine.close()


def speak(shelf: VoiceShelf, voicing: Voicing, requests: Sequence[SpeechRequest],
          on_spoken: OnSpoken | None = None, store: MutableMapping[int, Clip] | None = None) -> Spoken:
    """Speak `requests` with the shelf's engines, through the speech cache, each clip into
    `store` (a dict if None) before `on_spoken` hears of it; never raises for an engine failure
    (it comes back in `error`), so one edition cannot stop a batch."""
    started = time.time()
    shelf.tasks += 1
    try:
        primary, primary_lock = shelf.engine(voicing.primary)
        with primary_lock:
            engine: Engine = CachedEngine(primary, voicing.cache_dir)
            if voicing.fallback is None:
                speech = render(engine, requests, _progress(on_spoken), store)
            else:
                fallback, fallback_lock = shelf.engine(voicing.fallback)
                with fallback_lock if fallback_lock is not primary_lock else _Held():
                    speech = render(_with_fallback(engine, CachedEngine(fallback, voicing.cache_dir), voicing),
                                    requests, _progress(on_spoken), store)
    except AudioBulletinError as exc:
        return Spoken({}, error=(exc.one_line(), exc.exit_code), started=started, finished=time.time())
    failures = {i: (e.message, e.where, e.hint) for i, e in speech.failures.items()}
    clips = speech.clips if store is not None else dict(speech.clips)
    return Spoken(clips, failures, dict(speech.fallbacks), tuple(speech.discarded), started=started,
                  finished=time.time(), skipped=tuple(speech.skipped), cached=speech.cached)


def _progress(on_spoken: OnSpoken | None):
    if on_spoken is None:
        return None
    return lambda index, result: on_spoken(index)


def _with_fallback(primary: Engine, fallback: Engine, voicing: Voicing) -> Engine:
    from ..speech.fallback import FallbackEngine

    texts = voicing.fallback_texts
    return FallbackEngine(primary, fallback, article_of=lambda r: voicing.parts[r.index],
                          offline_voice=lambda r: voicing.fallback_voices[r.index],
                          offline_text=(lambda text: texts[text]) if texts is not None else None)


class _Held:
    """The fallback is the primary engine itself: its lock is already held."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def chunks(requests: Sequence[SpeechRequest], voicing: Voicing, workers: int) -> list[Sequence[SpeechRequest]]:
    """How an edition's requests are cut into tasks: whole parts when there is a fallback (it
    re-voices whole articles, never half of one); otherwise runs of consecutive segments, smaller
    towards the end so the workers finish together."""
    from ..speech.workers import plan_chunks

    if voicing.fallback is None:
        return plan_chunks(requests, workers)
    by_part: dict[Part, list[SpeechRequest]] = {}
    for request in requests:
        by_part.setdefault(voicing.parts[request.index], []).append(request)
    return list(by_part.values())
