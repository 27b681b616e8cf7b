"""Is each lexicon entry safe? Checked against the edition and the normaliser's shared table.

A [readings] entry replaces text before numbers are read, so an entry written for one number
("0351" = "零三五一", an area code) also rewrites every longer number that contains it: in
0351-12345 the rest is then read as a minus sign and a cardinal. Such a change is reported with
the reading before and after. So is an entry that can never match as written (pinyin applies to
the reading, where digits and Latin letters are already words), and, as a note, an entry the
edition does not use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Sequence

from .lexicon import Entry, Lexicon
from .normalise import to_simplified, to_spoken
from .table import reading_table
from .units import CALENDAR_UNITS, MEASURE_WORDS, YEAR_SUFFIXES

_DIGITS = set("0123456789０１２３４５６７８９")
_JOINERS = set(".,:：/-—–～~%％‰°℃·．+×²³∶′″")
_UNIT_SIGNS = set("%％‰°℃²³")
_UNIT_WORDS = sorted(set(MEASURE_WORDS) | set(CALENDAR_UNITS) | set(YEAR_SUFFIXES) | {"分", "秒", "周年"},
                     key=len, reverse=True)

Sample = tuple[str, str, str]
"""(where, written text, spoken text): one segment of the edition."""


@dataclass(frozen=True)
class LexiconWarning:
    entry: Entry
    problem: str
    """What is wrong, in words."""
    written: str = ""
    """The number, date or unit expression whose reading the entry changes."""
    before: str = ""
    after: str = ""
    found_in: str = ""
    """Where: a segment of the edition, or the normaliser table."""

    def one_line(self) -> str:
        e = self.entry
        entry = f'"{e.written}" = "{e.say}"'
        if not self.written:
            return f"{e.where}: {entry} {self.problem}"
        return (f"{e.where}: {entry} {self.problem} {self.written} ({self.found_in}): "
                f"{self.before} -> {self.after}")


@dataclass(frozen=True)
class LexiconReport:
    warnings: tuple[LexiconWarning, ...]
    """Entries that change readings they were not written for, or can never match."""
    unused: tuple[Entry, ...]
    """Entries this edition does not use (a note: a lexicon serves many editions)."""


def number_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The number, date or unit expression that the match text[start:end] is only part of:
    '0351' in '0351-12345', '米' in '5米', 'G' in '5G'. None when the match is not inside one,
    or is the whole of it."""
    def numberish(c: str) -> bool:
        return c in _DIGITS or c in _JOINERS or (c.isascii() and c.isalpha()) or "Ａ" <= c <= "ｚ"

    lo, hi = start, end
    while lo > 0 and numberish(text[lo - 1]):
        lo -= 1
    while hi < len(text) and numberish(text[hi]):
        hi += 1
    while hi > end and text[hi - 1] in _JOINERS and text[hi - 1] not in _UNIT_SIGNS:
        hi -= 1  # "12345." at a sentence's end
    while lo < start and text[lo] in _JOINERS and text[lo] not in "-－":
        lo += 1
    if text[hi - 1] in _DIGITS:  # 2021年, 5米: the unit or date word belongs to the number
        hi += next((len(u) for u in _UNIT_WORDS if text.startswith(u, hi)), 0)
    if lo == start and start and text[start - 1] in _DIGITS and any(text.startswith(u, start) for u in _UNIT_WORDS):
        lo = start - 1
        while lo > 0 and numberish(text[lo - 1]):
            lo -= 1
    if (lo, hi) == (start, end) or not any(c in _DIGITS for c in text[lo:hi]):
        return None
    return lo, hi


def _local_reading(text: str, lo: int, hi: int, read: Callable[[str], str]) -> str:
    """How text[lo:hi] is read in its context: the whole reading, less the readings of what comes
    before and after it (when they read the same on their own)."""
    whole = read(text)
    head = read(text[:lo]) if lo else ""
    tail = read(text[hi:]) if hi < len(text) else ""
    if head and whole.startswith(head):
        whole = whole[len(head):]
    if tail and whole.endswith(tail) and len(whole) > len(tail):
        whole = whole[:-len(tail)]
    return whole.strip(" ，。、；：！？")


def _number_changes(lexicon: Lexicon, entry: Entry, texts: Sequence[tuple[str, str]],
                    for_offline: bool) -> list[LexiconWarning]:
    """Where `entry` cuts into a longer number and changes how it is read. `texts`: (where, text
    as the lexicon sees it: in Simplified characters for the offline voice)."""
    without = lexicon.without(entry)
    seen: set[str] = set()
    out = []
    for where, prepared in texts:
        if entry.scope != "regex" and entry.written not in prepared:
            continue
        for m in lexicon.matches(prepared, "readings", for_offline=for_offline):
            span = number_around(prepared, m.start, m.end) if m.entry.key == entry.key else None
            if span is None or prepared[span[0]:span[1]] in seen:
                continue
            lo, hi = span
            before = _local_reading(prepared, lo, hi, lambda t: to_spoken(t, for_offline=for_offline, lexicon=without))
            after = _local_reading(prepared, lo, hi, lambda t: to_spoken(t, for_offline=for_offline, lexicon=lexicon))
            if before != after:
                seen.add(prepared[lo:hi])
                out.append(LexiconWarning(entry, "changes the reading of", prepared[lo:hi], before, after, where))
    return out


def _never_matches(entry: Entry, for_offline: bool) -> LexiconWarning | None:
    """An entry that cannot match what it is applied to, whatever the edition."""
    if entry.scope == "regex":
        return None
    simplified = to_simplified(entry.written)
    if entry.section == "pinyin":
        said = to_spoken(entry.written, for_offline=True)
        if said != simplified:
            return LexiconWarning(entry, f"never matches: pinyin applies to the reading, and "
                                         f"{entry.written!r} is read {said!r}; write the pinyin for that")
    if simplified != entry.written and (for_offline or entry.section == "pinyin"):
        return LexiconWarning(entry, f"never matches for the offline voice, which reads Simplified "
                                     f"characters: write {simplified!r}")
    return None


@functools.lru_cache(maxsize=2)
def _table(for_offline: bool) -> tuple[tuple[str, str], ...]:
    return tuple((f"normaliser table line {row.line}", to_simplified(row.written) if for_offline else row.written)
                 for row in reading_table())


def check_lexicon(lexicon: Lexicon, samples: Sequence[Sample], *, for_offline: bool = False) -> LexiconReport:
    """Every entry of `lexicon` against the edition's segments and the normaliser's table."""
    table = _table(for_offline)
    edition = [(where, to_simplified(text) if for_offline else text) for where, text, _ in samples]
    spoken = [s for _, _, s in samples]
    used: set[tuple[str, str]] = set()
    for _, text in edition:
        used |= {m.entry.key for m in lexicon.matches(text, "readings", for_offline=for_offline)}
    for text in spoken:
        used |= {m.entry.key for m in lexicon.matches(text, "pinyin")}
    warnings: list[LexiconWarning] = []
    for entry in lexicon.entries:
        static = _never_matches(entry, for_offline)
        if static is not None:
            warnings.append(static)
        elif entry.section == "readings":
            changes = _number_changes(lexicon, entry, edition, for_offline)
            shown = {c.written for c in changes}
            warnings += changes + [c for c in _number_changes(lexicon, entry, table, for_offline)[:1]
                                   if c.written not in shown]
    unused = tuple(e for e in lexicon.entries if e.key not in used)
    return LexiconReport(tuple(warnings), unused)
