"""Speech stage: Script -> one Clip per segment, through the chosen engine(s).

Engines sit behind `Engine` (engine.py); this module only builds the requests from the script and
the voice profile and collects results. Failures of single segments are collected, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import SpeechError
from ..script.segment import Script
from .engine import Engine, SpeechRequest
from .fallback import FallbackEngine
from .voice import Clip

OnProgress = Callable[[int, Clip | SpeechError], None]
"""Called once per finished segment with its index and result."""


@dataclass(frozen=True)
class Speech:
    clips: dict[int, Clip]
    failures: dict[int, SpeechError] = field(default_factory=dict)
    fallbacks: dict = field(default_factory=dict)
    """Article index (or "intro"/"outro") -> why the online voice gave it up to the offline one."""

    def skipped_text(self) -> list[str]:
        return [text for clip in self.clips.values() for text in clip.skipped]


def requests_for(script: Script, voice_for) -> list[SpeechRequest]:
    """One request per segment; `voice_for(role)` picks the voice for the engine in use."""
    return [SpeechRequest(i, seg.spoken, voice_for(seg.role)) for i, seg in enumerate(script.segments)]


def speak(engine: Engine, requests: list[SpeechRequest], on_progress: OnProgress | None = None) -> Speech:
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
    fallbacks = dict(engine.report.reasons) if isinstance(engine, FallbackEngine) else {}
    return Speech(clips, failures, fallbacks)
