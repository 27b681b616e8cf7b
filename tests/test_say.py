"""`audiobulletin say`: one line, normalised with the lexicon, spoken to a WAV file."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from click.testing import CliRunner
from tone_engine import RATE, ToneEngine

from audiobulletin.cli import cli
from audiobulletin.speech.cache import default_cache_dir

LEXICON = Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml"


class OfflineToneEngine(ToneEngine):
    """The tone engine standing in for the offline voice: records what it was asked to say."""

    name = "offline"
    said: list = []

    def render(self, requests, on_result):
        OfflineToneEngine.said = [(r.text, r.voice) for r in requests]
        super().render(requests, on_result)


@pytest.fixture
def tone_engine(monkeypatch):
    monkeypatch.setattr("audiobulletin.speech.choose.build_engine", lambda *args, **kw: OfflineToneEngine())
    return OfflineToneEngine


def test_say_writes_the_reading_to_a_wav(tone_engine, tmp_path):
    out = tmp_path / "check.wav"
    result = CliRunner().invoke(cli, ["say", "GDP增长5.2%，气温-5℃", "-o", str(out), "--engine", "offline"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["written: GDP增长5.2%，气温-5℃",
                                          "spoken: 国内生产总值增长百分之五点二，气温零下五摄氏度",
                                          "offline: 国内生产总值增长百分之五点二，气温零下五摄氏度"]  # the tone engine takes text
    [(text, voice)] = tone_engine.said
    assert text == "国内生产总值增长百分之五点二，气温零下五摄氏度"
    assert (voice.engine, voice.name) == ("offline", "baker")
    with wave.open(str(out)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        assert wav.getnframes() == int(len(text) * 0.08 * RATE)


def test_say_applies_the_lexicon_and_role(tone_engine, tmp_path):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[readings]\n"H7N9" = "H七N九禽流感"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["say", "H7N9", "-o", str(tmp_path / "a.wav"),
                                      "--lexicon", str(lexicon), "--role", "headline", "--engine", "offline"])
    assert result.exit_code == 0, result.output
    [(text, voice)] = tone_engine.said
    assert text == "H七N九禽流感"  # the offline frontend says the letters by name
    assert voice.pitch == -12  # the headline voice of voices/default.toml


def test_say_reports_a_bad_lexicon_in_one_line(tone_engine, tmp_path):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[pinyin]\n"长治" = "chang2"\n', encoding="utf-8")
    out = tmp_path / "a.wav"
    result = CliRunner().invoke(cli, ["say", "长治", "-o", str(out), "--lexicon", str(lexicon)])
    assert result.exit_code == 3
    assert "[pinyin] 长治" in result.output and "1 syllable(s) for 2" in result.output
    assert not out.exists()


def test_say_refuses_unspeakable_text(tone_engine, tmp_path):
    result = CliRunner().invoke(cli, ["say", "——", "-o", str(tmp_path / "a.wav")])
    assert result.exit_code == 4
    assert "nothing to speak" in result.output


def test_say_help_has_an_example():
    result = CliRunner().invoke(cli, ["say", "--help"])
    assert result.exit_code == 0 and "audiobulletin say" in result.output


def test_say_with_the_real_offline_voice(tmp_path):
    cache = default_cache_dir()  # this test's own, empty: the voice really runs
    assert not cache.exists()
    out = tmp_path / "real.wav"
    result = CliRunner().invoke(cli, ["say", "万柏林区6月26日14:30", "-o", str(out),
                                      "--lexicon", str(LEXICON), "--engine", "offline"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "spoken: 万柏林区六月二十六日十四点三十分",
        "offline: wan4 bai3 lin2 qu1 liu4 yue4 er4 shi2 liu4 ri4 shi2 si4 dian3 san1 shi2 fen1"]
    assert "offline)" in result.stderr and len(list(cache.rglob("*.clip"))) == 1  # synthesised, then stored
    with wave.open(str(out)) as wav:
        assert wav.getnframes() / wav.getframerate() > 2.0  # 15 syllables, not silence
    # nothing written but the WAV and the cache entry (the hermetic home holds cwd, cache, config)
    home = Path.cwd().parent
    assert [p for p in home.rglob("*") if p.is_file() and cache not in p.parents] == []
    assert list(tmp_path.iterdir()) == [out]


def test_say_warns_about_a_lexicon_entry_that_breaks_a_number(tone_engine, tmp_path):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[readings]\n"0351" = "零三五一"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["say", "咨询电话：0351-12345", "-o", str(tmp_path / "a.wav"),
                                      "--lexicon", str(lexicon), "--engine", "offline"])
    assert result.exit_code == 0, result.output
    assert (f"warning: lexicon: {lexicon}:2 [readings] 0351: \"0351\" = \"零三五一\" changes the reading of "
            "0351-12345 (this line): 零三五幺 幺二三四五 -> 零三五一负一万两千三百四十五") in result.stderr
