"""The user-editable pronunciation lexicon: loading, validation, application."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobulletin.errors import ConfigError
from audiobulletin.script.reading import Lexicon, load_lexicon, to_spoken
from audiobulletin.script.reading.lexicon import Entry
from audiobulletin.speech.pinyin import pinyin_for

SHIPPED = Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml"


def write(tmp_path, body: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_lexicon_loads_and_fixes_names():
    lexicon = load_lexicon(SHIPPED)
    assert lexicon.pinyin["殷雪鸢"] == ("yin1", "xue3", "yuan1")
    assert pinyin_for("长治", lexicon) == ["chang2", "zhi4"]
    assert lexicon.source == str(SHIPPED)


def test_readings_replace_text_for_every_voice(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"H7N9" = "H七N九禽流感"\n"2+26城市" = "二加二十六个城市"\n'))
    assert to_spoken("“2+26城市”", lexicon=lexicon) == "“二加二十六个城市”"
    assert to_spoken("H7N9", lexicon=lexicon) == "H七N九禽流感"
    assert to_spoken("H7N9", lexicon=lexicon, for_offline=True) == "H七N九禽流感"  # letters stay: the offline frontend says them


def test_a_word_with_pinyin_keeps_its_written_form_for_the_offline_voice(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"万柏林" = "万百林"\n[pinyin]\n"万柏林" = "wan4 bai3 lin2"\n'))
    assert to_spoken("万柏林区", lexicon=lexicon) == "万百林区"
    assert to_spoken("万柏林区", lexicon=lexicon, for_offline=True) == "万柏林区"


def test_longest_entry_wins(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"太原" = "X"\n"太原日报" = "本报"\n'))
    assert to_spoken("太原日报在太原", lexicon=lexicon) == "本报在X"


@pytest.mark.parametrize("body, message", [
    ('[pinyin]\n"长治" = "chang2"\n', "1 syllable(s) for 2 Chinese character(s)"),
    ('[pinyin]\n"长治" = "chang zhi4"\n', "not a tone-numbered pinyin syllable: chang"),
    ('[pinyin]\n"长治" = "chnag2 zhi4"\n', "not a tone-numbered pinyin syllable: chnag2"),
    ('[pinyin]\n"GDP" = "gu2"\n', "needs Chinese characters"),
    ('[readings]\n"太原" = ""\n', "non-empty"),
    ('[readings]\n"太原" = 3\n', "non-empty"),
    ('[words]\n"太原" = "x"\n', "unknown section(s) words"),
    ('readings = "x"\n', "[readings] must be a table"),
    ('[readings\n', "invalid TOML"),
])
def test_errors_name_the_file_and_entry(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path)
    assert message in caught.value.message
    assert str(path) in caught.value.one_line()


def test_error_names_the_entry(tmp_path):
    path = write(tmp_path, '[pinyin]\n"殷雪鸢" = "yin1 xue3"\n')
    with pytest.raises(ConfigError, match=r"\[pinyin\] 殷雪鸢"):
        load_lexicon(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="lexicon not found"):
        load_lexicon(tmp_path / "nope.toml")


def test_lexicon_built_in_code_is_validated_too():
    with pytest.raises(ConfigError):
        Lexicon(pinyin={"长治": ("chang2",)})


# --- scoped entries, lines ----------------------------------------------------------------------

def test_whole_word_entries_apply_only_to_whole_words(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"行长" = { reading = "航长", scope = "word", example = "行长说" }\n'))
    assert to_spoken("招商银行行长表示", lexicon=lexicon) == "招商银行航长表示"
    assert to_spoken("一行长途跋涉", lexicon=lexicon) == "一行长途跋涉"  # jieba: 一行 / 长途


def test_regex_entries_replace_their_match(tmp_path):
    body = "[readings]\n'(?<![\\d-])0351(?![\\d-])' = { reading = \"零三五幺\", scope = \"regex\", example = \"区号0351\" }\n"
    lexicon = load_lexicon(write(tmp_path, body))
    assert to_spoken("区号0351", lexicon=lexicon) == "区号零三五幺"
    assert to_spoken("电话0351-12345", lexicon=lexicon) == to_spoken("电话0351-12345")  # not its number


def test_scoped_pinyin_entries(tmp_path):
    body = ('[pinyin]\n"长" = { pinyin = "zhang3", scope = "regex", example = "行长", written = "x" }\n')
    with pytest.raises(ConfigError, match="unknown field"):
        load_lexicon(write(tmp_path, body))
    body = ("[pinyin]\n'(?<=行)长' = { pinyin = \"zhang3\", scope = \"regex\", example = \"银行行长\" }\n"
            '"重" = { pinyin = "zhong4", scope = "word", example = "箱子很重" }\n')
    lexicon = load_lexicon(write(tmp_path, body))
    assert [m.entry.written for m in lexicon.matches("行长长度", "pinyin")] == ["(?<=行)长"]
    assert pinyin_for("行长长度", lexicon, sandhi=False)[1:] == ["zhang3", "chang2", "du4"]
    assert [m.entry.written for m in lexicon.matches("箱子很重，重新装", "pinyin")] == ["重"]


def test_lines_are_found_by_scanning_the_file(tmp_path):
    path = write(tmp_path, '# comment\n[readings]\n"太原" = "太原"  # x\n\n[pinyin]\n"长治" = "chang2 zhi4"\n'
                           "'行' = { pinyin = \"hang2\", scope = \"regex\", example = \"银行\" }\n")
    lexicon = load_lexicon(path)
    assert [(e.section, e.written, e.line) for e in lexicon.entries] == [
        ("readings", "太原", 3), ("pinyin", "长治", 6), ("pinyin", "行", 7)]
    assert lexicon.entries[1].where == f"{path}:6 [pinyin] 长治"


@pytest.mark.parametrize("body, line, message", [
    ('[readings]\n"太原" = "太原"\n"阳曲" = " "\n', 3, "needs a non-empty reading"),
    ("[readings]\n\n'x(' = { reading = \"y\", scope = \"regex\", example = \"x(\" }\n", 3,
     "invalid regular expression: missing ), unterminated subpattern"),
    ("[readings]\n'x' = { reading = \"y\", scope = \"regex\" }\n", 2, "needs an example"),
    ("[readings]\n'x\\d' = { reading = \"y\", scope = \"regex\", example = \"xy\" }\n", 2, "does not match its example"),
    ("[readings]\n'x*' = { reading = \"y\", scope = \"regex\", example = \"xy\" }\n", 2, "matches empty text"),
    ('[readings]\n"x" = { reading = "y", scope = "everywhere" }\n', 2, "scope must be one of"),
    ('[pinyin]\n"太原" = "tai4 yuan2"\n"长治" = "chnag2 zhi4"\n', 3, "not a tone-numbered pinyin syllable: chnag2"),
    ('[pinyin]\n"长治" = "chang2 zhi4"\n"长治" = "x"\n', 3, "invalid TOML"),  # tomllib: duplicate key
])
def test_every_error_names_file_and_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path)
    assert message in caught.value.message
    assert caught.value.one_line().startswith(f"{path}:{line}")
    assert "\n" not in caught.value.one_line()


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_bytes('[readings]\n"太原" = "太原"\n'.encode() + '"阳曲" = "阳曲"\n'.encode("gb18030"))
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path)
    assert caught.value.one_line().startswith(f"{path}:3: not UTF-8 text (byte 0xd1)")


def test_lexicon_edits_keep_the_other_entries(tmp_path):
    lexicon = load_lexicon(write(tmp_path, '[readings]\n"太原" = "太原"\n[pinyin]\n"长治" = "chang2 zhi4"\n'))
    entry = Entry("readings", "太原", "泰原")
    edited = lexicon.with_entry(entry)
    assert edited.readings["太原"] == "泰原" and edited.find("readings", "太原").line == 2
    assert edited.pinyin == lexicon.pinyin
    assert edited.without(entry).readings == {}
