"""The edge engine: the real edge-tts client against a local server that speaks its protocol."""

from __future__ import annotations

import random

import pytest

from audiobulletin.errors import ConfigError, SpeechError
from audiobulletin.speech.edge import (SAMPLE_RATE, Backoff, EdgeEngine, prosody,
                                       truncation_problem)
from audiobulletin.speech.edge_endpoint import check_endpoint, pointed_at, voice_list_url
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from edge_server import (CUT_SHORT, DROP, FORBIDDEN, FRAME_SECONDS, NO_AUDIO, SERVER_ERROR, SLOW,
                         TOO_MANY, EdgeServer, closed_port_endpoint)

XIAOXIAO = Voice("edge", "zh-CN-XiaoxiaoNeural")
FAST = Backoff(first=0.01, cap=0.08)


def engine(server: EdgeServer, **options) -> EdgeEngine:
    options = {"timeout": 5, "retries": 3, "backoff": FAST, "seed": 1, **options}
    return EdgeEngine(endpoint=server.endpoint, **options)


def speak(eng: EdgeEngine, texts, voice: Voice = XIAOXIAO) -> dict[int, Clip | SpeechError]:
    results: dict[int, Clip | SpeechError] = {}
    eng.render([SpeechRequest(i, t, voice) for i, t in enumerate(texts)],
               lambda request, result: results.setdefault(request.index, result))
    return results


def assert_full_length(server: EdgeServer, clip: Clip, text: str, rate: int = 0) -> None:
    expected = server.seconds_for(text, rate)
    assert clip.sample_rate == SAMPLE_RATE and clip.engine == "edge"
    assert abs(clip.duration - expected) < 3 * FRAME_SECONDS + 0.06, (clip.duration, expected)


def test_speaks_each_request_as_24khz_pcm_with_the_voice_and_prosody(edge_server):
    voice = Voice("edge", "zh-CN-YunyangNeural", rate=-5, pitch=-10, volume=20)
    texts = ["太原日报今天出版。", "本报讯：全市夏粮收购进度过半！"]
    results = speak(engine(edge_server), texts, voice)
    for i, text in enumerate(texts):
        assert_full_length(edge_server, results[i], text, rate=-5)
        assert max(abs(s) for s in results[i].samples()) > 1000  # a tone, not silence
    received = {r.text: r for r in edge_server.stats.requests}
    assert set(received) == set(texts)
    assert {(r.voice, r.rate, r.pitch, r.volume) for r in received.values()} == {
        ("zh-CN-YunyangNeural", "-5%", "-10Hz", "+20%")}


def test_prosody_strings():
    assert prosody(Voice("edge", "x", rate=0, pitch=0, volume=0)) == {
        "rate": "+0%", "volume": "+0%", "pitch": "+0Hz"}
    assert prosody(Voice("edge", "x", rate=-5, pitch=12, volume=-30)) == {
        "rate": "-5%", "volume": "-30%", "pitch": "+12Hz"}


def test_punctuation_only_text_is_never_sent(edge_server):
    results = speak(engine(edge_server), ["……", "——", "好。"])
    assert results[0].skipped == ("……",) and results[0].pcm == b""
    assert results[1].skipped == ("——",)
    assert edge_server.texts() == ["好。"]


def test_http_failures_are_retried_with_growing_delays(edge_server):
    # 429, 503, then 403 twice in a row (edge-tts fixes its clock and retries a 403 once itself)
    edge_server.plan(TOO_MANY, SERVER_ERROR, FORBIDDEN, FORBIDDEN)
    eng = engine(edge_server, backoff=Backoff(first=0.01, cap=1.0, jitter=0.5))
    results = speak(eng, ["第一篇文章的第一句话。"])
    assert_full_length(edge_server, results[0], "第一篇文章的第一句话。")
    reasons = [r.reason for r in eng.stats.retries]
    assert reasons[0].startswith("HTTP 429") and reasons[1] == "HTTP 503" and reasons[2].startswith("HTTP 403")
    delays = [r.delay for r in eng.stats.retries]
    assert delays == sorted(delays)
    for n, delay in enumerate(delays):  # within [base * 2**n / 2, base * 2**n]
        assert 0.01 * 2 ** n / 2 <= delay <= 0.01 * 2 ** n
    assert eng.stats.attempts == 4 and edge_server.stats.connections == 5


def test_backoff_is_exponential_with_bounded_jitter_and_a_cap():
    backoff, rng = Backoff(first=1.0, cap=10.0, jitter=0.5), random.Random(7)
    delays = [backoff.delay(n, rng) for n in range(8)]
    assert delays[:4] == sorted(delays[:4])  # 1, 2, 4, 8 s less jitter: never shorter than the last
    assert all(min(10, 2 ** n) / 2 <= d <= min(10, 2 ** n) for n, d in enumerate(delays))
    assert backoff.delay(0, rng, at_least=5.0) == 5.0  # a Retry-After is honoured
    assert len({round(backoff.delay(3, rng), 6) for _ in range(20)}) > 1  # jitter


def test_a_single_403_from_clock_skew_is_handled_by_edge_tts(edge_server):
    from edge_tts.drm import DRM

    edge_server.clock_offset_seconds = 3600  # the server's clock is an hour ahead: our token is stale
    saved = DRM.clock_skew_seconds
    try:
        eng = engine(edge_server)
        results = speak(eng, ["时钟偏差。"])
        assert isinstance(results[0], Clip)
        assert eng.stats.retries == [] and edge_server.stats.connections == 2
        assert 3590 < DRM.clock_skew_seconds - saved < 3610
    finally:
        DRM.clock_skew_seconds = saved


def test_a_dropped_connection_is_retried(edge_server):
    edge_server.plan(DROP)
    eng = engine(edge_server)
    text = "一个连接在传输中途断开了，需要重新请求。"
    results = speak(eng, [text])
    assert_full_length(edge_server, results[0], text)
    assert len(eng.stats.retries) == 1 and edge_server.stats.connections == 2


def test_audio_cut_short_is_caught_by_the_boundaries_and_retried(edge_server):
    edge_server.cut_fraction = 0.6  # long enough to pass the character count: only boundaries tell
    edge_server.plan(CUT_SHORT)
    eng = engine(edge_server)
    text = "这段音频被悄悄截短了。服务器照常结束了这一轮。"
    results = speak(eng, [text])
    assert_full_length(edge_server, results[0], text)
    assert "boundaries" in eng.stats.retries[0].reason


def test_truncation_check_by_character_count_and_rate():
    text = "三十个字的一句话" * 4  # 32 characters: at least 3.2 s at normal speed
    assert truncation_problem(text, 0, 1.0, 0.0) is not None
    assert truncation_problem(text, 0, 6.0, 0.0) is None
    assert truncation_problem(text, -50, 5.0, 0.0) is not None  # half speed needs twice as long
    assert truncation_problem(text, 100, 2.0, 0.0) is None
    assert truncation_problem(text, 0, 6.0, 8.0) is not None  # boundaries say 8 s
    assert truncation_problem(text, 0, 7.9, 8.0) is None  # within MP3 framing slack
    assert truncation_problem("GDP增长5%。", 0, 0.7, 0.0) is None  # Latin letters count less


def test_no_audio_is_retried(edge_server):
    edge_server.plan(NO_AUDIO)
    eng = engine(edge_server)
    results = speak(eng, ["没有收到音频。"])
    assert isinstance(results[0], Clip) and eng.stats.retries[0].reason == "no audio received"


def test_a_slow_answer_times_out_and_is_retried(edge_server):
    edge_server.plan(SLOW)
    eng = engine(edge_server, timeout=0.5)
    results = speak(eng, ["服务器很慢。"])
    assert isinstance(results[0], Clip)
    assert eng.stats.retries[0].reason == "no complete answer within 0.5 s"


@pytest.mark.parametrize("limit", [1, 3])
def test_concurrency_never_exceeds_the_limit(edge_server, limit):
    edge_server.first_byte_seconds = 0.05  # every answer takes a while, so requests overlap
    results = speak(engine(edge_server, concurrency=limit), [f"第{i}句话。" for i in range(10)])
    assert all(isinstance(r, Clip) for r in results.values()) and len(results) == 10
    assert edge_server.stats.max_active == limit


def test_a_service_that_keeps_failing_is_given_up_on(edge_server):
    edge_server.plan(*[SERVER_ERROR] * 100)
    eng = engine(edge_server, concurrency=1, retries=3, give_up_after=5)
    results = speak(eng, [f"第{i}句话。" for i in range(8)])
    assert len(results) == 8 and all(isinstance(r, SpeechError) for r in results.values())
    assert all("HTTP 503" in r.message for r in results.values())
    assert "5 attempts in a row" in eng.stats.gave_up
    assert edge_server.stats.connections == 5  # then nothing more is sent (one at a time here)


def test_an_unreachable_service_fails_with_a_clear_error():
    eng = EdgeEngine(endpoint=closed_port_endpoint(), retries=1, backoff=FAST, timeout=2)
    results = speak(eng, ["网络不通。", "第二句。", "第三句。", "第四句。"])
    errors = list(results.values())
    assert all(isinstance(e, SpeechError) for e in errors)
    assert "unreachable" in errors[0].message and "connection refused" in errors[0].message
    assert all("SSLContext" not in e.message and " object at 0x" not in e.message for e in errors)  # plain words
    assert all(e.where.startswith("segment ") for e in errors)


def test_a_voice_the_service_rejects_names_the_zh_cn_voices(edge_server):
    gone = Voice("edge", "zh-CN-XiaochenNeural")  # withdrawn from the service
    eng = engine(edge_server, retries=2, concurrency=1)
    results = speak(eng, ["第一句。", "第二句。", "第三句。"], gone)
    for error in results.values():
        assert isinstance(error, SpeechError)
        assert "zh-CN-XiaochenNeural" in error.message
        assert "zh-CN-YunyangNeural" in error.message and "zh-CN-XiaoxiaoNeural" in error.message
    assert edge_server.stats.connections == 3  # one request's attempts; the others are not sent


def test_endpoint_is_restored_and_validated(edge_server):
    from edge_tts import communicate, constants

    speak(engine(edge_server), ["好。"])
    assert communicate.WSS_URL == constants.WSS_URL
    with pointed_at("wss://example.org/tts/edge/v1"):
        assert communicate.WSS_URL.startswith("wss://example.org/tts/edge/v1?TrustedClientToken=")
    assert communicate.WSS_URL == constants.WSS_URL
    assert voice_list_url(edge_server.endpoint) == (
        f"http://127.0.0.1:{edge_server.port}/consumer/speech/synthesize/readaloud/voices/list"
        "?trustedclienttoken=test")
    for bad in ("http://example.org/edge/v1", "wss://example.org/other"):
        with pytest.raises(ConfigError):
            check_endpoint(bad)


def test_a_malformed_voice_name_fails_without_calling_the_service(edge_server):
    eng = engine(edge_server)
    results = speak(eng, ["第一句。", "第二句。"], Voice("edge", "Xiaoxiao"))
    for error in results.values():
        assert "'Xiaoxiao' is not an online voice name" in error.message
        assert "zh-CN-XiaoxiaoNeural" in error.message
    assert edge_server.stats.connections == 0 and eng.stats.retries == []
