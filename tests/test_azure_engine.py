"""The Azure engine: its real aiohttp client against a local server speaking the REST protocol."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import struct

import aiohttp
import pytest

from audiobulletin.errors import ConfigError, SpeechError
from audiobulletin.speech.azure import (OUTPUT_FORMAT, SAMPLE_RATE, USER_AGENT, AzureAccess,
                                        AzureEngine, _Failure, pcm_from_riff, region_endpoint,
                                        retry_after_seconds, ssml)
from audiobulletin.speech.cache import CachedEngine
from audiobulletin.speech.edge import Backoff
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from azure_server import (BAD_GATEWAY, CUT_SHORT, DROP, KEY, SERVER_ERROR, SLOW, TOO_MANY,
                          UNAVAILABLE, AzureServer, closed_port_endpoint, parse_ssml, riff_header, tone_pcm)

XIAOXIAO = Voice("azure", "zh-CN-XiaoxiaoNeural")
FAST = Backoff(first=0.01, cap=0.08)


def engine(server: AzureServer, *, key: str = KEY, **options) -> AzureEngine:
    options = {"timeout": 5, "retries": 3, "backoff": FAST, "seed": 1, **options}
    return AzureEngine(AzureAccess(server.endpoint, key=key), **options)


def speak(eng, texts, voice: Voice = XIAOXIAO) -> dict[int, Clip | SpeechError]:
    results: dict[int, Clip | SpeechError] = {}
    eng.render([SpeechRequest(i, t, voice) for i, t in enumerate(texts)],
               lambda request, result: results.setdefault(request.index, result))
    return results


def assert_full_length(server: AzureServer, clip, text: str, rate: int = 0) -> None:
    assert isinstance(clip, Clip), clip
    assert clip.sample_rate == SAMPLE_RATE and clip.engine == "azure"
    assert abs(clip.duration - server.seconds_for(text, rate)) < 0.002, (clip.duration, text)
    assert max(abs(s) for s in clip.samples()) > 4000  # the tone, not silence


def test_speaks_each_request_with_its_voice_prosody_and_the_documented_headers(azure_server):
    voice = Voice("azure", "zh-CN-YunyangNeural", rate=-5, pitch=-10, volume=20)
    texts = ["太原日报今天出版。", "本报讯：全市夏粮收购进度过半！"]
    results = speak(engine(azure_server), texts, voice)
    for i, text in enumerate(texts):
        assert_full_length(azure_server, results[i], text, rate=-5)
    assert sorted(azure_server.texts()) == sorted(texts)
    (seen,) = {(r.voice, r.lang, r.rate, r.pitch, r.volume, r.output_format, r.auth, r.user_agent,
                r.silences) for r in azure_server.stats.received}
    assert seen == ("zh-CN-YunyangNeural", "zh-CN", "-5%", "-10Hz", "+20%", OUTPUT_FORMAT, "key",
                    USER_AGENT, (("Leading-exact", "50ms"), ("Tailing-exact", "50ms")))


def test_markup_characters_in_the_text_are_escaped_not_refused(azure_server):
    text = "《A&B》 <测试> 比较：3<5 且 \"引号\" 'x'。"
    results = speak(engine(azure_server), [text])
    assert_full_length(azure_server, results[0], text)
    assert azure_server.texts() == [text]


def test_ssml_is_well_formed_for_a_dialect_voice():
    voice, lang, prosody, text, _ = parse_ssml(ssml("你好。", Voice("azure", "zh-CN-liaoning-XiaobeiNeural",
                                                                   rate=10)).encode())
    assert (voice, lang, prosody["rate"], text) == ("zh-CN-liaoning-XiaobeiNeural", "zh-CN", "+10%", "你好。")


def test_punctuation_only_text_is_never_sent(azure_server):
    results = speak(engine(azure_server), ["……", "好。"])
    assert results[0].skipped == ("……",) and results[0].pcm == b""
    assert azure_server.texts() == ["好。"]


def test_a_bearer_token_is_accepted_instead_of_the_key(azure_server):
    async def issue() -> str:
        async with aiohttp.ClientSession() as session:
            async with session.post(azure_server.token_endpoint,
                                    headers={"Ocp-Apim-Subscription-Key": KEY}) as response:
                assert response.status == 200
                return await response.text()

    token = asyncio.run(issue())
    eng = AzureEngine(AzureAccess(azure_server.endpoint, token=token), backoff=FAST)
    assert_full_length(azure_server, speak(eng, ["令牌。"])[0], "令牌。")
    assert [r.auth for r in azure_server.stats.received] == ["bearer"]


def test_429_and_5xx_are_retried_with_growing_delays(azure_server):
    azure_server.plan(TOO_MANY, SERVER_ERROR, BAD_GATEWAY, UNAVAILABLE)
    eng = engine(azure_server, retries=4, backoff=Backoff(first=0.01, cap=1.0, jitter=0.5))
    results = speak(eng, ["第一篇文章的第一句话。"])
    assert_full_length(azure_server, results[0], "第一篇文章的第一句话。")
    assert [r.reason for r in eng.stats.retries] == ["HTTP 429 (too many requests)", "HTTP 500",
                                                     "HTTP 502", "HTTP 503"]
    delays = [r.delay for r in eng.stats.retries]
    for n, delay in enumerate(delays):  # within [base * 2**n / 2, base * 2**n]
        assert 0.01 * 2 ** n / 2 <= delay <= 0.01 * 2 ** n
    assert azure_server.stats.statuses == [429, 500, 502, 503, 200]


def test_retry_after_is_honoured_even_beyond_the_backoff(azure_server):
    azure_server.retry_after = "1"
    azure_server.plan(TOO_MANY)
    eng = engine(azure_server)
    results = speak(eng, ["限流以后再试。"])
    assert isinstance(results[0], Clip)
    (retry,) = eng.stats.retries
    assert retry.delay == 1.0  # the backoff alone would have waited at most 0.01 s


def test_a_429_asking_for_a_long_wait_is_not_retried(azure_server):
    azure_server.retry_after = "120"
    azure_server.plan(TOO_MANY)
    eng = engine(azure_server)
    error = speak(eng, ["额度用完。"])[0]
    assert isinstance(error, SpeechError) and "asks to wait 120 s" in error.message
    assert eng.stats.attempts == 1 and not eng.stats.retries


def test_retry_after_as_seconds_or_an_http_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(email.utils.formatdate(1000.0 + 30, usegmt=True), now=1000.0) == 30.0
    assert retry_after_seconds(email.utils.formatdate(900.0, usegmt=True), now=1000.0) == 0.0
    assert retry_after_seconds("soon") == 0.0 and retry_after_seconds(None) == 0.0


def test_a_wrong_key_stops_the_engine_and_never_shows_the_key(azure_server, caplog):
    wrong = "wrong-key-5d41402abc4b2a76b9719d911017c592"
    eng = engine(azure_server, key=wrong, concurrency=1)
    with caplog.at_level(logging.DEBUG):
        results = speak(eng, ["第一句。", "第二句。", "第三句。"])
    assert all(isinstance(r, SpeechError) for r in results.values())
    assert "HTTP 401" in results[0].message and "refused the key" in results[0].message
    assert "not calling the service again" in eng.stats.gave_up
    assert azure_server.stats.requests == 1  # no retry, no further request
    shown = caplog.text + "".join(r.one_line() for r in results.values()) + repr(eng.access)
    assert wrong not in shown and KEY not in shown


def test_an_unknown_voice_is_a_400_for_that_segment_only(azure_server):
    results = {}
    eng = engine(azure_server)
    eng.render([SpeechRequest(0, "好。", XIAOXIAO), SpeechRequest(1, "好。", Voice("azure", "zh-CN-NobodyNeural"))],
               lambda request, result: results.setdefault(request.index, result))
    assert isinstance(results[0], Clip)
    assert isinstance(results[1], SpeechError)
    assert "HTTP 400" in results[1].message and "Unsupported voice zh-CN-NobodyNeural" in results[1].message
    assert eng.stats.attempts == 2 and not eng.stats.retries


def test_malformed_ssml_gets_400_from_the_server(azure_server):
    async def post(body: bytes) -> tuple[int, bytes]:
        headers = {"Ocp-Apim-Subscription-Key": KEY, "Content-Type": "application/ssml+xml",
                   "X-Microsoft-OutputFormat": OUTPUT_FORMAT, "User-Agent": USER_AGENT}
        async with aiohttp.ClientSession() as session:
            async with session.post(azure_server.endpoint, data=body, headers=headers) as response:
                return response.status, await response.read()

    status, said = asyncio.run(post(b"<speak version='1.0'><voice>unclosed"))
    assert status == 400 and b"not well-formed" in said
    # what the engine sends, the server accepts: the 400 path above is not a blanket refusal
    status, _ = asyncio.run(post(ssml("好。", XIAOXIAO).encode()))
    assert status == 200


def test_a_slow_answer_times_out_and_is_retried(azure_server):
    azure_server.slow_seconds = 2.0
    azure_server.plan(SLOW)
    eng = engine(azure_server, timeout=0.5)
    results = speak(eng, ["慢慢说。"])
    assert_full_length(azure_server, results[0], "慢慢说。")
    assert eng.stats.retries[0].reason == "no complete answer within 0.5 s"


def test_audio_cut_short_by_the_service_is_retried_then_reported(azure_server):
    text = "这一句话的音频被服务截短了，需要重新合成。"
    azure_server.plan(CUT_SHORT)
    eng = engine(azure_server)
    assert_full_length(azure_server, speak(eng, [text])[0], text)
    assert eng.stats.retries[0].reason.startswith("audio cut short:")

    azure_server.reset()
    azure_server.fail_when("截短", CUT_SHORT)
    error = speak(engine(azure_server, retries=2), [text])[0]
    assert isinstance(error, SpeechError)
    assert "failed after 3 attempt(s): audio cut short" in error.message


def test_a_reply_dropped_mid_stream_is_retried(azure_server):
    text = "连接在音频传到一半时断开了，客户端必须发现并重试。"
    azure_server.plan(DROP)
    eng = engine(azure_server)
    assert_full_length(azure_server, speak(eng, [text])[0], text)
    assert eng.stats.retries[0].reason.startswith("audio cut short")


def test_an_unreachable_service_gives_up_after_failures_in_a_row():
    eng = AzureEngine(AzureAccess(closed_port_endpoint(), key=KEY), retries=2, backoff=FAST,
                      give_up_after=4, concurrency=1)
    results = speak(eng, ["一。", "二。", "三。", "四。"])
    assert all(isinstance(r, SpeechError) for r in results.values())
    assert "connection failed" in results[0].message
    assert "4 attempts in a row" in eng.stats.gave_up
    assert eng.stats.attempts == 4


def test_concurrency_is_bounded(azure_server):
    azure_server.first_byte_seconds = 0.2
    texts = [f"第{n}句话。" for n in range(8)]
    results = speak(engine(azure_server, concurrency=3), texts)
    assert all(isinstance(r, Clip) for r in results.values())
    assert azure_server.stats.max_active == 3


def test_the_cache_answers_a_second_run(azure_server, tmp_path):
    texts = ["缓存第一句。", "缓存第二句。"]
    first = speak(CachedEngine(engine(azure_server), tmp_path), texts)
    assert azure_server.stats.requests == 2
    again = CachedEngine(engine(azure_server), tmp_path)
    second = speak(again, texts)
    assert azure_server.stats.requests == 2 and again.hits == 2
    assert [second[i].pcm for i in range(2)] == [first[i].pcm for i in range(2)]


def test_riff_replies_are_checked():
    pcm = tone_pcm(0.5)
    assert pcm_from_riff(riff_header(len(pcm)) + pcm) == pcm
    assert pcm_from_riff(riff_header(0xFFFFFFFF) + pcm) == pcm  # a streamed reply of unknown length
    with pytest.raises(_Failure, match="cut short: 100 of"):
        pcm_from_riff(riff_header(len(pcm)) + pcm[:100])
    with pytest.raises(_Failure, match="not RIFF"):
        pcm_from_riff(b"ID3" + pcm)
    mono_16k = riff_header(len(pcm)).replace(struct.pack("<I", SAMPLE_RATE), struct.pack("<I", 16000), 1)
    with pytest.raises(_Failure, match="unexpected audio format"):
        pcm_from_riff(mono_16k + pcm)


def test_access_is_configured_before_any_speech_and_hides_its_secrets():
    access = AzureAccess.configure(key="k" * 32, region="eastus")
    assert access.endpoint == region_endpoint("eastus") == \
        "https://eastus.tts.speech.microsoft.com/cognitiveservices/v1"
    assert "k" * 32 not in repr(access) and access.headers()["Ocp-Apim-Subscription-Key"] == "k" * 32
    custom = AzureAccess.configure(key="x", endpoint="https://chinaeast2.tts.speech.azure.cn/cognitiveservices/v1")
    assert custom.endpoint.endswith(".azure.cn/cognitiveservices/v1")
    for kwargs, message in (({"region": "eastus"}, "needs a Speech resource key"),
                            ({"key": "x"}, "needs its region"),
                            ({"key": "x", "region": "East US"}, "region name like eastus"),
                            ({"key": "x", "endpoint": "ftp://host/v1"}, "https URL")):
        with pytest.raises(ConfigError, match=message) as raised:
            AzureAccess.configure(**kwargs)
        assert raised.value.exit_code == 3
