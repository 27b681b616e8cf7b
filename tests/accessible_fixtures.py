"""A small edition, the timeline a run would give for it, and a real MP3 of that length.

The timeline is built the way the script stage cuts text: sentences at 。！？；, headline and
subheadings whole, a spoken credit instead of the printed byline, an intro and an outro.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from audiobulletin.edition import Article, Edition
from audiobulletin.ffmpeg import run
from audiobulletin.script.segment import Pause, Role, Segment
from audiobulletin.timeline import Chapter, TimedSegment, Timeline

EDITION = Edition(
    paper="太原日报",
    date=dt.date(2021, 6, 27),
    source="tests/fixtures/small.txt",
    articles=(
        Article(
            headline="市委理论学习中心组举行学习会",
            subheadings=("深入学习贯彻习近平总书记关于安全生产重要论述", "罗清宇主持并讲话"),
            byline="本报讯（全媒体记者 赵继钊 殷雪鸢）",
            reporters=("赵继钊", "殷雪鸢"),
            paragraphs=(
                "6月26日，市委理论学习中心组举行学习会。省委常委、市委书记罗清宇主持并讲话。",
                "罗清宇指出，要牢固树立“隐患就是事故”的理念！全市各级各部门要压紧压实责任；确保安全。",
            ),
            line=1,
        ),
        Article(
            headline="“锦绣太原城”<新>篇章 & 城市更新",
            byline=None,
            paragraphs=(
                "大力实施城市更新行动……不断推动全域治山、系统治水。",
                "——",
                "努力再现“锦绣太原城”盛景？答案是肯定的。",
            ),
            line=20,
        ),
        Article(
            headline="短讯",
            paragraphs=("今日天气晴。",),
            line=30,
        ),
    ),
)

SENTENCE_END = re.compile(r"(?<=[。！？；])")
SPEECH_S = 0.9  # a synthetic sentence lasts 0.9 s, then its pause


def _sentences(paragraph: str) -> list[str]:
    # The script stage never sends unspeakable text ("——", "……" alone).
    return [s for s in SENTENCE_END.split(paragraph) if s.strip("—…“”。，、 ")]


def planned_segments(edition: Edition = EDITION) -> list[Segment]:
    def seg(role, text, article, paragraph=0, pause=Pause.SENTENCE, spoken=None):
        return Segment(role, text, spoken or text, article, paragraph, pause)

    out = [seg(Role.INTRO, f"{edition.paper}，2021年6月27日。", None),
           seg(Role.INTRO, f"本期共有{len(edition.articles)}篇文章。", None, pause=Pause.ARTICLE)]
    for a, article in enumerate(edition.articles):
        out.append(seg(Role.HEADLINE, article.headline, a, pause=Pause.HEADLINE))
        out += [seg(Role.SUBHEADING, s, a, pause=Pause.HEADLINE) for s in article.subheadings]
        if article.byline:
            # Spoken as a natural credit, not as printed: the whole byline gets this clip.
            credit = "记者" + "、".join(article.reporters) + "报道。"
            out.append(seg(Role.BYLINE, credit, a, pause=Pause.PARAGRAPH))
        for p, paragraph in enumerate(article.paragraphs, 1):
            out += [seg(Role.BODY, s, a, p) for s in _sentences(paragraph)]
    out.append(seg(Role.OUTRO, "以上就是今天的全部内容。", None, pause=0))
    return out


def build_timeline(segments: list[Segment] | None = None, edition: Edition = EDITION, lead_in: float = 0.5) -> Timeline:
    """Sentences back to back with their pauses; a 0.3 s earcon before each headline."""
    segments = segments if segments is not None else planned_segments(edition)
    timed, starts = [], {}
    t = lead_in
    for s in segments:
        if s.role == Role.HEADLINE and s.article not in starts:
            starts[s.article] = t
            t += 0.3
        timed.append(TimedSegment(s, round(t, 6), round(t + SPEECH_S, 6), engine="fake"))
        t += SPEECH_S + s.pause_after_ms / 1000
    duration = round(t + 0.5, 6)
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    ends = [start for _, start in ordered[1:]] + [duration]
    chapters = [Chapter("开场", 0.0, ordered[0][1], None)] + [
        Chapter(edition.articles[a].headline, start, end, a) for (a, start), end in zip(ordered, ends)
    ]
    return Timeline(tuple(timed), tuple(chapters), duration, 24000)


def make_mp3(path: Path, seconds: float) -> Path:
    """A real MP3 (sine tone) of the given length, made with the project's ffmpeg."""
    run(["-y", "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=24000:duration={seconds:.3f}",
         "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", str(path)], where=path)
    return path


def publish_sample(output_root: Path, edition: Edition = EDITION, timeline: Timeline | None = None):
    """Lay out one published edition as `generate` would: episode files, then the accessible edition."""
    from audiobulletin.publish.accessible import write_accessible_edition

    timeline = timeline or build_timeline()
    day = output_root / (edition.date.isoformat() if edition.date else "undated")
    day.mkdir(parents=True, exist_ok=True)
    mp3 = make_mp3(day / "episode.mp3", timeline.duration)
    (day / "episode.vtt").write_text("WEBVTT\n", encoding="utf-8")
    written = write_accessible_edition(
        edition, timeline, mp3, day / "accessible",
        transcripts={"WebVTT 字幕": "episode.vtt"}, index_page=output_root / "index.html",
    )
    return written, timeline, mp3


PAGES = Path(__file__).parent / "fixtures" / "pages"


def sectioned_sample() -> tuple[Edition, Timeline]:
    """The three-page fixture edition (要闻, 综合, 城事) and the timeline its script would give:
    every segment 0.9 s and its pause, a cue before each section and each article."""
    from audiobulletin.parse import ParseOptions, parse_edition
    from audiobulletin.script import build_script

    edition = parse_edition(sorted(PAGES.glob("page*.txt")), ParseOptions(paper="太原日报"))
    script = build_script(edition)
    timed, marks, t = [], {}, 0.3
    chapter_at = {c.first_segment: k for k, c in enumerate(script.chapters)}
    for index, segment in enumerate(script.segments):
        if index in chapter_at:
            marks[chapter_at[index]] = t if chapter_at[index] else 0.0
        t += 0.5 if segment.section_cue or segment.cue else 0.0
        timed.append(TimedSegment(segment, round(t, 6), round(t + SPEECH_S, 6), engine="fake"))
        t += SPEECH_S + segment.pause_after_ms / 1000
    duration = round(t + 0.5, 6)
    starts = [marks[k] for k in range(len(script.chapters))] + [duration]
    chapters = tuple(Chapter(c.title, starts[k], starts[k + 1], c.article, c.section)
                     for k, c in enumerate(script.chapters))
    return edition, Timeline(tuple(timed), chapters, duration, 24000)
