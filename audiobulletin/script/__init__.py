"""Script stage: Edition -> Script, the spoken segments in reading order with roles and pauses.

Each article opens with its headline cue (an earcon, then the headline in the headline voice);
the episode opens with the paper's name, the date and the day's headlines, and ends with an outro.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..edition import Article, Edition
from .opening import intro_lines, outro_lines
from .reading import Lexicon, reporters_of, spoken_byline, to_spoken
from .segment import ChapterPlan, Pause, Role, Script, Segment
from .sentences import clauses, sentences, speakable

INTRO_CHAPTER = "本期要目"

Reading = Callable[[str], str]
"""Written text -> what the newsreader says (the normaliser)."""


@dataclass(frozen=True)
class ScriptOptions:
    """How the script stage reads the edition aloud."""

    for_offline: bool = False
    """Read for the offline voice (Simplified characters, Latin letters in words it can say);
    the online voices read Latin letters themselves."""
    lexicon: Lexicon | None = None
    """Pronunciation fixes applied to every reading."""

    def reading(self) -> Reading:
        return lambda text: to_spoken(text, for_offline=self.for_offline, lexicon=self.lexicon)


def spoken_credit(article: Article) -> str | None:
    """A credit printed at the article's end, when the byline named nobody:
    （王晓明） -> 王晓明报道。 （本报记者 赵丽） -> 本报记者赵丽报道。"""
    if not article.credit or reporters_of(article.byline or ""):
        return None
    inner = article.credit.strip("（）() ").replace(" ", "")
    return f"{inner}报道。" if inner else None


def _byline_sentence(article: Article) -> str | None:
    """A natural credit instead of raw brackets: 本报全媒体记者赵继钊、殷雪鸢报道。"""
    return spoken_byline(article.byline).rstrip("。") + "。" if article.byline else None


def _body_segments(article: Article, index: int, reading: Reading) -> list[Segment]:
    out: list[Segment] = []
    for number, paragraph in enumerate(article.paragraphs, start=1):
        pieces = [(clause, k == len(cs) - 1) for s in sentences(paragraph)
                  for cs in [clauses(s)] for k, clause in enumerate(cs)]
        for clause, ends_sentence in pieces:
            spoken = reading(clause)
            if speakable(spoken):
                out.append(Segment(Role.BODY, clause, spoken, index, number,
                                   Pause.SENTENCE if ends_sentence else Pause.CLAUSE))
        if out and out[-1].paragraph == number:  # the paragraph's last sentence
            out[-1] = _with_pause(out[-1], Pause.PARAGRAPH)
    return out


def _with_pause(segment: Segment, pause: int) -> Segment:
    return replace(segment, pause_after_ms=int(pause))


def article_segments(article: Article, index: int, reading: Reading = to_spoken) -> list[Segment]:
    head = [Segment(Role.HEADLINE, article.headline, reading(article.headline), index, 0, Pause.HEADLINE, cue=True)]
    head += [Segment(Role.SUBHEADING, sub, reading(sub), index, 0, Pause.SENTENCE)
             for sub in article.subheadings if speakable(sub)]
    head[-1] = _with_pause(head[-1], Pause.HEADLINE)
    byline = _byline_sentence(article)
    if byline:
        head.append(Segment(Role.BYLINE, article.byline, reading(byline), index, 0, Pause.SENTENCE))
    body = _body_segments(article, index, reading)
    tail = [Segment(Role.BODY, caption, reading(f"图片说明：{caption}"), index, len(article.paragraphs) + 1,
                    Pause.PARAGRAPH) for caption in article.captions if speakable(caption)]
    credit = spoken_credit(article)
    if credit:
        tail.append(Segment(Role.BYLINE, article.credit, reading(credit), index, len(article.paragraphs) + 1,
                            Pause.SENTENCE))
    segments = head + body + tail
    segments[-1] = _with_pause(segments[-1], Pause.ARTICLE)
    return segments


def build_script(edition: Edition, options: ScriptOptions = ScriptOptions()) -> Script:
    """The stage's entry: every segment of the episode in reading order, with its chapters."""
    reading = options.reading()
    segments: list[Segment] = []
    chapters: list[ChapterPlan] = []
    paper = edition.paper or "本报"
    intro = intro_lines(paper, edition.date, [a.headline for a in edition.articles])
    chapters.append(ChapterPlan(INTRO_CHAPTER, 0, None))
    for line in intro:
        segments.append(Segment(Role.INTRO, line, reading(line), None, 0, Pause.SENTENCE))
    segments[-1] = _with_pause(segments[-1], Pause.ARTICLE)
    for index, article in enumerate(edition.articles):
        chapters.append(ChapterPlan(article.headline, len(segments), index))
        segments += article_segments(article, index, reading)
    for line in outro_lines(paper):
        segments.append(Segment(Role.OUTRO, line, reading(line), None, 0, 0))
    return Script(segments=tuple(segments), chapters=tuple(chapters))
