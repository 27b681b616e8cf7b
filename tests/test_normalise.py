"""News copy -> the newsreader's reading: a table of real forms, each with its expected reading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import audiobulletin
from audiobulletin.script.reading import to_simplified, to_spoken

EDITION = Path(__file__).resolve().parent.parent / "examples" / "taiyuan-daily-2021-06-27.txt"

TABLE = Path(audiobulletin.__file__).resolve().parent / "data" / "readings.tsv"
"""The shared table: the lexicon check (script/reading/lexicon_check.py) reads it too."""


def _rows() -> list[tuple[str, str, str, str]]:
    """(class, as written, as every voice reads it, as the offline voice reads it)."""
    rows = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) in (3, 4), f"readings.tsv line {number}: {line!r}"
        rows.append((fields[0], fields[1], fields[2], fields[3] if len(fields) == 4 else fields[2]))
    return rows


ROWS = _rows()


@pytest.mark.parametrize("kind, written, spoken", [r[:3] for r in ROWS], ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_reading(kind, written, spoken):
    assert to_spoken(written) == spoken


@pytest.mark.parametrize("kind, written, spoken", [(r[0], r[1], r[3]) for r in ROWS],
                         ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_offline_reading(kind, written, spoken):
    # the offline voice also gets Simplified characters and the usual Chinese names of acronyms;
    # Latin letters stay letters (its frontend says them: speech/mandarin_frontend.py)
    assert to_spoken(written, for_offline=True) == spoken


def test_the_table_is_large_one_row_per_form_with_negative_cases():
    assert len(ROWS) >= 400
    assert len({r[1] for r in ROWS}) == len(ROWS)
    negative = {r[0].removesuffix("-not") for r in ROWS if r[0].endswith("-not")}
    assert {"designation", "time-score", "identifier", "room", "generation", "year-name", "year-list",
            "compound-unit", "symbol-unit", "roman", "ratio", "address"} <= negative


def test_online_voice_keeps_traditional_characters():
    assert to_spoken("臺灣經濟") == "臺灣經濟"


def test_simplified_text_is_unchanged_by_conversion():
    text = EDITION.read_text(encoding="utf-8")
    assert to_simplified(text) == text


def test_sample_edition_reads_without_digits_or_symbols():
    text = EDITION.read_text(encoding="utf-8")
    spoken = to_spoken(text, for_offline=True)
    assert not re.search(r"[0-9A-Za-z%—～\-]", spoken)
    for phrase in ("二零二一至二零二五年", "三百八十一点六零万剂次", "十四时四十六分", "“十四五”",
                   "一百周年", "满二十一天", "《生命重于泰山，学习"):
        assert phrase in spoken
    # only readings were added: every Chinese character of the copy is still there, in order
    said = iter(spoken)
    assert all(char in said for char in re.findall(r"[\u4e00-\u9fa5]", text))


def test_pause_punctuation_stays():
    spoken = to_spoken("会议指出，要坚持；要落实：一是……二是！对吗？好的。各县、市")
    assert [c for c in spoken if c in "，。、；：！？"] == list("，；：，！？。、")


def test_a_reading_reads_as_itself():
    # the script stage may normalise text that is already spoken (intro lines, bylines)
    for _, _, spoken, offline in ROWS:
        assert to_spoken(spoken) == spoken
        assert to_spoken(offline, for_offline=True) == offline
