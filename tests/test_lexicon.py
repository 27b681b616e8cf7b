"""The user-editable pronunciation lexicon: loading, validation, application."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobulletin.errors import ConfigError
from audiobulletin.script.reading import Lexicon, load_lexicon, to_spoken
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
