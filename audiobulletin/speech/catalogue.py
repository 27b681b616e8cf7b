"""The Chinese online voices: a catalogue shipped with the package, refreshable from the service."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Mapping

from ..errors import SpeechError

CATALOGUE_FILE = "edge_voices_zh.json"
VOICE_NAME = re.compile(r"^[a-z]{2,}-[A-Z]{2,}-.+Neural$")  # the short names edge-tts accepts


@dataclass(frozen=True)
class CatalogueVoice:
    """One voice as the service lists it."""

    short_name: str
    """What the voice profile names, e.g. zh-CN-YunyangNeural."""
    gender: str
    locale: str
    """zh-CN, zh-CN-liaoning, zh-HK, zh-TW, ..."""
    friendly_name: str
    categories: tuple[str, ...] = ()
    """What the service suggests it for (News, Novel, ...)."""
    personalities: tuple[str, ...] = ()

    @classmethod
    def from_service(cls, entry: Mapping[str, Any]) -> "CatalogueVoice":
        """Build from an entry of edge_tts.list_voices() (the service's own field names)."""
        tags = entry.get("VoiceTag") or {}
        return cls(short_name=entry["ShortName"], gender=entry.get("Gender", ""),
                   locale=entry.get("Locale", ""), friendly_name=entry.get("FriendlyName", ""),
                   categories=tuple(c.strip() for c in tags.get("ContentCategories", ())),
                   personalities=tuple(p.strip() for p in tags.get("VoicePersonalities", ())))


def _chinese(entries: Iterable[Mapping[str, Any]]) -> tuple[CatalogueVoice, ...]:
    voices = (CatalogueVoice.from_service(e) for e in entries if e.get("Locale", "").startswith("zh-"))
    return tuple(sorted(voices, key=lambda v: (v.locale, v.short_name)))


def load_catalogue() -> tuple[CatalogueVoice, ...]:
    """The zh-* voices shipped with the package (no network)."""
    text = (resources.files("audiobulletin") / "data" / CATALOGUE_FILE).read_text(encoding="utf-8")
    return _chinese(json.loads(text)["voices"])


def zh_cn_names(voices: Iterable[CatalogueVoice] | None = None) -> list[str]:
    """Short names of the mainland voices (zh-CN and its dialects), for error messages."""
    return [v.short_name for v in (load_catalogue() if voices is None else voices)
            if v.locale.startswith("zh-CN")]


def voice_name_problem(name: str) -> str | None:
    """Why `name` cannot be an online voice (None if it is well-formed; the service decides the rest)."""
    if VOICE_NAME.match(name):
        return None
    return f"{name!r} is not an online voice name like zh-CN-XiaoxiaoNeural"


def fetch_online(endpoint: str | None = None, timeout: float = 20.0) -> tuple[CatalogueVoice, ...]:
    """The zh-* voices the service lists right now (edge_tts.list_voices)."""
    import asyncio

    import edge_tts

    from .edge_endpoint import pointed_at

    try:
        with pointed_at(endpoint):
            entries = asyncio.run(asyncio.wait_for(edge_tts.list_voices(), timeout))
    except Exception as exc:  # network, HTTP status, bad JSON: all mean "not available now"
        raise SpeechError(f"cannot fetch the voice list from the online service: {exc or type(exc).__name__}",
                          hint="run without --online to see the shipped catalogue") from None
    return _chinese(entries)
