"""A paragraph with no punctuation at all is cut between words (jieba) into segments the engines
read well, and each is voiced on its own; peak memory is measured in
benchmarks/bench_long_paragraph.py."""

import datetime as dt
from pathlib import Path

import pytest

from audiobulletin.edition import Article, Edition
from audiobulletin.script import ScriptOptions, build_script
from audiobulletin.script.reading.words import segmenter
from audiobulletin.script.sentences import MAX_SEGMENT_CHARS
from audiobulletin.speech import SpeechOptions, load_profile, speak

ROOT = Path(__file__).resolve().parent.parent
WORDS = "我市今年持续推进老旧小区改造工程涉及全市六个城区一百二十多个小区惠及居民四万余户改造内容包括外墙保温管网更新加装电梯"


def unpunctuated(chars: int) -> str:
    return (WORDS * (chars // len(WORDS) + 1))[:chars]


def edition_with(paragraph: str) -> Edition:
    return Edition("太原日报", dt.date(2021, 6, 27), (Article("长段落", paragraphs=(paragraph,)),))


def body(script):
    return [s for s in script.segments if s.article == 0 and s.paragraph == 1]


@pytest.mark.slow  # jieba's dictionary loads in a second or more
def test_20000_characters_without_punctuation_become_short_segments_cut_between_words():
    paragraph = unpunctuated(20_000)
    segments = body(build_script(edition_with(paragraph), ScriptOptions(for_offline=True)))
    assert "".join(s.text for s in segments) == paragraph  # nothing lost, nothing repeated
    assert len(segments) >= 20_000 // MAX_SEGMENT_CHARS
    assert max(len(s.text) for s in segments) <= MAX_SEGMENT_CHARS
    boundaries, at = set(), 0
    for word in segmenter().cut(paragraph, HMM=False):
        at += len(word)
        boundaries.add(at)
    cuts, at = [], 0
    for segment in segments[:-1]:
        at += len(segment.text)
        cuts.append(at)
    assert set(cuts) <= boundaries  # every cut falls between two of jieba's words


@pytest.mark.slow  # the real offline voice
def test_each_segment_is_voiced_on_its_own_by_the_offline_voice(tmp_path):
    script = build_script(edition_with(unpunctuated(300)), ScriptOptions(for_offline=True))
    options = SpeechOptions(profile=load_profile(ROOT / "voices" / "default.toml"), engine="offline", workers=1,
                            cache_dir=tmp_path / "cache")
    speech = speak(script, options)
    assert not speech.failures
    clips = [speech.clips[script.segments.index(s)] for s in body(script)]
    assert len(clips) >= 300 // MAX_SEGMENT_CHARS
    assert max(c.duration for c in clips) < 30  # about a quarter second a character, never one long clip
