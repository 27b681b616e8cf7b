"""A tiny real engine for fast tests: a tone whose length follows the text, 24 kHz mono PCM."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from audiobulletin.errors import SpeechError
from audiobulletin.speech.engine import Engine, OnResult, SpeechRequest
from audiobulletin.speech.voice import Clip

SAMPLE_RATE = 24000


class ToneEngine(Engine):
    """Says every request as a sine tone (pitch from the voice), `seconds_per_char` long per
    character; refuses texts containing any of `refuse`. Records each render's request indices."""

    def __init__(self, name: str = "tone", seconds_per_char: float = 0.05, refuse: Sequence[str] = (),
                 version: str = "1"):
        self.name = name
        self.seconds_per_char = seconds_per_char
        self.refuse = tuple(refuse)
        self._version = version
        self.calls: list[list[int]] = []

    def version(self) -> str:
        return self._version

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        self.calls.append([r.index for r in requests])
        for request in requests:
            if any(word in request.text for word in self.refuse):
                on_result(request, SpeechError(f"{self.name} refuses {request.text!r}",
                                               where=f"segment {request.index}"))
                continue
            samples = int(SAMPLE_RATE * self.seconds_per_char * len(request.text))
            t = np.arange(samples) / SAMPLE_RATE
            wave = 0.3 * np.sin(2 * np.pi * (330 + request.voice.pitch) * t)
            on_result(request, Clip(pcm=(wave * 32767).astype("<i2").tobytes(),
                                    sample_rate=SAMPLE_RATE, engine=self.name))
