"""The normaliser's shared table of real written forms and their readings (data/readings.tsv).

The tests check every row; the lexicon check reads every written form again with each lexicon
entry, so an entry that breaks a number, date or unit reading is caught even when today's edition
does not contain that form.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class TableRow:
    kind: str
    """The class of form (integer, date, phone, unit ...)."""
    written: str
    spoken: str
    """As every voice reads it."""
    offline: str
    """As the offline voice reads it."""
    line: int


@functools.lru_cache(maxsize=1)
def reading_table() -> tuple[TableRow, ...]:
    text = resources.files("audiobulletin").joinpath("data/readings.tsv").read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4):
            raise ValueError(f"readings.tsv line {number}: want 3 or 4 tab-separated fields: {line!r}")
        kind, written, spoken = fields[:3]
        rows.append(TableRow(kind, written, spoken, fields[3] if len(fields) == 4 else spoken, number))
    return tuple(rows)
