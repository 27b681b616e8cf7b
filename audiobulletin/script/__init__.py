"""Script stage: Edition -> Script, the spoken segments in reading order with roles and pauses.

Each article opens with its headline cue (an earcon, then the headline in the headline voice);
the episode opens with the paper's name, the date and the day's headlines, and ends with an outro.
An edition in sections (版面) names its sections in the intro instead, and each section opens with
the section cue, its name and its headlines; its chapters are titled 要闻｜headline.
A space between two phrases of a headline (春播进度过半 良种覆盖率达98%) is read as a short pause;
photo captions are read after the body, introduced once (图片说明：).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from ..edition import Article, Edition
from .opening import intro_lines, outro_lines, section_lines, sectioned_intro_lines
from .reading import Lexicon, reporters_of, spoken_byline, to_spoken
from .segment import ChapterPlan, Pause, Role, Script, Segment
from .sentences import clauses, sentences, speakable

INTRO_CHAPTER = "本期要目"
SECTION_MARK = "｜"
"""Between a section's name and an article's headline in chapter titles: 要闻｜headline."""
CAPTION_INTRO = "图片说明："
# A caption that says what it is (图为…, 上图：…) needs no introduction.
_INTRODUCED = re.compile(r"^(?:图为|图中|上图|下图|左图|右图)")
# In a headline (parse keeps only spaces that separate phrases), a space next to Chinese text.
_PHRASE_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")

Reading = Callable[[str], str]
"""Written text -> what the newsreader says (the normaliser)."""


@dataclass(frozen=True)
class ScriptOptions:
    """How the script stage reads the edition aloud."""

    for_offline: bool = False
    """Read for the offline voice: Simplified characters, acronyms in their Chinese reading
    (GDP -> 国内生产总值); other Latin letters stay, its frontend says them by name."""
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


def heading_pauses(heading: str) -> str:
    """冬储菜供应充足 价格总体平稳 -> 冬储菜供应充足，价格总体平稳 (Latin words keep their space)."""
    return _PHRASE_SPACE.sub("，", heading)


def _pieces(paragraph: str) -> list[tuple[str, bool]]:
    """(clause, ends a sentence) in reading order."""
    return [(clause, k == len(cs) - 1) for s in sentences(paragraph)
            for cs in [clauses(s)] for k, clause in enumerate(cs)]


def _caption_segments(article: Article, index: int, reading: Reading) -> list[Segment]:
    number = len(article.paragraphs) + 1
    out: list[Segment] = []
    for caption in article.captions:
        for clause, ends_sentence in _pieces(caption):
            said = clause
            if not out and not _INTRODUCED.match(caption):
                said = CAPTION_INTRO + clause  # once, before the first caption
            spoken = reading(said)
            if speakable(spoken):
                out.append(Segment(Role.BODY, clause, spoken, index, number,
                                   Pause.SENTENCE if ends_sentence else Pause.CLAUSE))
        if out:
            out[-1] = _with_pause(out[-1], Pause.PARAGRAPH)
    return out


def _body_segments(article: Article, index: int, reading: Reading) -> list[Segment]:
    out: list[Segment] = []
    for number, paragraph in enumerate(article.paragraphs, start=1):
        for clause, ends_sentence in _pieces(paragraph):
            spoken = reading(clause)
            if speakable(spoken):
                out.append(Segment(Role.BODY, clause, spoken, index, number,
                                   Pause.SENTENCE if ends_sentence else Pause.CLAUSE))
        if out and out[-1].paragraph == number:  # the paragraph's last sentence
            out[-1] = _with_pause(out[-1], Pause.PARAGRAPH)
    return out


def _with_pause(segment: Segment, pause: int) -> Segment:
    return replace(segment, pause_after_ms=int(pause))


def section_segments(title: str, page: str | None, headlines: list[str], section: int,
                     reading: Reading = to_spoken) -> list[Segment]:
    """A section's opening: the section cue, its name, its headlines."""
    lines = section_lines(title, page, [heading_pauses(h) for h in headlines])
    segments = [Segment(Role.SECTION, line, reading(line), None, 0, Pause.SENTENCE, section=section)
                for line in lines]
    segments[0] = replace(segments[0], section_cue=True)
    segments[-1] = _with_pause(segments[-1], Pause.ARTICLE)
    return segments


def article_segments(article: Article, index: int, reading: Reading = to_spoken) -> list[Segment]:
    head = [Segment(Role.HEADLINE, article.headline, reading(heading_pauses(article.headline)), index, 0,
                    Pause.HEADLINE, cue=True)]
    head += [Segment(Role.SUBHEADING, sub, reading(heading_pauses(sub)), index, 0, Pause.SENTENCE)
             for sub in article.subheadings if speakable(sub)]
    head[-1] = _with_pause(head[-1], Pause.HEADLINE)
    byline = _byline_sentence(article)
    if byline and article.byline:
        head.append(Segment(Role.BYLINE, article.byline, reading(byline), index, 0, Pause.SENTENCE))
    body = _body_segments(article, index, reading)
    tail = _caption_segments(article, index, reading)
    credit = spoken_credit(article)
    if credit and article.credit:
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
    sections = edition.sections if edition.sectioned else ()
    if sections:
        intro = sectioned_intro_lines(paper, edition.date, [(s.title, len(s.articles)) for s in sections])
    else:
        intro = intro_lines(paper, edition.date, [heading_pauses(a.headline) for a in edition.articles])
    chapters.append(ChapterPlan(INTRO_CHAPTER, 0, None))
    for line in intro:
        segments.append(Segment(Role.INTRO, line, reading(line), None, 0, Pause.SENTENCE))
    segments[-1] = _with_pause(segments[-1], Pause.ARTICLE)
    if not sections:
        for index, article in enumerate(edition.articles):
            chapters.append(ChapterPlan(article.headline, len(segments), index))
            segments += article_segments(article, index, reading)
    for number, section in enumerate(sections):
        chapters.append(ChapterPlan(section.title, len(segments), None, number))
        segments += section_segments(section.title, section.page,
                                     [edition.articles[i].headline for i in section.articles], number, reading)
        for index in section.articles:
            chapters.append(ChapterPlan(f"{section.title}{SECTION_MARK}{edition.articles[index].headline}",
                                        len(segments), index, number))
            segments += article_segments(edition.articles[index], index, reading)
    for line in outro_lines(paper):
        segments.append(Segment(Role.OUTRO, line, reading(line), None, 0, 0))
    return Script(segments=tuple(segments), chapters=tuple(chapters))
