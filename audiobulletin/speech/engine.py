"""The one small interface every speech engine (and the cache in front of them) implements.

Public: a plug-in engine (a separate package registered under the entry-point group
`audiobulletin.engines`, see README "Choosing a voice") subclasses `Engine`, describes itself in
`info` (an `EngineInfo`: voices, output, terms) and builds itself in `create(setup)`.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Sequence

from ..errors import SpeechError
from ..script.segment import Part
from .voice import Clip, Voice

if TYPE_CHECKING:
    from .cache import Discarded

__all__ = ["Clip", "CommercialUse", "Engine", "EngineInfo", "EngineSetup", "OnResult", "Result",
           "SpeechError", "SpeechRequest", "Terms", "Voice", "VoiceInfo"]

ROLES = ("intro", "section", "headline", "subheading", "byline", "body", "outro")
"""The script's roles (script.segment.Role values), for `VoiceInfo.roles`."""


class CommercialUse(str, enum.Enum):
    """May a commercial publisher publish what the engine says?"""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    UNKNOWN = "unknown"
    """The terms don't say, or nobody has checked: treated as not allowed by `commercial = true`."""


@dataclass(frozen=True)
class Terms:
    """The terms the audio comes under."""

    commercial_use: CommercialUse
    licence: str
    """One line: the licence or agreement, e.g. "weights Apache-2.0, ONNX export MIT"."""
    url: str
    """Where to read the terms."""

    def __post_init__(self):
        object.__setattr__(self, "commercial_use", CommercialUse(self.commercial_use))
        if not self.licence.strip() or "\n" in self.licence:
            raise ValueError("terms need a one-line licence summary")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"terms need a URL, got {self.url!r}")


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers."""

    name: str
    """What a voice profile writes, e.g. zh-CN-YunyangNeural."""
    language: str
    """BCP 47 tag, e.g. zh-CN."""
    gender: str = ""
    """female, male, or empty."""
    roles: tuple[str, ...] = ()
    """Roles it suits (see ROLES); empty: not advised for news."""
    note: str = ""

    def __post_init__(self):
        unknown = set(self.roles) - set(ROLES)
        if unknown:
            raise ValueError(f"voice {self.name}: unknown role(s) {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class EngineInfo:
    """What an engine is, for `voices`, the voice profile and the terms guard."""

    name: str
    """The engine's name: its voice-profile section and its `engine =` value."""
    label: str
    """How the episode notes name it to listeners, e.g. 微软 Azure 语音."""
    voices: tuple[VoiceInfo, ...]
    output: str
    """What it produces, e.g. "24 kHz 16-bit mono PCM"."""
    word_boundaries: bool
    """Whether it reports where words or sentences fall in its audio."""
    terms: Terms
    network: bool = False
    """Whether it calls a network service."""
    offline_reading: bool = False
    """Whether it needs the offline reading of the text (Simplified characters, Latin letters
    spelt out in Chinese) rather than the text an online voice reads itself."""
    voice_pattern: str = ""
    """A regular expression the voice names match, when it has more voices than `voices` lists;
    empty: exactly the listed voices."""

    def __post_init__(self):
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"engine name must be a lower-case identifier, got {self.name!r}")

    def voice_problem(self, voice: str) -> str | None:
        """Why `voice` is not one of this engine's voices (None if it may be)."""
        import re

        if self.voice_pattern:
            if re.fullmatch(self.voice_pattern, voice):
                return None
            example = f" (like {self.voices[0].name})" if self.voices else ""
            return f"{voice!r} is not a voice name of the {self.name} engine{example}"
        names = [v.name for v in self.voices]
        if voice in names:
            return None
        return f"the {self.name} engine has no voice {voice!r} (it has {', '.join(names)})"


@dataclass(frozen=True)
class EngineSetup:
    """What `Engine.create` gets: the run's resources and the engine's own settings."""

    workers: int = 1
    """Worker processes a local engine may use."""
    lexicon: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Written form -> pinyin syllables, for engines that read pinyin (voices/lexicon.toml). From the
    lexicon it is a PinyinTable, whose `entries` also hold the scoped entries and their file lines."""
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    """The engine's own settings: for a built-in engine its `<name>_*` settings without the prefix
    (azure: key, region, endpoint, concurrency); for a plug-in its `AUDIOBULLETIN_<NAME>_<OPTION>`
    environment variables, keyed by lower-case option. May hold secrets: never log it."""


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
    info: ClassVar[EngineInfo | None] = None
    """Required of a plug-in (an engine registered by entry point); `name` must be `info.name`."""

    @classmethod
    def create(cls, setup: EngineSetup) -> "Engine":
        """Build the engine for a run (override to read `setup`); raise ConfigError for missing
        settings, so the run stops before any speech."""
        return cls()

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

    def discarded(self) -> Sequence["Discarded"]:
        """After `render`: damaged cache entries thrown away (and spoken again); only a cache has any."""
        return ()

    def close(self) -> None:
        """Release workers and connections."""
