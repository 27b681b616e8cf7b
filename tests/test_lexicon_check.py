"""The safe lexicon: entries that change readings they were not written for, or never match."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.script.reading import load_lexicon, to_spoken
from audiobulletin.script.reading.lexicon_check import check_lexicon, number_around

EDITION = """\
我市开通政务服务热线

本报讯（记者 赵丽）市民可拨打咨询电话：0351-12345。热线全天开通，区号0351不变。
"""


def samples(lexicon, *texts):
    return [(f"segment {i}", t, to_spoken(t, lexicon=lexicon)) for i, t in enumerate(texts)]


def write(tmp_path, body: str, name: str = "lexicon.toml"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, match, expression", [
    ("电话0351-12345", "0351", "0351-12345"),
    ("全长5米", "米", "5米"),
    ("5G基站", "G", "5G"),
    ("2021年", "2021", "2021年"),
    ("区号0351。", "0351", None),  # the whole number: what it was written for
    ("万柏林区", "万柏林", None),
])
def test_number_around_finds_the_number_a_match_cuts_into(text, match, expression):
    start = text.index(match)
    span = number_around(text, start, start + len(match))
    assert (text[span[0]:span[1]] if span else None) == expression


def test_the_0351_entry_warns_naming_the_number_it_breaks(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"0351" = "零三五一"\n'))
    report = check_lexicon(lexicon, samples(lexicon, "咨询电话：0351-12345。", "区号0351不变。"))
    edition, table = report.warnings
    assert edition.written == "0351-12345" and edition.found_in == "segment 0"
    assert (edition.before, edition.after) == ("零三五幺 幺二三四五", "零三五一负一万两千三百四十五")
    assert edition.one_line() == (f'{tmp_path / "lexicon.toml"}:2 [readings] 0351: "0351" = "零三五一" changes the '
                                  "reading of 0351-12345 (segment 0): 零三五幺 幺二三四五 -> 零三五一负一万两千三百四十五")
    # and a form of the shared normaliser table it would break in another edition
    assert table.written == "0351-1234567" and table.found_in.startswith("normaliser table line ")
    assert report.unused == ()


def test_script_reports_the_0351_entry_and_still_runs(tmp_path):
    edition = write(tmp_path, EDITION, "phone-2021-06-27.txt")
    lexicon = write(tmp_path, '[readings]\n"0351" = "零三五一"\n')
    result = CliRunner().invoke(cli, ["script", str(edition), "--paper", "太原日报", "--lexicon", str(lexicon),
                                      "--engine", "edge", "--changed"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: lexicon:")]
    assert warnings[0].endswith("changes the reading of 0351-12345 (segment 6 (1.1)): "
                                "零三五幺 幺二三四五 -> 零三五一负一万两千三百四十五")
    # --changed lists the segments the entry changed: both (an area code reads 零三五幺 too)
    changed = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert changed == ["[   1.1 body      ] 市民可拨打咨询电话：0351-12345。", "[   1.1 body      ] 热线全天开通，区号0351不变。"]
    assert "区号零三五一不变" in result.stdout


def test_units_and_letters_inside_numbers_are_reported(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"米" = "咪"\n"G" = "鸡"\n'))
    report = check_lexicon(lexicon, samples(lexicon, "全长5米。", "米饭。"))
    # in the edition, then the first other form of the normaliser's table each one breaks
    assert [(w.entry.written, w.written, w.before, w.after) for w in report.warnings] == [
        ("米", "5米", "五米", "五咪"), ("米", "100–200米", "一百至二百米", "一百至二百咪"), ("G", "5G", "五G", "五鸡")]


def test_entries_that_can_never_match(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"臺灣" = "台湾"\n[pinyin]\n"5G基站" = "ji1 zhan4"\n'))
    report = check_lexicon(lexicon, samples(lexicon, "5G基站建设"), for_offline=True)
    problems = {w.entry.written: w.problem for w in report.warnings}
    assert "pinyin applies to the reading, and '5G基站' is read '五G基站'" in problems["5G基站"]
    assert "reads Simplified characters: write '台湾'" in problems["臺灣"]


def test_plain_name_fixes_are_quiet_and_unused_ones_are_noted(sample_path):
    from pathlib import Path

    lexicon = load_lexicon(Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml")
    text = sample_path.read_text(encoding="utf-8")
    report = check_lexicon(lexicon, samples(lexicon, *text.splitlines()), for_offline=True)
    assert report.warnings == ()
    assert "殷雪鸢" not in {e.written for e in report.unused} and "洪洞" in {e.written for e in report.unused}


def test_a_regex_entry_scoped_to_whole_numbers_is_quiet(tmp_path):
    body = "[readings]\n'(?<![\\d-])0351(?![\\d-])' = { reading = \"零三五幺\", scope = \"regex\", example = \"区号0351\" }\n"
    lexicon = load_lexicon(write(tmp_path, body))
    report = check_lexicon(lexicon, samples(lexicon, "咨询电话：0351-12345。", "区号0351不变。"))
    assert report.warnings == () and report.unused == ()
