"""A tiny real engine for fast tests of everything around speech: each character becomes
80 ms of a tone (pitch by role), so durations and order are checkable."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from audiobulletin.errors import SpeechError
from audiobulletin.speech.engine import Engine
from audiobulletin.speech.voice import Clip

RATE = 24000
PER_CHAR = 0.08


class ToneEngine(Engine):
    name = "tone"

    def __init__(self, fail_on: str | None = None):
        self.fail_on, self.calls = fail_on, 0

    def version(self) -> str:
        return "tone-1"

    def render(self, requests, on_result):
        for request in requests:
            self.calls += 1
            if self.fail_on and self.fail_on in request.text:
                on_result(request, SpeechError(f"cannot say {request.text!r}"))
                continue
            on_result(request, tone_clip(len(request.text), 300 + 5 * (request.voice.pitch + 100)))


def tone_clip(chars: int, freq: float = 440.0) -> Clip:
    t = np.arange(int(chars * PER_CHAR * RATE)) / RATE
    wave = 0.3 * np.sin(2 * np.pi * freq * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return Clip((wave * 32767).astype("<i2").tobytes(), RATE, engine="tone")


class RecordingToneEngine(ToneEngine):
    """A ToneEngine that remembers which request indices each render got, with a settable name
    and version (cache keys include both)."""

    def __init__(self, fail_on: str | None = None, name: str = "tone", version: str = "tone-1"):
        super().__init__(fail_on)
        self.name, self._version = name, version
        self.renders: list[list[int]] = []

    def version(self) -> str:
        return self._version

    def render(self, requests, on_result):
        self.renders.append([r.index for r in requests])

        def named(request, result):  # clips say which engine spoke them
            on_result(request, replace(result, engine=self.name) if isinstance(result, Clip) else result)

        super().render(requests, named)
