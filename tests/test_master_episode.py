"""Both deliverables from one call, as the pipeline runs it."""

from __future__ import annotations

import pytest

from audiobulletin import ffmpeg
from audiobulletin.errors import AudioError
import readback
from audiobulletin.assemble import Assembled
from audiobulletin.master import PODCAST_LUFS, RADIO_LUFS, master, preload

from master_audio import episode, meta, segment_of

RATE = 24000


def test_mp3_and_radio_wavs_in_one_pass(tmp_path):
    preload()
    samples, timeline = episode(RATE)
    mastered = master(Assembled(segment_of(samples, RATE), timeline), meta(), tmp_path)
    assert mastered.mp3.path == tmp_path / "bulletin.mp3"
    assert readback.ebur128(mastered.mp3.path).integrated == pytest.approx(PODCAST_LUFS, abs=0.5)
    assert [(w.path.relative_to(tmp_path).as_posix().rsplit("-", 1)[0], w.article) for w in mastered.wavs] == [
        ("radio/bulletin", None), ("radio/01", 0), ("radio/02", 1)]
    assert all(w.integrated_lufs == pytest.approx(RADIO_LUFS, abs=0.05) for w in mastered.wavs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletin.mp3", "radio"]


def test_ffmpeg_failure_names_ffmpegs_own_last_line():
    with pytest.raises(AudioError) as info:
        ffmpeg.run(["-f", "f32le", "-ar", "24000", "-ac", "1", "-i", "pipe:0", "-c:a", "no_such_codec",
                    "-f", "null", "-"], stdin=b"\0" * 4096, what="test encoder")
    assert "test encoder failed" in str(info.value)
    assert "Encoder not found" in str(info.value)  # ffmpeg's last line
