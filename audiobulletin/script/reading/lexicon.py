"""The pronunciation lexicon (voices/lexicon.toml): fixes for words the voices misread.

[readings] written form -> text every voice says instead (substituted before normalisation).
[pinyin]   written form -> syllables the offline voice says (one per Chinese character).
A word in both tables: the online voice gets the reading, the offline voice the pinyin.

An entry matches anywhere by default. Scoped entries are inline tables:
    "行长" = { reading = "航长", scope = "word" }                  whole words only (jieba's)
    '(?<!\\d)0351(?![\\d-])' = { reading = "零三五幺", scope = "regex", example = "区号0351" }
A regex entry must come with an example it matches; its reading (or pinyin) replaces the whole
match. Every problem is a ConfigError naming the file, the line and the entry.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from ...errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HAN = re.compile(r"[\u4e00-\u9fa5]")
"""The characters the offline voice has syllables for (one pinyin syllable each)."""
SYLLABLE = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
                      r"(?:iang|iong|uang|ueng|ang|eng|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|"
                      r"er|ia|ie|iu|in|ing|ua|uo|ui|un|ve|vn|ue|a|o|e|i|u|v|n|m|ng)[1-5]")
"""A pinyin syllable with its tone number (5 = neutral), ü written v: zhong1, lv4, de5."""

SECTIONS = {"readings": "reading", "pinyin": "pinyin"}
"""Section -> the key that holds the value in a scoped (inline table) entry."""
SCOPES = ("anywhere", "word", "regex")


@dataclass(frozen=True)
class Entry:
    """One entry of a lexicon file."""

    section: str
    """"readings" or "pinyin"."""
    written: str
    """The written form; with scope "regex", a Python regular expression."""
    say: str
    """The reading, or the tone-numbered syllables separated by spaces."""
    scope: str = "anywhere"
    """anywhere (any occurrence), word (whole words only), regex."""
    example: str = ""
    """A text the entry must match (required for a regex)."""
    line: int = 0
    """Line in `source` (0: not from a file)."""
    source: str = ""

    @property
    def syllables(self) -> tuple[str, ...]:
        return tuple(self.say.lower().split())

    @property
    def where(self) -> str:
        """file:line [section] written form, for messages."""
        at = f"{self.source}:{self.line}" if self.source and self.line else self.source
        return f"{at} [{self.section}] {self.written}".strip()

    @property
    def key(self) -> tuple[str, str]:
        """What identifies an entry in its file: a TOML table has one value per key."""
        return self.section, self.written

    @cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(self.written if self.scope == "regex" else re.escape(self.written))

    def fits(self, matched: str) -> bool:
        """Whether a match can take this entry's value (pinyin: one syllable per character)."""
        return self.section != "pinyin" or len(HAN.findall(matched)) == len(self.syllables)


class PinyinTable(Mapping[str, str]):
    """The [pinyin] table as engines get it (EngineSetup.lexicon): a mapping written form ->
    "pin1 yin1" of the entries that match anywhere, for an engine that takes a plain table, and
    `entries`, every pinyin entry with its scope and its line, for one that takes them all."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries = tuple(e for e in entries if e.section == "pinyin")
        self._plain = {e.written: " ".join(e.syllables) for e in self.entries if e.scope == "anywhere"}

    def __getitem__(self, written: str) -> str:
        return self._plain[written]

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry


@dataclass(frozen=True)
class Lexicon:
    readings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Written form -> what every voice says (entries that match anywhere)."""
    pinyin: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Written form -> one tone-numbered syllable per Chinese character (offline voice)."""
    source: str = ""
    """The file it came from (for messages)."""
    scoped: tuple[Entry, ...] = ()
    """Entries for whole words only or written as a regular expression."""
    lines: Mapping[tuple[str, str], int] = field(default_factory=lambda: MappingProxyType({}))
    """(section, written form) -> line of a `readings`/`pinyin` entry in `source`."""

    def __post_init__(self):
        for entry in self.entries:
            check_entry(entry)

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in file order."""
        plain = [Entry("readings", w, r, line=self.lines.get(("readings", w), 0), source=self.source)
                 for w, r in self.readings.items()]
        plain += [Entry("pinyin", w, " ".join(s), line=self.lines.get(("pinyin", w), 0), source=self.source)
                  for w, s in self.pinyin.items()]
        return tuple(sorted(plain + list(self.scoped), key=lambda e: e.line))

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], source: str = "") -> "Lexicon":
        entries = list(entries)
        plain = [e for e in entries if e.scope == "anywhere"]
        return cls(readings=MappingProxyType({e.written: e.say for e in plain if e.section == "readings"}),
                   pinyin=MappingProxyType({e.written: e.syllables for e in plain if e.section == "pinyin"}),
                   source=source, scoped=tuple(e for e in entries if e.scope != "anywhere"),
                   lines=MappingProxyType({e.key: e.line for e in plain if e.line}))

    def find(self, section: str, written: str) -> Entry | None:
        return next((e for e in self.entries if e.key == (section, written)), None)

    def with_entry(self, entry: Entry) -> "Lexicon":
        """This lexicon with `entry` added, or replacing the entry with the same key."""
        old = self.find(*entry.key)
        if old is not None:
            entry = replace(entry, line=entry.line or old.line, source=entry.source or old.source)
        kept = [e for e in self.entries if e.key != entry.key]
        return Lexicon.from_entries(kept + [entry], self.source)

    def without(self, entry: Entry) -> "Lexicon":
        return Lexicon.from_entries([e for e in self.entries if e.key != entry.key], self.source)

    def pinyin_strings(self) -> dict[str, str]:
        """The [pinyin] entries that match anywhere, as written in the file (word -> "pin1 yin1"),
        for engines that take a plain mapping."""
        return {word: " ".join(syllables) for word, syllables in self.pinyin.items()}

    def pinyin_table(self) -> PinyinTable:
        return PinyinTable(self.entries)

    @cached_property
    def _pinyin_written(self) -> frozenset[str]:
        return frozenset(e.written for e in self.entries if e.section == "pinyin")

    def active(self, section: str, *, for_offline: bool = False) -> tuple[Entry, ...]:
        """The entries of `section` a voice uses: for the offline voice, a written form that has
        pinyin keeps its written form (the pinyin says it)."""
        return tuple(e for e in self.entries if e.section == section
                     and not (for_offline and section == "readings" and e.written in self._pinyin_written))

    def matches(self, text: str, section: str, *, for_offline: bool = False) -> list[Match]:
        """Where `section`'s entries apply in `text`: leftmost first, the longest where two
        start together, never overlapping."""
        return _choose(_candidates(self.active(section, for_offline=for_offline), text, self._plain_patterns))

    @cached_property
    def _plain_patterns(self) -> dict[tuple[str, ...], re.Pattern | None]:
        return {}

    def apply_readings(self, text: str, *, for_offline: bool = False) -> str:
        """Substitute readings; for the offline voice, words with pinyin keep their written form."""
        out, at = [], 0
        for m in self.matches(text, "readings", for_offline=for_offline):
            out += [text[at:m.start], m.entry.say]
            at = m.end
        return "".join(out) + text[at:] if out else text

    def pinyin_pieces(self, text: str) -> list[tuple[str, tuple[str, ...] | None]]:
        """Cut text into (piece, syllables) with syllables for the lexicon's words, None elsewhere."""
        pieces: list[tuple[str, tuple[str, ...] | None]] = []
        at = 0
        for m in self.matches(text, "pinyin"):
            if m.start > at:
                pieces.append((text[at:m.start], None))
            pieces.append((text[m.start:m.end], m.entry.syllables))
            at = m.end
        if at < len(text) or not pieces:
            pieces.append((text[at:], None))
        return pieces


def _candidates(entries: tuple[Entry, ...], text: str, patterns: dict) -> list[Match]:
    """Every place an entry matches (overlaps allowed); entries matching anywhere share one
    alternation (longest first), compiled once per lexicon."""
    plain = tuple(e.written for e in entries if e.scope == "anywhere")
    found: list[Match] = []
    if plain:
        if plain not in patterns:
            patterns[plain] = re.compile("|".join(map(re.escape, sorted(plain, key=len, reverse=True))))
        by_written = {e.written: e for e in entries if e.scope == "anywhere"}
        found += [Match(m.start(), m.end(), by_written[m.group(0)]) for m in patterns[plain].finditer(text)]
    bounds = None
    for entry in entries:
        if entry.scope == "anywhere":
            continue
        for m in entry.pattern.finditer(text):
            if m.end() == m.start() or not entry.fits(m.group(0)):
                continue
            if entry.scope == "word":
                if bounds is None:
                    from .words import word_bounds

                    bounds = word_bounds(text)
                if m.start() not in bounds or m.end() not in bounds:
                    continue
            found.append(Match(m.start(), m.end(), entry))
    return found


def _choose(found: list[Match]) -> list[Match]:
    chosen, end = [], 0
    for m in sorted(found, key=lambda m: (m.start, m.start - m.end)):
        if m.start >= end:
            chosen.append(m)
            end = m.end
    return chosen


def check_entry(entry: Entry) -> None:
    """ConfigError naming the entry's file and line if it cannot work as written."""
    where = entry.where
    if entry.section not in SECTIONS:
        raise ConfigError(f"unknown section [{entry.section}]", where=where, hint="sections: [readings], [pinyin]")
    if not entry.written.strip():
        raise ConfigError("the written form is empty", where=where)
    if not entry.say.strip():
        what = "reading" if entry.section == "readings" else "pinyin"
        raise ConfigError(f"needs a non-empty {what}", where=where, hint=f'write "{entry.written}" = "..."')
    if entry.scope not in SCOPES:
        raise ConfigError(f"scope must be one of {', '.join(SCOPES)}, got {entry.scope!r}", where=where)
    if entry.scope == "regex":
        _check_regex(entry)
    if entry.section == "pinyin":
        _check_pinyin(entry)
    if entry.example and not _matches_example(entry):
        raise ConfigError(f"does not match its example {entry.example!r}", where=where,
                          hint="fix the pattern or the example")


def _check_regex(entry: Entry) -> None:
    try:
        pattern = re.compile(entry.written)
    except re.error as exc:
        raise ConfigError(f"invalid regular expression: {exc}", where=entry.where,
                          hint="Python regular expression syntax; escape \\ in TOML \"...\" strings, "
                               "or use '...'") from None
    if pattern.fullmatch(""):
        raise ConfigError("the regular expression matches empty text", where=entry.where)
    if not entry.example:
        raise ConfigError("a regex entry needs an example it matches", where=entry.where,
                          hint='add example = "a sentence it must match"')


def _check_pinyin(entry: Entry) -> None:
    syllables = entry.syllables
    bad = [s for s in syllables if not SYLLABLE.fullmatch(s)]
    if bad:
        raise ConfigError(f"not a tone-numbered pinyin syllable: {' '.join(bad)}", where=entry.where,
                          hint='write syllables like "zhong1 guo2" (tone 1-5, 5 = neutral, ü as v)')
    if entry.scope == "regex":
        m = entry.pattern.search(entry.example)
        han = len(HAN.findall(m.group(0))) if m else len(syllables)
        what = f"its example's match {m.group(0) if m else ''!r}"
    else:
        han = len(HAN.findall(entry.written))
        what = "the written form"
        if not han:
            raise ConfigError("a pinyin entry needs Chinese characters to apply to", where=entry.where)
    if len(syllables) != han:
        raise ConfigError(f"{len(syllables)} syllable(s) for {han} Chinese character(s) in {what}",
                          where=entry.where, hint="give one syllable per character")


def _matches_example(entry: Entry) -> bool:
    return bool(_candidates((entry,), entry.example, {}))


# --- reading the file -------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def entry_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, key) -> 1-based line, found by scanning the TOML (tomllib keeps no positions)."""
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            section = header.group(1).strip().strip("\"'")
            continue
        key = _KEY.match(line)
        if key:
            try:
                [written] = tomllib.loads(f"{key.group(1)} = 0")
            except (tomllib.TOMLDecodeError, ValueError):
                continue
            lines.setdefault((section, written), number)
    return lines


def header_line(text: str, section: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and header.group(1).strip().strip("\"'") == section:
            return number
    return 0


def decode(data: bytes, source: str) -> str:
    """UTF-8 (a BOM allowed), or a ConfigError naming the line of the first undecodable byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", where=f"{source}:{line}",
                          hint="save the lexicon as UTF-8") from None


def parse_lexicon(data: bytes, source: str) -> Lexicon:
    """A lexicon from the bytes of a lexicon file; the first problem is a ConfigError naming
    `source`, the line and the entry."""
    text = decode(data, source)
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML in lexicon: {exc}", where=f"{source}:{at.group(1)}" if at else source,
                          hint="fix the line, or restore the previous file (.bak)") from None
    unknown = sorted(set(tables) - set(SECTIONS))
    if unknown:
        line = header_line(text, unknown[0]) or entry_lines(text).get(("", unknown[0]), 0)
        raise ConfigError(f"unknown section(s) {', '.join(unknown)}", where=f"{source}:{line}" if line else source,
                          hint="sections: [readings], [pinyin]")
    lines = entry_lines(text)
    entries = []
    for section, value_key in SECTIONS.items():
        table = tables.get(section, {})
        if not isinstance(table, dict):
            line = lines.get(("", section), 0)
            raise ConfigError(f"[{section}] must be a table", where=f"{source}:{line}" if line else source)
        for written, value in table.items():
            entry = _entry(section, value_key, written, value, lines.get((section, written), 0), source)
            check_entry(entry)
            entries.append(entry)
    return Lexicon.from_entries(entries, source)


def _entry(section: str, value_key: str, written: str, value, line: int, source: str) -> Entry:
    bare = Entry(section, written, "", line=line, source=source)
    if isinstance(value, str):
        return replace(bare, say=value.strip())
    if not isinstance(value, dict):
        raise ConfigError("needs a non-empty string value, or a table with scope", where=bare.where,
                          hint=f'write "{written or "词"}" = "..."')
    unknown = sorted(set(value) - {value_key, "scope", "example"})
    if unknown:
        raise ConfigError(f"unknown field(s) {', '.join(unknown)}", where=bare.where,
                          hint=f"fields: {value_key}, scope, example")
    fields = {k: value.get(k, "") for k in (value_key, "scope", "example")}
    if not all(isinstance(v, str) for v in fields.values()):
        raise ConfigError(f"{value_key}, scope and example must be strings", where=bare.where)
    return replace(bare, say=fields[value_key].strip(), scope=fields["scope"] or "anywhere",
                   example=fields["example"])


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate a lexicon file; every problem is a ConfigError naming file, line and entry."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError("lexicon not found", where=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read lexicon: {exc.strerror or exc}", where=str(path)) from None
    return parse_lexicon(data, str(path))
