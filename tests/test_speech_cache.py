"""The content-addressed speech cache: free reruns, atomic entries, resume after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audiobulletin.errors import SpeechError
from audiobulletin.speech.cache import (TEMP_SUFFIX, CachedEngine, SpeechCache, cache_key,
                                        default_cache_dir)
from audiobulletin.speech.edge import Backoff, EdgeEngine
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from cache_worker import requests as numbered_requests
from tone_engine import PER_CHAR, RecordingToneEngine

HERE = Path(__file__).parent
TONE = Voice("offline", "tone")


def collect(engine, requests) -> dict[int, Clip]:
    results = {}
    engine.render(requests, lambda request, result: results.setdefault(request.index, result))
    return results


def entries(root: Path) -> list[Path]:
    return list(root.rglob("*.clip"))


def test_a_rerun_makes_no_request_to_the_service(edge_server, tmp_path):
    texts = ["第一句。", "第二句话稍长一些。", "第三句！", "……"]
    voice = Voice("edge", "zh-CN-YunyangNeural", rate=-5)
    requests = [SpeechRequest(i, t, voice) for i, t in enumerate(texts)]
    engine = CachedEngine(EdgeEngine(endpoint=edge_server.endpoint, backoff=Backoff(0.01, 0.05)),
                          tmp_path)
    first = collect(engine, requests)
    assert sorted(edge_server.texts()) == sorted(texts[:3])
    assert (engine.hits, engine.misses) == (0, 4)

    edge_server.reset()
    second = collect(engine, requests)
    assert edge_server.stats.connections == 0 and (engine.hits, engine.misses) == (4, 0)
    assert second == first  # same PCM, rate, engine name and skipped text
    assert second[3].skipped == ("……",)


def test_the_key_covers_engine_version_voice_and_text(tmp_path):
    tone = RecordingToneEngine()
    base = SpeechRequest(0, "同一句话。", TONE)
    key = cache_key("tone", "tone-1", base)
    assert cache_key("tone", "tone-1", SpeechRequest(5, " 同一句话。\n", TONE)) == key  # index, spacing
    assert cache_key("tone", "tone-1", SpeechRequest(0, "同一句話。", TONE)) != key
    assert cache_key("tone", "tone-2", base) != key
    assert cache_key("edge", "tone-1", base) != key
    for change in ({"rate": 5}, {"pitch": -3}, {"volume": 10}, {"name": "other"}):
        voice = Voice(**{"engine": "offline", "name": "tone", **change})
        assert cache_key("tone", "tone-1", SpeechRequest(0, base.text, voice)) != key

    cached = CachedEngine(tone, tmp_path)
    collect(cached, [base])
    collect(cached, [SpeechRequest(0, base.text, Voice("offline", "tone", rate=10))])
    collect(CachedEngine(RecordingToneEngine(version="tone-2"), tmp_path), [base])
    assert len(entries(tmp_path)) == 3 and len(tone.renders) == 2


def test_failures_are_not_cached(tmp_path):
    tone = RecordingToneEngine(fail_on="坏")
    cached = CachedEngine(tone, tmp_path)
    requests = [SpeechRequest(0, "好句子。", TONE), SpeechRequest(1, "坏句子。", TONE)]
    collect(cached, requests)
    results = collect(cached, requests)
    assert tone.renders == [[0, 1], [1]]
    assert isinstance(results[0], Clip) and not isinstance(results[1], Clip)


def test_a_damaged_entry_is_treated_as_missing(tmp_path):
    tone = RecordingToneEngine()
    cached = CachedEngine(tone, tmp_path)
    request = SpeechRequest(0, "会被损坏的一句。", TONE)
    collect(cached, [request])
    (path,) = entries(tmp_path)
    path.write_bytes(path.read_bytes()[:-100])
    assert isinstance(collect(cached, [request])[0], Clip)
    assert len(tone.renders) == 2
    assert SpeechCache(tmp_path).get(cache_key("tone", "tone-1", request)) is not None  # rewritten


def test_entries_are_written_atomically_and_nothing_partial_is_left(tmp_path):
    collect(CachedEngine(RecordingToneEngine(), tmp_path), [SpeechRequest(i, f"第{i}句。", TONE) for i in range(5)])
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert len(names) == 5 and not any(n.endswith(TEMP_SUFFIX) for n in names)


def test_info_and_prune_by_age(tmp_path):
    cache = SpeechCache(tmp_path)
    cached = CachedEngine(RecordingToneEngine(), tmp_path)
    requests = [SpeechRequest(i, "一二三四五六七八九十"[: i + 1], TONE) for i in range(4)]
    collect(cached, requests)
    old = time.time() - 40 * 86400
    for path in entries(tmp_path)[:3]:
        os.utime(path, (old, old))
    stale_temp = entries(tmp_path)[0].parent / f".dead.clip.x1y2{TEMP_SUFFIX}"
    stale_temp.write_bytes(b"half")
    os.utime(stale_temp, (old, old))

    info = cache.info()
    assert (info.entries, info.partial, info.by_engine) == (4, 1, {"tone": 4})
    assert info.seconds == pytest.approx(PER_CHAR * (1 + 2 + 3 + 4), abs=0.01)
    assert info.bytes == sum(p.stat().st_size for p in entries(tmp_path))

    result = cache.prune(30 * 86400)
    assert result.removed == 4 and result.freed_bytes > 0  # 3 old entries + the dead run's temp file
    assert cache.info().entries == 1 and not stale_temp.exists()
    collect(cached, requests)  # a hit refreshes the entry's age, so it survives the next prune
    assert cache.prune(30 * 86400).removed == 0


def test_an_unwritable_cache_is_a_speech_error(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    with pytest.raises(SpeechError, match="cannot write to the speech cache") as caught:
        collect(CachedEngine(RecordingToneEngine(), blocked), [SpeechRequest(0, "一句。", TONE)])
    assert caught.value.exit_code == 4 and "AUDIOBULLETIN_CACHE_DIR" in caught.value.hint


def test_default_location_is_the_user_cache_dir():
    # XDG_CACHE_HOME is this test's own folder (conftest.py): the platform's user cache dir
    assert default_cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "audiobulletin" / "speech"


@pytest.mark.slow
def test_a_killed_run_resumes_with_only_the_missing_segments(edge_server, tmp_path):
    count = 12
    edge_server.first_byte_seconds = 0.15  # slow enough to kill the run part-way
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])}
    worker = subprocess.Popen([sys.executable, str(HERE / "cache_worker.py"), edge_server.endpoint,
                               str(tmp_path), str(count)], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(entries(tmp_path)) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert worker.returncode == -signal.SIGKILL
    kept = len(entries(tmp_path))
    assert 3 <= kept < count

    edge_server.reset()
    requests = numbered_requests(count)
    engine = CachedEngine(EdgeEngine(endpoint=edge_server.endpoint, backoff=Backoff(0.01, 0.05)), tmp_path)
    results = collect(engine, requests)
    assert all(isinstance(r, Clip) and r.duration > 1 for r in results.values()) and len(results) == count
    assert len(edge_server.texts()) == count - kept  # only the missing ones were synthesised
    assert (engine.hits, engine.misses) == (kept, count - kept)
    assert len(entries(tmp_path)) == count


class ReadingToneEngine(RecordingToneEngine):
    """A tone engine with a reading of its own (〇 -> 零), as the offline voice has its pinyin."""

    def engine_input(self, request):
        return request.text.replace("〇", "零")


def test_the_key_is_what_the_engine_will_say_not_the_text(tmp_path):
    tone = ReadingToneEngine()
    cached = CachedEngine(tone, tmp_path)
    first = collect(cached, [SpeechRequest(0, "二〇二一年。", TONE)])
    assert not first[0].cached
    again = collect(cached, [SpeechRequest(3, "二零二一年。", TONE)])  # another text, the same reading
    assert again[3].cached and again[3] == first[0] and tone.renders == [[0]]
    assert cache_key("tone", "tone-1", SpeechRequest(0, "二〇二一年。", TONE), "er4 ling2") != \
        cache_key("tone", "tone-1", SpeechRequest(0, "二〇二一年。", TONE), "er4 ling2 er4")
    assert cached.engine_input(SpeechRequest(0, "〇", TONE)) == "零"
