"""Broadcast WAVs for radio: EBU R128 level by ffmpeg's meter, and every chunk parsed back."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from dataclasses import replace

import numpy as np
import pytest

from audiobulletin.errors import AudioError
import readback
from audiobulletin.master import RADIO_LUFS, master_broadcast_wavs
from audiobulletin.master.bwf import Bext, Cart, PostTimer, ascii_text, fit, header
from bwf_reader import read

from master_audio import episode, meta, segment_of

RATE = 24000
CREATED = dt.datetime(2021, 6, 27, 5, 30, 12)


@pytest.fixture(scope="module")
def wavs(tmp_path_factory):
    samples, timeline = episode(RATE)
    folder = tmp_path_factory.mktemp("radio")
    files = master_broadcast_wavs(segment_of(samples, RATE), timeline, meta(), folder, "bulletin", created=CREATED)
    return files, samples, timeline, folder


def _pcm_hash(path) -> str:
    info = read(path)
    return hashlib.sha256(path.read_bytes()[-info.data_size:]).hexdigest()[:8]


def test_one_file_for_the_bulletin_and_one_per_article_named_by_its_audio(wavs):
    files, _, timeline, folder = wavs
    articles = [c for c in timeline.chapters if c.article is not None]
    assert [f.name.rsplit("-", 1)[0] for f in files] == ["bulletin"] + [f"{c.article + 1:02d}" for c in articles]
    assert all(f.name == f"{f.name.rsplit('-', 1)[0]}-{_pcm_hash(f.path)}.wav" for f in files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.name for f in files)  # no temp files left
    assert [f.chapter for f in files] == [None] + [timeline.chapters.index(c) for c in articles]


def test_each_file_is_at_minus_23_lufs_under_minus_1_dbtp_by_ffmpeg(wavs):
    files, _, _, _ = wavs
    for f in files:
        meter = readback.ebur128(f.path)
        assert meter.integrated == pytest.approx(RADIO_LUFS, abs=0.2), f.name
        assert meter.true_peak <= -1.0, f.name
        assert f.integrated_lufs == pytest.approx(RADIO_LUFS, abs=0.05)


def test_pcm_format_and_lengths(wavs):
    files, samples, timeline, _ = wavs
    for f in files:
        info = read(f.path)
        assert (info.sample_rate, info.channels, info.bits) == (48000, 1, 16)
        assert info.chunks == ("fmt ", "bext", "ubxt", "cart", "data")
        assert f.duration == pytest.approx(info.frames / 48000)
        assert f.size == f.path.stat().st_size
    assert read(files[0].path).frames == len(samples) * 2
    for f in files[1:]:
        chapter = timeline.chapters[f.chapter]
        assert f.duration == pytest.approx(chapter.end - chapter.start, abs=1 / 48000)


def test_bext_fields(wavs):
    files, _, timeline, _ = wavs
    whole, article = read(files[0].path).bext, read(files[1].path).bext
    assert whole.description.startswith("tai4 yuan2 ri4 bao4 2021 nian2 6 yue4 27 ri4")
    assert whole.description.isascii() and article.description.isascii()
    assert article.description.startswith(ascii_text(timeline.chapters[files[1].chapter].title))
    assert whole.originator == "tai4 yuan2 ri4 bao4 she4"
    assert (whole.originator_reference, article.originator_reference) == (
        f"20210627-bulletin-{_pcm_hash(files[0].path)}", f"20210627-01-{_pcm_hash(files[1].path)}")
    assert whole.origination == CREATED and whole.time_reference == 0
    assert whole.loudness_value == pytest.approx(-23.0, abs=0.01)
    assert whole.max_true_peak == pytest.approx(files[0].true_peak_dbtp, abs=0.01) and whole.max_true_peak <= -1.5
    assert whole.loudness_range == pytest.approx(files[0].loudness_range, abs=0.01)
    assert whole.max_momentary >= whole.max_short_term >= whole.loudness_value
    assert whole.coding_history.startswith("A=PCM,F=48000,W=16,M=mono,T=audiobulletin")
    assert whole.coding_history.endswith("\r\n")


def test_bext_as_wavinfo_reads_it(wavs):
    """A reader the project did not write agrees on the bext fields and the audio format."""
    from wavinfo import WavInfoReader

    files, _, _, _ = wavs
    for f in files:
        info = WavInfoReader(str(f.path))
        ours = read(f.path).bext
        assert (info.fmt.sample_rate, info.fmt.channel_count, info.fmt.bits_per_sample) == (48000, 1, 16)
        assert info.data.frame_count == read(f.path).frames
        bext = info.bext
        assert bext.version == 2
        assert (bext.description, bext.originator, bext.originator_ref) == (
            ours.description, ours.originator, ours.originator_reference)
        assert (bext.originator_date, bext.originator_time) == ("2021-06-27", "05:30:12")
        assert bext.loudness_value == pytest.approx(RADIO_LUFS, abs=0.01)
        assert bext.max_true_peak == pytest.approx(f.true_peak_dbtp, abs=0.01)
        assert bext.coding_history.startswith("A=PCM,F=48000,W=16,M=mono")


def test_ubxt_carries_the_chinese(wavs):
    files, _, timeline, _ = wavs
    whole, article = read(files[0].path).ubxt, read(files[1].path).ubxt
    assert whole.description == f"{meta().title}\n{meta().description}"
    assert article.description.split("\n")[0] == timeline.chapters[files[1].chapter].title
    assert whole.originator == "太原日报社"
    assert whole.loudness_value == read(files[0].path).bext.loudness_value


def test_cart_fields(wavs):
    files, _, timeline, _ = wavs
    cart = read(files[1].path).cart
    assert cart.version == "0101"
    assert cart.title == ascii_text(timeline.chapters[files[1].chapter].title)
    assert cart.artist == "tai4 yuan2 ri4 bao4 she4" and cart.client_id == "tai4 yuan2 ri4 bao4"
    assert cart.cut_id == "20210627-01" and cart.category == "NEWS"
    assert cart.start == dt.datetime(2021, 6, 27) and cart.end == dt.datetime(2021, 6, 27, 23, 59, 59)
    assert cart.producer_app_id == "audiobulletin" and cart.level_reference == 32768
    starts = {t.usage: t.value for t in cart.post_timers}
    info = read(files[1].path)
    assert 0 <= starts["AUDs"] < starts["AUDe"] <= info.frames
    assert read(files[0].path).cart.title.startswith("tai4 yuan2 ri4 bao4")


def test_ascii_text_transliterates_with_tone_numbers_and_folds_punctuation():
    assert ascii_text("太原日报") == "tai4 yuan2 ri4 bao4"
    assert ascii_text("“十四五”规划，2021年") == '" shi2 si4 wu3 " gui1 hua4 ,2021 nian2'
    assert ascii_text("他的书") == "ta1 de5 shu1"
    assert ascii_text("GDP增长6%").isascii()


def test_long_titles_are_cut_between_syllables(tmp_path, wavs):
    _, samples, timeline, _ = wavs
    long = "我市提前完成新冠病毒疫苗第二剂次接种目标任务暨全面推进重点人群加强免疫工作"
    assert len(ascii_text(long)) > 64
    chapters = tuple(replace(c, title=long) for c in timeline.chapters)
    files = master_broadcast_wavs(segment_of(samples, RATE), replace(timeline, chapters=chapters), meta(),
                                  tmp_path, "bulletin")
    title = read(files[1].path).cart.title
    assert len(title) <= 64 and ascii_text(long).startswith(title + " ")
    assert fit("tai4 yuan2 ri4 bao4", 12) == "tai4 yuan2" and fit("tai4", 64) == "tai4"


def test_the_same_audio_gives_the_same_bytes_and_stamp(tmp_path, wavs):
    """No wall clock in a WAV: a rerun of the same audio writes identical files; the origination
    stamp is the edition's date with a time of day from the audio's hash."""
    files, samples, timeline, _ = wavs
    first = master_broadcast_wavs(segment_of(samples, RATE), timeline, meta(), tmp_path / "a", "bulletin")
    again = master_broadcast_wavs(segment_of(samples, RATE), timeline, meta(), tmp_path / "b", "bulletin")
    assert [f.path.read_bytes() for f in first] == [f.path.read_bytes() for f in again]
    stamps = {read(f.path).bext.origination for f in first}
    assert all(s.date() == dt.date(2021, 6, 27) and s.hour == 0 for s in stamps)
    assert len(stamps) == len(first)  # each cut's own audio, its own stamp
    quieter = master_broadcast_wavs(segment_of(samples * 0.5, RATE), timeline, meta(), tmp_path / "c", "bulletin",
                                    target_lufs=-24.0)
    assert {f.name for f in quieter}.isdisjoint({f.name for f in first})


def _tiny(path, history="A=PCM\r\n", tag_text=""):  # odd-sized chunks exercise the pad bytes
    stamp = dt.datetime(2021, 6, 27, 6, 0, 0)
    bext = Bext("desc", "orig", "ref", stamp, time_reference=(1 << 33) + 5, loudness_value=-23.04,
                loudness_range=None, max_true_peak=-1.5, coding_history=history)
    ubxt = Bext("标题", "太原", "ref", stamp, coding_history=history)
    cart = Cart("title", "artist", "cut", post_timers=(PostTimer("AUDs", 7),), tag_text=tag_text)
    pcm = np.arange(-3, 4, dtype="<i2")
    path.write_bytes(header(sample_rate=48000, frames=len(pcm), bext=bext, ubxt=ubxt, cart=cart) + pcm.tobytes())
    return bext, ubxt, cart


def test_chunks_round_trip_with_pad_bytes(tmp_path):
    path = tmp_path / "tiny.wav"
    bext, ubxt, cart = _tiny(path, history="A=PCM,F=48000\r\n", tag_text="x")
    info = read(path)
    assert info.frames == 7 and info.data_size == 14
    assert info.bext == Bext(**{**bext.__dict__, "loudness_value": -23.04})
    assert info.ubxt == ubxt and info.cart == cart


@pytest.mark.parametrize("damage, message", [
    (lambda b: b[:4] + struct.pack("<I", len(b)) + b[8:], "RIFF size"),
    (lambda b: b[:-3], "RIFF size"),
    (lambda b: b[:4] + struct.pack("<I", len(b) - 8 + 5) + b[8:] + b"JUNK\x05", "truncated chunk header"),
    (lambda b: b.replace(b"bext", b"data", 1), "appears twice"),
])
def test_reader_is_strict(tmp_path, damage, message):
    path = tmp_path / "tiny.wav"
    _tiny(path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(AudioError, match=message):
        read(path)


def test_reader_rejects_a_bad_pad_byte(tmp_path):
    path = tmp_path / "tiny.wav"
    _tiny(path, history="A=PCM,F=48000\r\n")  # odd bext: a pad byte follows it
    blob = bytearray(path.read_bytes())
    at = blob.index(b"bext")
    size = struct.unpack_from("<I", blob, at + 4)[0]
    assert size % 2 == 1
    blob[at + 8 + size] = 0x55
    path.write_bytes(bytes(blob))
    with pytest.raises(AudioError, match="pad byte"):
        read(path)


def test_stem_must_be_ascii(tmp_path, wavs):
    _, samples, timeline, _ = wavs
    with pytest.raises(AudioError, match="stem"):
        master_broadcast_wavs(segment_of(samples, RATE), timeline, meta(), tmp_path, "公报")


def test_an_article_whose_audio_did_not_change_keeps_its_file_name(tmp_path):
    """A correction of article 1 (longer, other audio) renames its cut and the whole bulletin's; the
    next article, shifted in time but with the same audio, keeps its bytes and so its name."""
    before, timeline = episode(RATE)
    after, corrected = episode(RATE, sentence_seconds=(1.6, 2.2, 1.9, 2.0, 1.8, 1.5))
    first = master_broadcast_wavs(segment_of(before, RATE), timeline, meta(), tmp_path / "a", "bulletin")
    again = master_broadcast_wavs(segment_of(after, RATE), corrected, meta(), tmp_path / "b", "bulletin")
    assert corrected.chapters[2].start > timeline.chapters[2].start  # article 2 moved
    names = [(f.name, g.name) for f, g in zip(first, again)]
    assert names[0][0] != names[0][1] and names[1][0] != names[1][1]  # the bulletin, article 1: corrected
    assert names[2][0] == names[2][1]  # article 2: untouched
    assert first[2].path.read_bytes() == again[2].path.read_bytes()
