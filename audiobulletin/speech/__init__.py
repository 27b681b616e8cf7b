"""Speech stage: Script -> one Clip per segment, through the chosen engine(s).

    speech = speak(script, SpeechOptions(engine="offline", profile=load_profile(path)))

Engines sit behind `Engine` (engine.py); this module builds the requests from the script and the
voice profile and collects the results. Failures of single segments are collected, not raised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping, MutableMapping, Sequence

from ..errors import AudioBulletinError, ConfigError, SpeechError
from ..script.segment import Part, Script
from .cache import Discarded
from .chain import EngineChain, check_chain
from .engine import Engine, EngineSetup, SpeechRequest
from .profile import VoiceProfile, load_profile
from .registry import Registry, discover
from .spool import ClipSpool
from .voice import Clip

if TYPE_CHECKING:
    from ..script.reading import Lexicon

OnProgress = Callable[[int, "Clip | SpeechError"], None]
"""Called once per finished segment with its index and result."""
OnFallback = Callable[[Part, AudioBulletinError], None]
"""Called once per part (article, intro, outro) the first engine gives up, when it does."""


@dataclass(frozen=True)
class SpeechOptions:
    """What the speech stage needs to know, validated before any speech starts."""

    profile: VoiceProfile
    """Voices per engine and role."""
    engine: str = "auto"
    """auto (edge, with `fallback` or else the offline voice for any part it fails), or the name
    of a registered engine (`registry`)."""
    fallback: str = ""
    """The engine that re-voices every part (article, intro, outro) `engine` fails; "": none."""
    commercial: bool = False
    """Refuse engines whose terms forbid or do not state commercial use (the terms guard)."""
    lexicon: "Lexicon | None" = None
    """Pronunciation fixes; its pinyin entries reach the offline voice."""
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    """Offline voice worker processes."""
    cache_dir: Path | None = None
    """Speech cache folder; None: the user cache folder."""
    edge_endpoint: str = ""
    """Websocket URL of the online voices; empty: Microsoft's service."""
    edge_concurrency: int = 4
    """Parallel requests to the online voice service."""
    engine_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    """Engine name -> its own settings (azure: key, region, endpoint, token, concurrency; a
    plug-in: its AUDIOBULLETIN_<NAME>_<OPTION> variables). May hold secrets: never shown."""
    registry: Registry | None = field(default=None, compare=False, repr=False)
    """The engines that exist; None: the installed ones (entry points)."""

    def __post_init__(self):
        if self.registry is None:
            object.__setattr__(self, "registry", discover())
        if not isinstance(self.workers, int) or not 1 <= self.workers <= 64:
            raise ConfigError(f"workers must be 1..64, got {self.workers}", setting="workers")
        if not 1 <= self.edge_concurrency <= 16:
            raise ConfigError(f"edge_concurrency must be 1..16, got {self.edge_concurrency}",
                              setting="edge_concurrency")
        if self.edge_endpoint:
            from .edge_endpoint import check_endpoint

            try:
                check_endpoint(self.edge_endpoint)
            except ConfigError as exc:
                raise ConfigError(exc.message, hint=exc.hint, setting="edge_endpoint") from None
        check_chain(self.chain, self.engines, commercial=self.commercial, voice_for=self.profile.voice_for,
                    setup_for=self.setup_for)

    @property
    def engines(self) -> Registry:
        assert self.registry is not None  # set in __post_init__
        return self.registry

    @property
    def chain(self) -> EngineChain:
        """The engines in use: the primary, and the fallback if any."""
        return EngineChain.of(self.engine, self.fallback)

    @property
    def for_offline(self) -> bool:
        """Whether the script reads for an offline voice (Simplified characters, letters spelt
        out): when the engine that voices it needs that reading."""
        return self.engines.info(self.chain.primary).offline_reading

    def setup_for(self, name: str) -> EngineSetup:
        """What engine `name` is built from: workers, the lexicon's pinyin, its own settings."""
        options = dict(self.engine_options.get(name, {}))
        if name == "edge":
            options.setdefault("endpoint", self.edge_endpoint)
            options.setdefault("concurrency", self.edge_concurrency)
        pinyin = self.lexicon.pinyin_table() if self.lexicon else MappingProxyType({})
        return EngineSetup(workers=self.workers, lexicon=pinyin,
                           options=MappingProxyType(options))

    def labels(self) -> dict[str, str]:
        """Engine name -> how the episode notes name it to listeners."""
        return {name: entry.info.label for name, entry in self.engines.entries.items() if entry.info}


@dataclass(frozen=True)
class Speech:
    clips: Mapping[int, Clip]
    """Segment index -> its speech (in memory, or a ClipSpool on disk)."""
    failures: Mapping[int, SpeechError] = field(default_factory=dict)
    """Segment index -> why no engine could say it."""
    fallbacks: Mapping[Part, str] = field(default_factory=dict)
    """Part -> why the online voice gave it up to the offline one."""
    discarded: tuple[Discarded, ...] = ()
    """Damaged cache entries that were thrown away and spoken again."""
    skipped: tuple[str, ...] = ()
    """Text the engines could not speak, in the order the clips came back."""

    def skipped_text(self) -> list[str]:
        return list(self.skipped)

    cached: int = 0
    """Segments taken from the speech cache (the rest of `clips` were synthesised)."""

    @property
    def from_cache(self) -> int:
        return self.cached


def requests_for(script: Script, voice_for) -> list[SpeechRequest]:
    """One request per segment; `voice_for(role)` picks the voice for the engine in use."""
    return [SpeechRequest(i, seg.spoken, voice_for(seg.role)) for i, seg in enumerate(script.segments)]


def speak(script: Script, options: SpeechOptions, on_progress: OnProgress | None = None,
          on_fallback: OnFallback | None = None, store: MutableMapping[int, Clip] | None = None) -> Speech:
    """The stage's entry: every segment of `script` through the engine `options` choose.
    Clips go into `store` as they arrive (a ClipSpool keeps a long edition on disk); a dict by
    default. `on_progress` runs after a clip is stored."""
    from .choose import build_engine

    engine = build_engine(options, script.segments, on_fallback=on_fallback)
    try:
        voice_for = options.profile.voice_for
        return render(engine, requests_for(script, lambda role: voice_for(engine.name, role)), on_progress,
                      store)
    finally:
        engine.close()


def engine_inputs(script: Script, options: SpeechOptions) -> tuple[str, tuple[str, ...]]:
    """The name of the engine `speak` would use, and what it makes of each segment (the pinyin it
    will say, the SSML it will send): a review of the readings, without any synthesis."""
    from .choose import build_engine

    engine = build_engine(options, script.segments)
    try:
        voice_for = options.profile.voice_for
        requests = requests_for(script, lambda role: voice_for(engine.name, role))
        return engine.name, tuple(engine.engine_input(r) for r in requests)
    finally:
        engine.close()


def render(engine: Engine, requests: Sequence[SpeechRequest], on_progress: OnProgress | None = None,
           store: MutableMapping[int, Clip] | None = None) -> Speech:
    """Speak `requests` with an engine already built (tests, `say`): every request gets a result."""
    clips: MutableMapping[int, Clip] = {} if store is None else store
    failures: dict[int, SpeechError] = {}
    skipped: list[str] = []
    cached = 0

    def on_result(request: SpeechRequest, result: Clip | SpeechError) -> None:
        nonlocal cached
        if isinstance(result, SpeechError):
            failures[request.index] = result
        else:
            clips[request.index] = result
            skipped.extend(result.skipped)
            cached += result.cached
        if on_progress:
            on_progress(request.index, result)

    engine.render(requests, on_result)
    missing = {r.index for r in requests} - clips.keys() - failures.keys()
    if missing:  # an engine broke its contract: never publish with silent holes
        raise SpeechError(f"engine {engine.name} returned no result for {len(missing)} segment(s)")
    return Speech(clips, failures, dict(engine.fallbacks()), tuple(engine.discarded()), tuple(skipped), cached)


__all__ = ["ClipSpool", "Engine", "EngineChain", "Speech", "SpeechOptions", "SpeechRequest", "VoiceProfile",
           "engine_inputs", "load_profile", "render", "requests_for", "speak"]
