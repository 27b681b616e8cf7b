"""Hand-built timelines for the publishing tests: no speech engine, exact known times."""

from __future__ import annotations

from audiobulletin.script.segment import Role, Segment
from audiobulletin.timeline import Chapter, TimedSegment, Timeline

LONG_SENTENCE = (
    "据了解，今年以来我市持续推进老旧小区改造工程，涉及全市六个城区的一百二十多个小区，"
    "惠及居民四万余户，改造内容包括外墙保温、管网更新、加装电梯、停车设施和社区养老服务设施建设，"
    "同时同步推进背街小巷整治和社区绿化提升，让老百姓在家门口就能感受到城市更新带来的实实在在的变化，"
    "预计年底前全部完工并交付使用。"
)


def build_timeline(lines: list[tuple[Role, str, int | None, int, bool]], gap: float = 0.45):
    """Lay `(role, text, article, paragraph, cue)` rows end to end, 0.2 s of speech per char."""
    segments, t = [], 0.0
    for role, text, article, paragraph, cue in lines:
        seg = Segment(role, text, text, article, paragraph, cue=cue)
        duration = round(0.2 * len(text), 3)
        segments.append(TimedSegment(seg, round(t, 3), round(t + duration, 3), "fake"))
        t = round(t + duration + gap, 3)
    starts: dict[int | None, float] = {}
    for timed in segments:
        if timed.article not in starts and (timed.article is not None or not starts):
            starts[timed.article] = timed.start
    titles = {None: "导语"}
    titles.update({s.article: s.segment.text for s in segments if s.segment.cue})
    keys = list(starts)
    chapters = tuple(
        Chapter(titles.get(k, ""), starts[k], starts[keys[i + 1]] if i + 1 < len(keys) else t, k)
        for i, k in enumerate(keys)
    )
    return Timeline(tuple(segments), chapters, t, 44100)


def sample_timeline() -> Timeline:
    """Intro, two articles (headline block, paragraphs, one very long sentence), outro."""
    return build_timeline(
        [
            (Role.INTRO, "太原日报，2021年6月27日，星期日。", None, 0, False),
            (Role.HEADLINE, "我市老旧小区改造全面提速", 0, 0, True),
            (Role.SUBHEADING, "年底前全部完工", 0, 0, False),
            (Role.BYLINE, "本报讯（全媒体记者 赵继钊）", 0, 0, False),
            (Role.BODY, "记者从市住建局获悉。", 0, 1, False),
            (Role.BODY, LONG_SENTENCE, 0, 1, False),
            (Role.BODY, "居民说：改造后<楼道>亮了 & 干净了。", 0, 2, False),
            (Role.HEADLINE, "晋阳湖公园开园", 1, 0, True),
            (Role.BODY, "The park opens on July 1.", 1, 1, False),
            (Role.BODY, "Entry is free.", 1, 1, False),
            (Role.OUTRO, "以上是今天的新闻。", None, 0, False),
        ]
    )
