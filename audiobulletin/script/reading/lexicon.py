"""The pronunciation lexicon (voices/lexicon.toml): fixes for words the voices misread.

[readings] written form -> text every voice says instead (substituted before normalisation).
[pinyin]   written form -> syllables the offline voice says (one per Chinese character).
A word in both tables: the online voice gets the reading, the offline voice the pinyin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ...errors import ConfigError
from ...tomlfile import read_toml

HAN = re.compile(r"[\u4e00-\u9fa5]")
"""The characters the offline voice has syllables for (one pinyin syllable each)."""
SYLLABLE = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
                      r"(?:iang|iong|uang|ueng|ang|eng|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|"
                      r"er|ia|ie|iu|in|ing|ua|uo|ui|un|ve|vn|ue|a|o|e|i|u|v|n|m|ng)[1-5]")
"""A pinyin syllable with its tone number (5 = neutral), ü written v: zhong1, lv4, de5."""


@dataclass(frozen=True)
class Lexicon:
    readings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Written form -> what every voice says."""
    pinyin: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Written form -> one tone-numbered syllable per Chinese character (offline voice)."""
    source: str = ""
    """The file it came from (for messages)."""

    def __post_init__(self):
        for word, syllables in self.pinyin.items():
            _check_pinyin(word, syllables, self.source)

    @cached_property
    def _reading_pattern(self) -> re.Pattern | None:
        return _pattern(self.readings)

    @cached_property
    def _offline_reading_pattern(self) -> re.Pattern | None:
        return _pattern(k for k in self.readings if k not in self.pinyin)

    @cached_property
    def _pinyin_pattern(self) -> re.Pattern | None:
        return _pattern(self.pinyin)

    def pinyin_strings(self) -> dict[str, str]:
        """The [pinyin] table as written in the file (word -> "pin1 yin1"), for engines that take it."""
        return {word: " ".join(syllables) for word, syllables in self.pinyin.items()}

    def apply_readings(self, text: str, *, for_offline: bool = False) -> str:
        """Substitute readings; for the offline voice, words with pinyin keep their written form."""
        pattern = self._offline_reading_pattern if for_offline else self._reading_pattern
        return pattern.sub(lambda m: self.readings[m.group(0)], text) if pattern else text

    def pinyin_pieces(self, text: str) -> list[tuple[str, tuple[str, ...] | None]]:
        """Cut text into (piece, syllables) with syllables for the lexicon's words, None elsewhere."""
        if self._pinyin_pattern is None:
            return [(text, None)]
        pieces: list[tuple[str, tuple[str, ...] | None]] = []
        start = 0
        for m in self._pinyin_pattern.finditer(text):
            if m.start() > start:
                pieces.append((text[start:m.start()], None))
            pieces.append((m.group(0), self.pinyin[m.group(0)]))
            start = m.end()
        if start < len(text):
            pieces.append((text[start:], None))
        return pieces


def _pattern(words) -> re.Pattern | None:
    words = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _check_pinyin(word: str, syllables: tuple[str, ...], source: str) -> None:
    where = f"{source} [pinyin] {word}" if source else f"[pinyin] {word}"
    han = len(HAN.findall(word))
    if not han:
        raise ConfigError("a pinyin entry needs Chinese characters to apply to", where=where)
    bad = [s for s in syllables if not SYLLABLE.fullmatch(s)]
    if bad:
        raise ConfigError(f"not a tone-numbered pinyin syllable: {' '.join(bad)}", where=where,
                          hint='write syllables like "zhong1 guo2" (tone 1-5, 5 = neutral, ü as v)')
    if len(syllables) != han:
        raise ConfigError(f"{len(syllables)} syllable(s) for {han} Chinese character(s)", where=where,
                          hint="give one syllable per character")


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate a lexicon file; every problem is a ConfigError naming file and entry."""
    data = read_toml(path, "lexicon")
    source = str(path)
    unknown = set(data) - {"readings", "pinyin"}
    if unknown:
        raise ConfigError(f"unknown section(s) {', '.join(sorted(unknown))}", where=source,
                          hint="sections: [readings], [pinyin]")
    tables = {}
    for section in ("readings", "pinyin"):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}] must be a table", where=source)
        for word, value in table.items():
            if not word.strip() or not isinstance(value, str) or not value.strip():
                raise ConfigError("needs a non-empty written form and a non-empty string value",
                                  where=f"{source} [{section}] {word!r}",
                                  hint=f'write "{word or "词"}" = "..."')
        tables[section] = table
    readings = {word: value.strip() for word, value in tables["readings"].items()}
    pinyin = {word: tuple(value.lower().split()) for word, value in tables["pinyin"].items()}
    return Lexicon(readings=MappingProxyType(readings), pinyin=MappingProxyType(pinyin),
                   source=source)
