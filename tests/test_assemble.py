import numpy as np
import pytest

from audiobulletin.assemble import CUE_GAP_MS, LEAD_IN_MS, TAIL_MS, assemble
from audiobulletin.earcon import headline_cue
from audiobulletin.parse import parse_file
from audiobulletin.script import build_script
from audiobulletin.speech import load_profile, render, requests_for
from tone_engine import RATE, ToneEngine


@pytest.fixture(scope="module")
def rendered(sample_path=None):
    from conftest import SAMPLE
    from audiobulletin.config import Settings

    script = build_script(parse_file(SAMPLE, paper="太原日报"))
    profile = load_profile(Settings().profile)
    speech = render(ToneEngine(), requests_for(script, lambda role: profile.voice_for("offline", role)))
    return script, speech, assemble(script, speech.clips)


def test_timeline_is_exact_and_in_order(rendered):
    script, speech, assembled = rendered
    timeline = assembled.timeline
    assert len(timeline.segments) == len(script.segments)
    assert timeline.segments[0].start == pytest.approx(LEAD_IN_MS / 1000)
    for timed, clip_index in zip(timeline.segments, range(len(script.segments))):
        clip = speech.clips[clip_index]
        assert timed.end - timed.start == pytest.approx(clip.duration, abs=1 / RATE)
        assert timed.segment is script.segments[clip_index]
    for a, b in zip(timeline.segments, timeline.segments[1:]):
        gap = b.start - a.end
        expected = a.segment.pause_after_ms / 1000 + (
            (len(headline_cue(RATE)) / 2 / RATE + CUE_GAP_MS / 1000) if b.segment.cue else 0)
        assert gap == pytest.approx(expected, abs=1.5 / RATE)
    assert assembled.pcm.rate == RATE and assembled.pcm.read(0, 10).dtype == np.dtype("<i2")
    assert assembled.pcm.duration == pytest.approx(timeline.duration, abs=1e-9)
    assert timeline.duration - timeline.segments[-1].end == pytest.approx(TAIL_MS / 1000, abs=1 / RATE)


def test_audio_at_a_segment_is_that_segments_clip(rendered):
    script, speech, assembled = rendered
    pcm = assembled.pcm.read()
    for index in (0, 7, len(script.segments) - 1):
        timed = assembled.timeline.segments[index]
        start = round(timed.start * RATE)
        expected = np.frombuffer(speech.clips[index].pcm, "<i2")
        assert np.array_equal(pcm[start:start + len(expected)], expected)


def test_chapters_start_at_the_headline_cue(rendered):
    script, _, assembled = rendered
    chapters = assembled.timeline.chapters
    assert [c.title for c in chapters] == [c.title for c in script.chapters]
    assert chapters[0].start == 0.0 and chapters[-1].end == assembled.timeline.duration
    cue_len = len(headline_cue(RATE)) / 2 / RATE + CUE_GAP_MS / 1000
    for chapter in chapters[1:]:
        headline = next(t for t in assembled.timeline.segments if t.segment.cue and t.article == chapter.article)
        assert headline.start - chapter.start == pytest.approx(cue_len, abs=1 / RATE)
    for a, b in zip(chapters, chapters[1:]):
        assert a.end == b.start


def test_cue_is_audible_and_short():
    cue = np.frombuffer(headline_cue(RATE), "<i2").astype(float) / 32768
    assert 0.3 < len(cue) / RATE < 1.0
    assert 0.1 < np.max(np.abs(cue)) < 0.25  # about -14 dBFS peak
    assert abs(cue[-1]) < 0.01  # faded out, no click
