"""A lexicon fix on an edition already voiced re-voices only the segments whose reading it changes
(the real offline voice, the sample edition, one shared speech cache)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audiobulletin.assemble import assemble
from audiobulletin.config import Settings
from audiobulletin.pipeline import read_edition, script_for, stage_options, synthesise

SHIPPED_LEXICON = Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml"


class Quiet:
    def stage(self, name): pass
    def speech_started(self, per_article): pass
    def segment_done(self, index, article, ok): pass


def voice(sample_path: Path, lexicon: Path, cache: Path):
    settings = Settings(paper="太原日报", engine="offline", lexicon=lexicon, cache_dir=cache, workers=2)
    options = stage_options(settings, publishing=False)
    script = script_for(read_edition(sample_path, options), options)
    speech = synthesise(script, options.speech, Quiet())
    assert not speech.failures
    return script, speech, assemble(script, speech.clips)


def without(assembled, indices) -> np.ndarray:
    """The episode's samples with the speech of segments `indices` cut out (pauses and cues kept)."""
    samples = assembled.pcm.read()  # the assembled episode is a PCM file now (spool.py)
    rate, keep = assembled.pcm.rate, np.ones(len(samples), bool)
    for timed in assembled.timeline.segments:
        if timed.segment in indices:
            keep[round(timed.start * rate):round(timed.end * rate)] = False
    return samples[keep]


@pytest.mark.slow
def test_a_lexicon_fix_revoices_only_what_it_changes(sample_path, tmp_path):
    cache, lexicon = tmp_path / "cache", tmp_path / "lexicon.toml"
    lexicon.write_bytes(SHIPPED_LEXICON.read_bytes())
    script, first, episode = voice(sample_path, lexicon, cache)
    assert (len(first.clips) - first.from_cache, first.from_cache) == (101, 0)
    entries = set(cache.rglob("*.clip"))

    # one entry, one word: 新冠病毒 -> 新型冠状病毒
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace(
        "[readings]\n", '[readings]\n"新冠病毒" = "新型冠状病毒"\n'), encoding="utf-8")
    again, second, fixed = voice(sample_path, lexicon, cache)
    affected = [i for i, s in enumerate(script.segments) if "新冠病毒" in s.text]
    synthesised = sorted(i for i, clip in second.clips.items() if not clip.cached)
    assert synthesised == affected and len(affected) == 6
    assert (len(second.clips) - second.from_cache, second.from_cache) == (6, 95)
    assert len(set(cache.rglob("*.clip")) - entries) == 6
    # the episode differs only there: every other segment is the same audio, at the same place
    # relative to its neighbours; cut the six out and the two episodes are identical
    for i in set(range(len(script.segments))) - set(affected):
        assert second.clips[i].pcm == first.clips[i].pcm
    assert all(second.clips[i].pcm != first.clips[i].pcm for i in affected)
    changed_segments = {script.segments[i] for i in affected} | {again.segments[i] for i in affected}
    assert np.array_equal(without(episode, changed_segments), without(fixed, changed_segments))
    assert fixed.pcm.duration > episode.pcm.duration  # 新型冠状病毒 is longer, six times
