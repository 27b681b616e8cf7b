"""Verified speech cache entries: every way an entry can be damaged is caught, the entry is
discarded and noted, the segment is spoken again; several writers never tear an entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.speech.cache import CachedEngine, SpeechCache, cache_key
from audiobulletin.speech.cache_entry import MAGIC
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from cache_writer import clip as writer_clip
from tone_engine import RecordingToneEngine

HERE = Path(__file__).parent
TONE = Voice("offline", "tone")
REQUEST = SpeechRequest(0, "这一句会被缓存，然后被损坏。", TONE)
OTHER = SpeechRequest(1, "另一句话。", TONE)


def collect(engine, requests) -> dict[int, Clip]:
    results = {}
    engine.render(requests, lambda request, result: results.setdefault(request.index, result))
    return results


def split(data: bytes) -> tuple[dict, bytes]:
    head, pcm = data[len(MAGIC):].split(b"\n", 1)
    return json.loads(head), pcm


def joined(header, pcm: bytes) -> bytes:
    return MAGIC + json.dumps(header, ensure_ascii=False).encode() + b"\n" + pcm


def with_header(**changes):
    def damage(data: bytes, other: bytes) -> bytes:
        header, pcm = split(data)
        return joined({**header, **changes}, pcm)
    return damage


def flip_audio_byte(data: bytes, other: bytes) -> bytes:
    return data[:-500] + bytes([data[-500] ^ 0x40]) + data[-499:]


def odd_pcm(data: bytes, other: bytes) -> bytes:
    header, pcm = split(data)
    return joined({**header, "pcm_bytes": len(pcm) + 1}, pcm + b"\x00")


DAMAGE = {
    # name: (damage(entry bytes, another entry's bytes) -> new bytes, words of the reason)
    "audio byte flipped": (flip_audio_byte, "checksum"),
    "plausible wrong rate": (with_header(sample_rate=22050), "checksum"),
    "rate zero": (with_header(sample_rate=0), "sample rate 0"),
    "rate a string": (with_header(sample_rate="24000"), "'sample_rate'"),
    "width 3": (with_header(sample_width=3), "not mono 16-bit"),
    "header a list": (lambda data, other: MAGIC + b"[24000, 2]\n" + split(data)[1], "JSON list"),
    "header not JSON": (lambda data, other: MAGIC + b"{sample_rate: 24000\n" + split(data)[1], "not JSON"),
    "header cut": (lambda data, other: data[:len(MAGIC) + 20], "cut short"),
    "odd PCM bytes": (odd_pcm, "not whole 16-bit samples"),
    "truncated audio": (lambda data, other: data[:-100], "header says"),
    "bytes appended": (lambda data, other: data + b"\x01\x02", "header says"),
    "another key's entry": (lambda data, other: other, "another key"),
    "not an entry": (lambda data, other: os.urandom(4096), "not a speech cache entry"),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_a_damaged_entry_is_discarded_noted_and_spoken_again(tmp_path, name):
    damage, reason = DAMAGE[name]
    tone = RecordingToneEngine()
    clean = collect(CachedEngine(tone, tmp_path), [REQUEST, OTHER])
    path = SpeechCache(tmp_path).path(cache_key("tone", "tone-1", REQUEST))
    other = SpeechCache(tmp_path).path(cache_key("tone", "tone-1", OTHER)).read_bytes()
    path.write_bytes(damage(path.read_bytes(), other))

    rerun = CachedEngine(tone, tmp_path)
    results = collect(rerun, [REQUEST, OTHER])
    assert results == clean  # same PCM, rate, engine and skipped text as before the damage
    assert tone.renders == [[0, 1], [0]]  # only the damaged one was spoken again
    (discarded,) = rerun.discarded()
    assert discarded.path == path and reason in discarded.reason, discarded.reason
    assert SpeechCache(tmp_path).get(cache_key("tone", "tone-1", REQUEST)) == clean[0]  # stored anew
    assert SpeechCache(tmp_path).verify().damaged == ()


def test_a_folder_in_place_of_an_entry_is_removed_and_replaced(tmp_path):
    tone = RecordingToneEngine()
    path = SpeechCache(tmp_path).path(cache_key("tone", "tone-1", REQUEST))
    (path / "junk").mkdir(parents=True)
    cached = CachedEngine(tone, tmp_path)
    assert isinstance(collect(cached, [REQUEST])[0], Clip)
    assert "unreadable" in cached.discarded()[0].reason and path.is_file()


def test_an_older_format_entry_is_replaced_without_a_note(tmp_path):
    tone = RecordingToneEngine()
    path = SpeechCache(tmp_path).path(cache_key("tone", "tone-1", REQUEST))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"AUDIOBULLETIN-CLIP 1\n" + json.dumps({"sample_rate": 24000}).encode() + b"\n\x00\x00")
    cached = CachedEngine(tone, tmp_path)
    collect(cached, [REQUEST])
    assert tone.renders == [[0]] and cached.discarded() == ()
    assert SpeechCache(tmp_path).get(cache_key("tone", "tone-1", REQUEST)) is not None


def test_an_entry_replaced_meanwhile_by_another_run_is_not_removed(tmp_path):
    """A reader that found damage removes the file it read, never a good entry written since."""
    cache = SpeechCache(tmp_path)
    key = cache_key("tone", "tone-1", REQUEST)
    cache.put(key, writer_clip(1, 1), REQUEST)
    path = cache.path(key)
    stale = os.stat(path)
    cache.put(key, writer_clip(2, 2), REQUEST)  # another run rewrote it (new inode)
    cache._discard(path, "damaged when read", stale)
    assert cache.get(key) == writer_clip(2, 2)


def test_many_writers_of_one_entry_never_tear_it(tmp_path):
    """Four processes store different clips under one key while this one reads it: every read
    is whole (passes the checksum) and names one writer's round."""
    cache = SpeechCache(tmp_path)
    key = "ab" + "c" * 62
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])}
    writers = [subprocess.Popen([sys.executable, str(HERE / "cache_writer.py"), str(tmp_path), key, str(w), "150"],
                                env=env) for w in range(1, 5)]
    seen = set()
    try:
        while any(w.poll() is None for w in writers):
            clip = cache.get(key)
            if clip is not None:
                seen.add(clip.engine)
                assert clip.duration == 0.5 and len(set(clip.pcm[i:i + 2] for i in range(0, len(clip.pcm), 4000))) == 1
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()
    assert [w.returncode for w in writers] == [0, 0, 0, 0]
    assert cache.discarded == [] and seen  # never a torn or half-written entry
    result = cache.verify()
    assert (result.checked, result.damaged) == (1, ())
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{key}.clip"]  # no temp files left


def test_cache_verify_lists_damage_and_repair_removes_it(tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text(f'cache_dir = "{tmp_path / "cache"}"\n', encoding="utf-8")
    cached = CachedEngine(RecordingToneEngine(), tmp_path / "cache")
    collect(cached, [REQUEST, OTHER])
    damaged = cached.cache.path(cache_key("tone", "tone-1", REQUEST))
    damaged.write_bytes(flip_audio_byte(damaged.read_bytes(), b""))

    runner = CliRunner()
    info = runner.invoke(cli, ["--config", str(config), "cache", "info"])
    assert info.exit_code == 0 and "entries: 2" in info.output  # the header still reads
    found = runner.invoke(cli, ["--config", str(config), "cache", "verify"])
    assert found.exit_code == 4, found.output
    assert f"damaged: {damaged}: checksum mismatch" in found.output
    assert "checked 2 entries" in found.output and "cache verify --repair" in found.stderr
    assert damaged.exists()

    repaired = runner.invoke(cli, ["--config", str(config), "cache", "verify", "--repair"])
    assert repaired.exit_code == 0 and "1 damaged and removed" in repaired.output
    assert not damaged.exists()
    again = runner.invoke(cli, ["--config", str(config), "cache", "verify"])
    assert again.exit_code == 0 and "checked 1 entries" in again.output and "0 damaged" in again.output


def test_cache_info_counts_entries_whose_header_is_damaged(tmp_path):
    cached = CachedEngine(RecordingToneEngine(), tmp_path)
    collect(cached, [REQUEST, OTHER])
    path = cached.cache.path(cache_key("tone", "tone-1", REQUEST))
    path.write_bytes(with_header(sample_rate="fast")(path.read_bytes(), b""))
    info = SpeechCache(tmp_path).info()
    assert (info.entries, info.unusable) == (1, 1)


def test_an_unwritable_cache_fails_before_any_synthesis(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    tone = RecordingToneEngine()
    with pytest.raises(Exception, match="cannot write to the speech cache") as caught:
        collect(CachedEngine(tone, blocked), [REQUEST])
    assert caught.value.exit_code == 4 and str(blocked) in str(caught.value)
    assert tone.renders == []  # nothing was synthesised only to be thrown away
