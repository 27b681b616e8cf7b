"""`--engine auto`: articles the online voice fails are re-voiced whole by the offline engine."""

from __future__ import annotations

import pytest

from audiobulletin.errors import SpeechError
from audiobulletin.script.segment import Role
from audiobulletin.speech.cache import CachedEngine
from audiobulletin.speech.edge import Backoff, EdgeEngine
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.fallback import FallbackEngine, render_with_fallback
from audiobulletin.speech.voice import Clip, Voice
from edge_server import DROP, closed_port_endpoint
from tone_engine import RecordingToneEngine

# (article, role, text): an intro, then three articles; article 1 holds a sentence the service fails
SCRIPT = [
    (None, Role.INTRO, "各位听众早上好。"),
    (0, Role.HEADLINE, "第一篇标题。"), (0, Role.BODY, "第一篇正文第一句。"), (0, Role.BODY, "第一篇正文第二句。"),
    (1, Role.HEADLINE, "第二篇标题。"), (1, Role.BODY, "第二篇正文出现故障的句子。"),
    (1, Role.BODY, "第二篇正文第三句。"),
    (2, Role.HEADLINE, "第三篇标题。"), (2, Role.BODY, "第三篇正文。"),
]
EDGE = {Role.INTRO: Voice("edge", "zh-CN-YunyangNeural"), Role.HEADLINE: Voice("edge", "zh-CN-YunyangNeural", rate=-5),
        Role.BODY: Voice("edge", "zh-CN-XiaoxiaoNeural")}
OFFLINE = {Role.INTRO: Voice("offline", "baker", rate=-6), Role.HEADLINE: Voice("offline", "baker", pitch=-12),
           Role.BODY: Voice("offline", "baker")}
ARTICLE_OF = {i: article for i, (article, _, _) in enumerate(SCRIPT)}


def requests() -> list[SpeechRequest]:
    return [SpeechRequest(i, text, EDGE[role]) for i, (_, role, text) in enumerate(SCRIPT)]


def offline_voice(request: SpeechRequest) -> Voice:
    return OFFLINE[SCRIPT[request.index][1]]


def online(server_endpoint: str, **options) -> EdgeEngine:
    return EdgeEngine(endpoint=server_endpoint, retries=2, backoff=Backoff(0.01, 0.05), **options)


def run(online_engine, offline_engine, reqs=None):
    delivered: list[tuple[SpeechRequest, Clip | SpeechError]] = []
    report = render_with_fallback(reqs or requests(), lambda r, res: delivered.append((r, res)),
                                  online=online_engine, offline=offline_engine, article_of=ARTICLE_OF,
                                  offline_voice=offline_voice)
    return report, delivered


def engines_per_article(delivered) -> dict:
    out: dict = {}
    for request, result in delivered:
        out.setdefault(ARTICLE_OF[request.index], set()).add(result.engine)
    return out


def test_an_article_with_a_failing_segment_is_revoiced_whole_offline(edge_server):
    edge_server.fail_when("故障", DROP)
    offline = RecordingToneEngine(name="offline")
    report, delivered = run(online(edge_server.endpoint), offline)

    assert sorted(r.index for r, _ in delivered) == list(range(len(SCRIPT)))  # each exactly once
    assert engines_per_article(delivered) == {None: {"edge"}, 0: {"edge"}, 1: {"offline"}, 2: {"edge"}}
    assert offline.renders == [[4, 5, 6]]  # the whole article, not just the failed sentence
    for request, _ in delivered:
        expected = offline_voice(request) if ARTICLE_OF[request.index] == 1 else EDGE[SCRIPT[request.index][1]]
        assert request.voice == expected
    assert dict(report.engines) == {None: "edge", 0: "edge", 1: "offline", 2: "edge"}
    assert report.articles("offline") == [1] and "segment 5" in report.reasons[1]
    assert report.failed == ()
    assert "offline: 1" in report.summary()


def test_an_unreachable_service_sends_every_article_offline():
    offline = RecordingToneEngine(name="offline")
    report, delivered = run(online(closed_port_endpoint(), give_up_after=3), offline)
    assert set(report.engines.values()) == {"offline"}
    assert all(isinstance(result, Clip) and result.engine == "offline" for _, result in delivered)
    assert offline.renders == [list(range(len(SCRIPT)))]
    assert all("connection refused" in reason or "not calling it again" in reason
               for reason in report.reasons.values())


class OnlineThatBreaks(RecordingToneEngine):
    """Answers the first `good` requests, then fails as a whole."""

    def __init__(self, good: int):
        super().__init__(name="edge")
        self.good = good

    def render(self, requests, on_result):
        super().render(requests[: self.good], on_result)
        raise SpeechError("the online engine crashed")


def test_when_the_online_engine_fails_as_a_whole_unsettled_articles_fall_back():
    offline = RecordingToneEngine(name="offline")
    report, delivered = run(OnlineThatBreaks(good=5), offline)  # intro, article 0, half of article 1
    assert dict(report.engines) == {None: "edge", 0: "edge", 1: "offline", 2: "offline"}
    assert offline.renders == [[4, 5, 6, 7, 8]]
    assert report.reasons[2] == "the online engine crashed"
    assert engines_per_article(delivered)[1] == {"offline"}


def test_offline_failures_are_reported_and_delivered():
    report, delivered = run(OnlineThatBreaks(good=0), RecordingToneEngine(name="offline", fail_on="第三篇正文"))
    assert report.failed == (8,)
    assert isinstance(dict((r.index, res) for r, res in delivered)[8], SpeechError)


def test_an_error_in_the_callers_callback_is_not_a_reason_to_fall_back():
    offline = RecordingToneEngine(name="offline")

    def broken(request, result):
        raise KeyError("caller bug")

    with pytest.raises(KeyError):
        render_with_fallback(requests(), broken, online=RecordingToneEngine(name="edge"), offline=offline,
                             article_of=ARTICLE_OF, offline_voice=offline_voice)
    assert offline.renders == []


def test_a_mapping_or_a_callable_groups_requests_into_articles():
    offline = RecordingToneEngine(name="offline")
    report = render_with_fallback(requests(), lambda r, res: None, online=OnlineThatBreaks(good=4),
                                  offline=offline, article_of=lambda r: "intro" if r.index == 0 else "rest",
                                  offline_voice=offline_voice)
    assert dict(report.engines) == {"intro": "edge", "rest": "offline"}


def test_the_engine_form_with_caches_tries_online_again_on_the_next_run(edge_server, tmp_path):
    edge_server.fail_when("故障", DROP)
    offline = RecordingToneEngine(name="offline")

    def engine():
        return FallbackEngine(CachedEngine(online(edge_server.endpoint), tmp_path),
                              CachedEngine(offline, tmp_path), article_of=ARTICLE_OF, offline_voice=offline_voice)

    first = engine()
    first.render(requests(), lambda r, res: None)
    assert first.name == "edge" and first.report.articles("offline") == [1]

    edge_server.reset()  # the service is healthy again
    second, delivered = engine(), []
    second.render(requests(), lambda r, res: delivered.append((r, res)))
    assert set(second.report.engines.values()) == {"edge"}
    # article 1's other sentences were stored when they succeeded online the first time
    assert edge_server.texts() == ["第二篇正文出现故障的句子。"]
    assert engines_per_article(delivered)[1] == {"edge"}


def test_build_engine_follows_the_engine_choice(tmp_path):
    from pathlib import Path

    from audiobulletin.script.segment import Part, Segment
    from audiobulletin.speech import SpeechOptions, load_profile
    from audiobulletin.speech.choose import build_engine

    profile = load_profile(Path(__file__).parents[1] / "voices" / "default.toml")
    segments = [Segment(role, text, text, article) for article, role, text in SCRIPT]
    endpoint = "ws://127.0.0.1:9/edge/v1"
    edge = build_engine(SpeechOptions(profile, engine="edge", edge_endpoint=endpoint, edge_concurrency=2,
                                      cache_dir=tmp_path), segments)
    assert isinstance(edge, CachedEngine) and isinstance(edge.inner, EdgeEngine)
    assert (edge.name, edge.inner.endpoint, edge.inner.concurrency, edge.cache.root) == ("edge", endpoint, 2, tmp_path)
    assert [s.part for s in segments[:2]] == [Part(None, Role.INTRO), Part(0)]

    offline = build_engine(SpeechOptions(profile, engine="offline", edge_endpoint=endpoint), segments)
    assert offline.name == "offline" and not isinstance(offline.inner, EdgeEngine)
    auto = build_engine(SpeechOptions(profile, engine="auto"), segments)
    assert isinstance(auto, FallbackEngine) and auto.name == "edge"
    assert (auto.offline_voice(SpeechRequest(1, "标题。", EDGE[Role.HEADLINE]))
            == profile.voice_for("offline", Role.HEADLINE))


@pytest.mark.slow
def test_the_real_offline_voice_takes_over_a_failing_article(edge_server):
    from audiobulletin.speech.offline import OfflineEngine

    edge_server.fail_when("故障", DROP)
    offline = OfflineEngine(workers=1)
    try:
        report, delivered = run(online(edge_server.endpoint), offline)
    finally:
        offline.close()
    assert engines_per_article(delivered) == {None: {"edge"}, 0: {"edge"}, 1: {"offline"}, 2: {"edge"}}
    spoken = {r.index: result for r, result in delivered}
    for index in (4, 5, 6):  # the whole of article 1, in the offline voice, and it says something
        assert spoken[index].engine == "offline" and spoken[index].duration > 0.5
        assert max(abs(s) for s in spoken[index].samples()) > 1000
    assert report.articles("offline") == [1] and report.failed == ()
