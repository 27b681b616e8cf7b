"""The podcast MP3, read back with real tools: ffmpeg's meter, decoder and chapter reader, mutagen."""

from __future__ import annotations

import numpy as np
import pytest

from audiobulletin.errors import AudioError
import readback
from audiobulletin.master import PODCAST_LUFS, master_mp3, mp3
from audiobulletin.master.lametag import crc16, frame_header, read_info

from master_audio import episode, meta, onset, segment_of

RATE = 24000


@pytest.fixture(scope="module")
def mastered(tmp_path_factory):
    samples, timeline = episode(RATE)
    path = tmp_path_factory.mktemp("mp3") / "bulletin.mp3"
    result = master_mp3(segment_of(samples, RATE), timeline, meta(), path)
    return result, samples, timeline


def test_loudness_and_true_peak_of_the_decoded_mp3(mastered):
    result, _, _ = mastered
    meter = readback.ebur128(result.path)
    assert meter.integrated == pytest.approx(PODCAST_LUFS, abs=0.5)
    assert meter.true_peak <= -1.0
    assert result.integrated_lufs == pytest.approx(PODCAST_LUFS, abs=0.05)
    assert result.true_peak_dbtp <= -1.5 + 1e-3


def test_stream_is_mono_44k1_at_64_kbit(mastered):
    result, samples, _ = mastered
    info = readback.stream_info(result.path)
    assert (info["codec"], info["sample_rate"], info["channels"], info["kbps"]) == ("mp3", "44100", "mono", "64")
    assert result.size == result.path.stat().st_size
    assert result.duration == pytest.approx(len(samples) / RATE)
    audio_bytes = result.size - result.path.read_bytes().index(b"\xff\xfb")  # after the ID3 tag
    assert audio_bytes * 8 / result.duration == pytest.approx(64000, rel=0.03)


def test_id3v23_tags(mastered):
    from mutagen.id3 import ID3

    result, _, _ = mastered
    tags = ID3(result.path, translate=False)  # the frames as stored, not upgraded to v2.4
    expected = meta()
    assert tags.version == (2, 3, 0)
    assert tags["TIT2"].text == [expected.title]
    assert tags["TALB"].text == [expected.album]
    assert tags["TPE1"].text == [expected.artist]
    assert tags["TYER"].text == ["2021"] and tags["TDAT"].text == ["2706"]
    assert tags["TLAN"].text == ["chi"]
    assert tags.getall("COMM")[0].text == [expected.description]


def test_chapters_read_back_with_mutagen(mastered):
    from mutagen.id3 import ID3, CTOCFlags

    result, _, timeline = mastered
    tags = ID3(result.path)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.element_id for c in chaps] == [f"chp{i}" for i in range(len(timeline.chapters))]
    for chap, chapter in zip(chaps, timeline.chapters):
        assert chap.sub_frames["TIT2"].text == [chapter.title]
        assert chap.start_time == round(chapter.start * 1000)
        assert chap.end_time == round(chapter.end * 1000)
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in chaps]


def test_chapters_read_back_with_ffmpeg(mastered):
    result, _, timeline = mastered
    found = readback.chapters(result.path)
    assert [c.title for c in found] == [c.title for c in timeline.chapters]
    for reading, chapter in zip(found, timeline.chapters):
        assert abs(reading.start_ms - chapter.start * 1000) <= 1
        assert abs(reading.end_ms - chapter.end * 1000) <= 1


def test_sentences_start_on_time_in_the_decoded_mp3(mastered):
    result, samples, timeline = mastered
    decoded = readback.decode(result.path, 44100)
    assert len(decoded) == pytest.approx(len(samples) * 44100 / RATE, abs=2)
    for timed in timeline.segments:
        heard = onset(decoded, 44100, timed.start)
        written = onset(samples, RATE, timed.start)
        assert abs(heard - written) < 0.010
        assert abs(written - timed.start) < 0.002  # the marker opens the sentence


def test_encoder_keeps_the_level_it_is_given(tmp_path):
    # libmp3lame scales by 0.95 unless told otherwise: encode() compensates
    t = np.arange(3 * RATE) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * np.minimum(1, np.minimum(t, t[-1] - t) / 0.05)).astype(np.float32)
    mp3.encode(tone, RATE, tmp_path / "tone.mp3")
    decoded = readback.decode(tmp_path / "tone.mp3", RATE)
    assert np.dot(decoded, tone) / np.dot(tone, tone) == pytest.approx(1.0, abs=0.01)


@pytest.mark.slow
def test_parallel_parts_decode_like_one_encode(tmp_path):
    samples, timeline = episode(RATE, sentence_seconds=(1.7, 2.1, 1.2) * 14, chapter_starts=(0, 10, 30))
    assert len(samples) / RATE > 2 * mp3.MIN_PART_SECONDS
    (seam,) = mp3.seams(samples, RATE, 44100, 2)
    one, two = tmp_path / "one.mp3", tmp_path / "two.mp3"
    assert mp3.encode(samples, RATE, one, parts=1) == 1
    assert mp3.encode(samples, RATE, two, parts=2) == 2
    a, b = readback.decode(one, 44100), readback.decode(two, 44100)
    assert len(a) == len(b) == len(samples) * 44100 // RATE
    # up to the seam the two are the same encode; after it every sentence starts on the same
    # sample, and only the coding noise differs (the second encoder starts with fresh state)
    cut = seam * 44100 // RATE
    assert np.abs(a[:cut - 44100 // 10] - b[:cut - 44100 // 10]).max() < 1e-6
    after = [t.start for t in timeline.segments if t.start * RATE > seam]
    assert len(after) > 10
    for start in after:
        assert onset(b, 44100, start) == onset(a, 44100, start)
    assert np.sqrt(np.mean((a - b) ** 2)) < 0.05 * np.sqrt(np.mean(a ** 2))


@pytest.mark.slow
def test_joined_stream_has_one_consistent_info_frame(tmp_path):
    samples, _ = episode(RATE, sentence_seconds=(1.7, 2.1, 1.2) * 14, chapter_starts=(0, 10, 30))
    path = tmp_path / "two.mp3"
    assert mp3.encode(samples, RATE, path, parts=2) == 2
    stream = path.read_bytes()
    info = read_info(stream)
    assert info.total_bytes == len(stream)
    at, frames = info.frame_size, 0
    while at < len(stream):  # walk the frames after the Info frame
        at += frame_header(stream, at).size
        frames += 1
    assert at == len(stream) and info.frames == frames
    assert info.music_crc == crc16(stream[info.frame_size:])
    assert info.delay == mp3.ENCODER_DELAY
    frame = bytearray(stream[:190])
    tag = stream.index(b"Info")
    stored = int.from_bytes(frame[tag + 154:tag + 156], "big")
    frame[tag + 154:tag + 156] = b"\0\0"
    assert stored == crc16(bytes(frame))


def test_crc16_is_crc16_arc():
    assert crc16(b"123456789") == 0xBB3D


def test_settings_are_validated(tmp_path, mastered):
    _, samples, timeline = mastered
    with pytest.raises(ValueError, match="bit rate"):
        master_mp3(segment_of(samples, RATE), timeline, meta(), tmp_path / "x.mp3", bitrate_kbps=100)
    assert list(tmp_path.iterdir()) == []


def test_failed_encode_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "bulletin.mp3"
    target.write_bytes(b"yesterday's episode")
    samples, _ = episode(RATE)
    with pytest.raises(AudioError) as info:
        mp3.encode(samples, RATE, target, sample_rate=44000)  # libmp3lame refuses this rate
    assert info.value.exit_code == 5
    assert "MP3 encoder failed" in str(info.value) and "bulletin.mp3" in str(info.value)
    assert target.read_bytes() == b"yesterday's episode"
    assert [p.name for p in tmp_path.iterdir()] == ["bulletin.mp3"]


def test_timeline_that_does_not_fit_the_audio_is_refused(tmp_path, mastered):
    _, samples, timeline = mastered
    with pytest.raises(AudioError, match="timeline"):
        master_mp3(segment_of(samples[: len(samples) // 2], RATE), timeline, meta(), tmp_path / "x.mp3")
