"""The one small interface every speech engine (and the cache in front of them) implements."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from ..errors import SpeechError
from ..script.segment import Part
from .voice import Clip, Voice


@dataclass(frozen=True)
class SpeechRequest:
    """Say `text` with `voice`; `index` is the segment's position in the script."""

    index: int
    text: str
    voice: Voice

    def __post_init__(self):
        if not self.text.strip():
            raise ValueError(f"request {self.index} has nothing to speak")


Result = Clip | SpeechError
OnResult = Callable[[SpeechRequest, Result], None]


class Engine(abc.ABC):
    """A speech engine. Heavy imports and model loading happen in `render`, never at import time."""

    name: str = ""

    @abc.abstractmethod
    def version(self) -> str:
        """Engine and model version: part of every cache key, so a new model never reuses old audio."""

    @abc.abstractmethod
    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        """Speak every request, calling `on_result` once per request (in any order, from the
        calling thread) with its Clip or the SpeechError that made it fail. Raises only for
        failures that concern the whole engine (e.g. cannot load the model)."""

    def engine_input(self, request: SpeechRequest) -> str:
        """What this engine makes of `request` before synthesis: the text, pinyin or SSML it will
        actually speak. Shown to editors (`script`, `say`, `review`) and the heart of the cache
        key, so it must determine the audio together with `version()` and the request's voice.
        Default: the text as given."""
        return request.text

    def fallbacks(self) -> Mapping[Part, str]:
        """After `render`: the parts another engine read in this one's place, and why (an engine
        that never hands work on reports none)."""
        return {}

    def close(self) -> None:
        """Release workers and connections."""
