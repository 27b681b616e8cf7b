"""Speech stage: Script -> one Clip per segment, through the chosen engine(s).

    speech = speak(script, SpeechOptions(engine="offline", profile=load_profile(path)))

Engines sit behind `Engine` (engine.py); this module builds the requests from the script and the
voice profile and collects the results. Failures of single segments are collected, not raised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..errors import ConfigError, SpeechError
from ..script.segment import Part, Script
from .engine import Engine, SpeechRequest
from .profile import VoiceProfile, load_profile
from .voice import Clip

if TYPE_CHECKING:
    from ..script.reading import Lexicon

ENGINE_CHOICES = ("auto", "edge", "offline")
"""auto: online voices, the offline voice for any part they fail; edge: online only; offline."""

OnProgress = Callable[[int, "Clip | SpeechError"], None]
"""Called once per finished segment with its index and result."""


@dataclass(frozen=True)
class SpeechOptions:
    """What the speech stage needs to know, validated before any speech starts."""

    profile: VoiceProfile
    """Voices per engine and role."""
    engine: str = "auto"
    """One of ENGINE_CHOICES."""
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

    def __post_init__(self):
        if self.engine not in ENGINE_CHOICES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINE_CHOICES)}, got {self.engine!r}",
                              setting="engine")
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

    @property
    def for_offline(self) -> bool:
        """Whether every segment is read by the offline voice (so the script reads for it)."""
        return self.engine == "offline"


@dataclass(frozen=True)
class Speech:
    clips: Mapping[int, Clip]
    """Segment index -> its speech."""
    failures: Mapping[int, SpeechError] = field(default_factory=dict)
    """Segment index -> why no engine could say it."""
    fallbacks: Mapping[Part, str] = field(default_factory=dict)
    """Part -> why the online voice gave it up to the offline one."""

    def skipped_text(self) -> list[str]:
        return [text for clip in self.clips.values() for text in clip.skipped]

    @property
    def from_cache(self) -> int:
        """Segments taken from the speech cache (the rest of `clips` were synthesised)."""
        return sum(clip.cached for clip in self.clips.values())


def requests_for(script: Script, voice_for) -> list[SpeechRequest]:
    """One request per segment; `voice_for(role)` picks the voice for the engine in use."""
    return [SpeechRequest(i, seg.spoken, voice_for(seg.role)) for i, seg in enumerate(script.segments)]


def speak(script: Script, options: SpeechOptions, on_progress: OnProgress | None = None) -> Speech:
    """The stage's entry: every segment of `script` through the engine `options` choose."""
    from .choose import build_engine

    engine = build_engine(options, script.segments)
    try:
        voice_for = options.profile.voice_for
        return render(engine, requests_for(script, lambda role: voice_for(engine.name, role)), on_progress)
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


def render(engine: Engine, requests: Sequence[SpeechRequest], on_progress: OnProgress | None = None) -> Speech:
    """Speak `requests` with an engine already built (tests, `say`): every request gets a result."""
    clips: dict[int, Clip] = {}
    failures: dict[int, SpeechError] = {}

    def on_result(request: SpeechRequest, result: Clip | SpeechError) -> None:
        (failures if isinstance(result, SpeechError) else clips)[request.index] = result
        if on_progress:
            on_progress(request.index, result)

    engine.render(requests, on_result)
    missing = {r.index for r in requests} - clips.keys() - failures.keys()
    if missing:  # an engine broke its contract: never publish with silent holes
        raise SpeechError(f"engine {engine.name} returned no result for {len(missing)} segment(s)")
    return Speech(clips, failures, dict(engine.fallbacks()))


__all__ = ["ENGINE_CHOICES", "Engine", "Speech", "SpeechOptions", "SpeechRequest", "VoiceProfile",
           "engine_inputs", "load_profile", "render", "requests_for", "speak"]
