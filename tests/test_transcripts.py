import re

import pytest
import webvtt

from audiobulletin.clock import timestamp
from audiobulletin.publish import transcripts
from audiobulletin.publish.transcripts import MAX_LINE, caption_cues, plain_text, srt, webvtt as to_vtt

from timelines import LONG_SENTENCE, sample_timeline

VTT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")
SRT_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2}):(\d{2}):(\d{2}),(\d{3})$")


def strict_cues(text: str, timing: re.Pattern, header: str | None):
    """Parse cue blocks by the letter of the format; return [(start_ms, end_ms, lines)]."""
    assert text.endswith("\n") and "\r" not in text
    blocks = text.rstrip("\n").split("\n\n")
    if header is not None:
        assert blocks.pop(0) == header
    cues, previous_end = [], 0
    for number, block in enumerate(blocks, start=1):
        rows = block.split("\n")
        assert rows[0] == str(number)
        m = timing.match(rows[1])
        assert m, rows[1]
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, m.groups())
        assert m1 < 60 and s1 < 60 and m2 < 60 and s2 < 60
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
        end = ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2
        assert previous_end <= start < end, (number, previous_end, start, end)
        lines = rows[2:]
        assert 1 <= len(lines) <= 2 and all(line.strip() for line in lines)
        assert all("-->" not in line for line in lines)
        cues.append((start, end, lines))
        previous_end = end
    return cues


@pytest.fixture
def timeline():
    return sample_timeline()


def test_webvtt_is_strictly_valid_and_read_back_by_webvtt_py(timeline, tmp_path):
    text = to_vtt(timeline)
    cues = strict_cues(text, VTT_TIMING, "WEBVTT")
    path = tmp_path / "episode.vtt"
    path.write_text(text, encoding="utf-8")
    parsed = webvtt.read(str(path))
    assert len(parsed) == len(cues)
    assert parsed[0].start == "00:00:00.000"
    assert parsed[0].text == "太原日报，2021年6月27日，星期日。"
    # webvtt-py unescapes nothing: the escaped markup survives as entities, not tags
    escaped = [c.text for c in parsed if "楼道" in c.text]
    assert escaped == ["居民说：改造后&lt;楼道&gt;亮了 &amp; 干净了。"]
    assert [c.identifier for c in parsed] == [str(i) for i in range(1, len(cues) + 1)]


def test_one_cue_per_segment_with_segment_times(timeline):
    cues = caption_cues(timeline)
    short = [t for t in timeline.segments if len(t.segment.text) <= 2 * MAX_LINE]
    by_start = {c.start_ms: c for c in cues}
    for timed in short:
        cue = by_start[round(timed.start * 1000)]
        assert cue.end_ms == round(timed.end * 1000)
        assert "".join(cue.lines) == timed.segment.text.replace(" ", "") or " ".join(cue.lines) == timed.segment.text
    assert len(cues) == len(timeline.segments) + 1  # only the long sentence is split in two


def test_long_sentence_splits_proportionally_and_lines_stay_short(timeline):
    assert len(LONG_SENTENCE) > 2 * MAX_LINE
    long_timed = next(t for t in timeline.segments if t.segment.text == LONG_SENTENCE)
    pieces = [c for c in caption_cues(timeline)
              if round(long_timed.start * 1000) <= c.start_ms < round(long_timed.end * 1000)]
    assert len(pieces) == 2
    assert pieces[0].start_ms == round(long_timed.start * 1000)
    assert pieces[0].end_ms == pieces[1].start_ms
    assert pieces[1].end_ms == round(long_timed.end * 1000)
    assert "".join("".join(p.lines) for p in pieces) == LONG_SENTENCE
    chars = [sum(map(len, p.lines)) for p in pieces]
    share = (pieces[0].end_ms - pieces[0].start_ms) / (pieces[1].end_ms - pieces[0].start_ms)
    assert share == pytest.approx(chars[0] / sum(chars), abs=0.002)
    for cue in caption_cues(timeline):
        assert all(len(line) <= MAX_LINE for line in cue.lines)
    # the first piece breaks after punctuation, not mid-word
    assert pieces[0].lines[-1][-1] in "，、；。"


def test_narrow_lines_break_into_two_lines():
    assert transcripts._split_chars("一二三四五，六七八九十", 6) == ["一二三四五，", "六七八九十"]
    assert transcripts._split_chars("alpha beta gamma delta", 12) == ["alpha beta", "gamma delta"]


def test_srt_matches_webvtt_cues(timeline):
    vtt_cues = strict_cues(to_vtt(timeline), VTT_TIMING, "WEBVTT")
    srt_cues = strict_cues(srt(timeline), SRT_TIMING, None)
    assert [(a, b) for a, b, _ in srt_cues] == [(a, b) for a, b, _ in vtt_cues]
    assert any("<楼道>" in line for _, _, lines in srt_cues for line in lines)


def test_webvtt_from_srt_reader_agrees(timeline, tmp_path):
    path = tmp_path / "episode.srt"
    path.write_text(srt(timeline), encoding="utf-8")
    parsed = webvtt.from_srt(str(path))
    assert parsed[1].text == "我市老旧小区改造全面提速"
    last_end_ms = strict_cues(to_vtt(timeline), VTT_TIMING, "WEBVTT")[-1][1]
    assert parsed[-1].end_in_seconds * 1000 + int(parsed[-1].end[-3:]) == last_end_ms


def test_timestamps_past_an_hour():
    assert timestamp(3_723_004, ".") == "01:02:03.004"
    assert timestamp(0, ",") == "00:00:00,000"


def test_plain_text_has_headline_blocks_and_paragraphs(timeline):
    text = plain_text(timeline)
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks == [
        "太原日报，2021年6月27日，星期日。",
        "我市老旧小区改造全面提速\n年底前全部完工\n本报讯（全媒体记者 赵继钊）",
        "记者从市住建局获悉。" + LONG_SENTENCE,
        "居民说：改造后<楼道>亮了 & 干净了。",
        "晋阳湖公园开园",
        "The park opens on July 1. Entry is free.",
        "以上是今天的新闻。",
    ]


@pytest.mark.parametrize("length", [66, 100, 129, 130, 131, 140, 195, 196, 260, 261, 400])
def test_any_length_gives_cues_of_at_most_two_short_lines(length):
    import random

    from audiobulletin.script.segment import Role
    from timelines import build_timeline

    rng = random.Random(length)
    text = "".join(rng.choice("新闻报道城市建设，、。 ab") for _ in range(length)).strip() + "。"
    cues = caption_cues(build_timeline([(Role.BODY, text, 0, 1, False)]))
    assert all(1 <= len(c.lines) <= 2 and all(0 < len(x) <= MAX_LINE for x in c.lines) for c in cues)
    assert "".join("".join(c.lines) for c in cues).replace(" ", "") == text.replace(" ", "")
    assert len(cues) == -(-len(" ".join(text.split())) // (2 * MAX_LINE))  # as few cues as fit
