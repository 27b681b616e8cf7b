"""News copy -> the newsreader's reading: a table of real forms, each with its expected reading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audiobulletin.script.reading import to_simplified, to_spoken
from audiobulletin.script.reading.table import reading_table

EDITION = Path(__file__).resolve().parent.parent / "examples" / "taiyuan-daily-2021-06-27.txt"

# The shared table (audiobulletin/data/readings.tsv): the lexicon check reads it too.
ROWS = reading_table()
READINGS = [(r.written, r.spoken) for r in ROWS if r.spoken is not None]
# The offline voice skips Latin letters: they become a Chinese reading or Chinese letter names.
OFFLINE_READINGS = [(r.written, r.offline) for r in ROWS if r.offline is not None]


@pytest.mark.parametrize("written, spoken", READINGS, ids=[w for w, _ in READINGS])
def test_reading(written, spoken):
    assert to_spoken(written) == spoken


def test_the_table_is_large_one_row_per_form():
    assert len(READINGS) >= 100
    assert len({r.written for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("written, spoken", OFFLINE_READINGS, ids=[w for w, _ in OFFLINE_READINGS])
def test_offline_reading(written, spoken):
    assert to_spoken(written, for_offline=True) == spoken


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
    for _, spoken in READINGS:
        assert to_spoken(spoken) == spoken
    for _, spoken in OFFLINE_READINGS:
        assert to_spoken(spoken, for_offline=True) == spoken
