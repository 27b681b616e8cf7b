"""`audiobulletin script`: every segment as written, as read, and as the engine in use receives it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli

LEXICON = '[readings]\n"新冠病毒" = "新型冠状病毒"\n[pinyin]\n"市委" = "shi4 wei3"\n'


def script(sample_path, *args):
    result = CliRunner().invoke(cli, ["script", str(sample_path), "--paper", "太原日报", *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text(LEXICON, encoding="utf-8")
    return path


def test_offline_readings_show_the_pinyin_the_voice_says(sample_path, lexicon):
    rows = json.loads(script(sample_path, "--engine", "offline", "--json", "--lexicon", str(lexicon)).stdout)
    assert {r["engine"] for r in rows} == {"offline"}
    date = next(r for r in rows if r["text"] == "今天是2021年6月27日，星期日。")
    assert date["spoken"] == "今天是二零二一年六月二十七日，星期日。"
    assert date["engine_input"] == ("jin1 tian1 shi4 er4 ling2 er4 yi1 nian2 liu4 yue4 er4 shi2 qi1 ri4 (150ms) "
                                    "xing1 qi1 ri4")
    byline = next(r for r in rows if r["role"] == "byline")
    assert "yin1 xue3 yuan1 bao4 dao4" in byline["engine_input"]  # 殷 is also yān
    headline = next(r for r in rows if r["text"] == "市委理论学习中心组举行学习会")
    assert headline["engine_input"].startswith("shi4 wei3 li3")  # the lexicon's tones, taken as written
    assert headline["lexicon"] == [{"entry": "市委", "where": f"{lexicon}:4 [pinyin] 市委"}]
    text = script(sample_path, "--engine", "offline", "--lexicon", str(lexicon)).stdout
    assert "  offline: shi4 wei3 li3 lun4 xue2 xi2" in text


def test_online_readings_show_the_ssml_sent(sample_path):
    rows = json.loads(script(sample_path, "--engine", "edge", "--json").stdout)
    date = next(r for r in rows if r["text"] == "今天是2021年6月27日，星期日。")
    assert re.fullmatch(r"<speak version='1.0' .*><voice name='Microsoft Server Speech Text to Speech Voice "
                        r"\(zh-CN, \w+Neural\)'><prosody pitch='[+-]\d+Hz' rate='[+-]\d+%' volume='[+-]\d+%'>"
                        r"今天是二零二一年六月二十七日，星期日。</prosody></voice></speak>", date["engine_input"])


def test_changed_lists_exactly_the_segments_a_lexicon_entry_changed(sample_path, lexicon):
    everything = json.loads(script(sample_path, "--engine", "offline", "--json").stdout)
    changed = json.loads(script(sample_path, "--engine", "offline", "--json", "--changed",
                                "--lexicon", str(lexicon)).stdout)
    # 新冠病毒 is read differently wherever it is; 市委 only where the default third-tone sandhi
    # (市委理论: wei2 before li3) differs from the entry's wei3
    expected = [r["index"] for r in everything if "新冠病毒" in r["text"] or "市委理" in r["text"]]
    assert [r["index"] for r in changed] == expected and len(expected) == 10
    assert all(r["changed_by_lexicon"] for r in changed)
    assert json.loads(script(sample_path, "--engine", "offline", "--json", "--changed").stdout) == []


def test_rewritten_lists_what_the_normaliser_rewrote(sample_path):
    rows = json.loads(script(sample_path, "--engine", "edge", "--json", "--rewritten").stdout)
    assert rows and all(r["text"] != r["spoken"] for r in rows)
    assert any("2021年6月27日" in r["text"] for r in rows)


def test_script_help_has_an_example():
    result = CliRunner().invoke(cli, ["script", "--help"])
    assert result.exit_code == 0 and "--engine offline --changed" in result.output
