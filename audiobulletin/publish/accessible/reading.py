"""The edition as read aloud: its text cut into sentences, each with an id and its clip.

The edition's text is the source of truth; the timeline says where each spoken piece of it is
heard. Every timed segment's text is looked up, in reading order, inside the block it was spoken
from (headline, subheading, byline or paragraph). What lies between two found pieces stays in the
text: punctuation and spaces join the sentence before, anything else becomes a sentence of its
own without a clip. All three formats (HTML, EPUB, DAISY) are built from this one model, so the
sentence ids and clips agree everywhere.

An edition in sections (版面) is also grouped: each `Group` holds the section's spoken opening
(its name and headlines) and its articles, so every format nests section > article.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
import uuid
from dataclasses import dataclass, replace

from ...edition import Article, Edition
from ...script.segment import Role
from ...timeline import Timeline, TimedSegment
from ...clock import to_ms


@dataclass(frozen=True)
class Clip:
    """Where a sentence is heard in the episode, in milliseconds."""

    begin_ms: int
    end_ms: int


@dataclass(frozen=True)
class Sentence:
    id: str
    """Unique in the edition, the same in every format, e.g. a03-s12."""
    text: str
    clip: Clip | None = None
    """None when the sentence is not spoken (e.g. an unspeakable string of dashes)."""


@dataclass(frozen=True)
class Block:
    """One printed unit: the headline, a subheading, the byline, a paragraph, the intro."""

    role: Role
    id: str
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Section:
    """An article, or the spoken intro / outro; one navigation point in every format."""

    id: str
    """a01, a02... for articles; intro, outro."""
    title: str
    article: int | None
    blocks: tuple[Block, ...]
    begin_ms: int | None
    """Where its chapter starts (headline cue included); None if nothing of it is heard."""
    end_ms: int | None

    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for b in self.blocks for s in b.sentences)

    def timed(self) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences() if s.clip)

    def blocks_of(self, *roles: Role) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role in roles)

    @property
    def heard_ms(self) -> int:
        """Sum of its clips (the overlay duration)."""
        return sum(clip.end_ms - clip.begin_ms for s in self.timed() if (clip := s.clip))


@dataclass(frozen=True)
class Group:
    """A section of the paper: its opening (a Section without article) and its articles."""

    id: str
    """s01, s02 ..."""
    title: str
    """The section's name, e.g. 要闻."""
    opening: Section
    articles: tuple[Section, ...]


@dataclass(frozen=True)
class ReadingEdition:
    title: str
    """Paper and date as a reader sees them, e.g. 太原日报 2021年6月27日."""
    paper: str
    date: dt.date | None
    sections: tuple[Section, ...]
    """In reading order: intro (if spoken), articles, outro (if spoken)."""
    duration_ms: int
    unplaced: tuple[str, ...] = ()
    """Spoken segments whose text was not found in the edition (kept out of the overlays)."""
    groups: tuple[Group, ...] = ()
    """The sections of an edition in sections, in order; empty for an edition without."""

    @property
    def articles(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.article is not None)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def heard_ms(self) -> int:
        return sum(s.heard_ms for s in self.sections)


def edition_title(edition: Edition) -> str:
    if edition.date is None:
        return edition.paper
    d = edition.date
    return f"{edition.paper} {d.year}年{d.month}月{d.day}日"


def book_identifier(reading: ReadingEdition) -> str:
    """Stable across runs of the same edition, so a re-published book replaces the old one."""
    key = f"audiobulletin:{reading.paper}:{reading.date.isoformat() if reading.date else reading.title}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def article_id(index: int) -> str:
    return f"a{index + 1:02d}"


def group_id(section: int) -> str:
    return f"s{section + 1:02d}"


def read_edition(edition: Edition, timeline: Timeline) -> ReadingEdition:
    """Align the timeline with the edition's text; see the module docstring."""
    duration_ms = to_ms(timeline.duration)
    by_article: dict[int, list[TimedSegment]] = {}
    framing: dict[Role, list[TimedSegment]] = {Role.INTRO: [], Role.OUTRO: []}
    openings: dict[int, list[TimedSegment]] = {}
    for timed in timeline.segments:
        if timed.article is not None:
            by_article.setdefault(timed.article, []).append(timed)
        elif timed.role is Role.SECTION and timed.segment.section is not None:
            openings.setdefault(timed.segment.section, []).append(timed)
        elif timed.role in framing:
            framing[timed.role].append(timed)

    unplaced: list[str] = []
    sections = []
    groups = []
    if framing[Role.INTRO]:
        sections.append(_framing_section("intro", "开场", Role.INTRO, framing[Role.INTRO], duration_ms))
    placed = {}
    for index, article in enumerate(edition.articles):
        section, missing = _article_section(index, article, by_article.get(index, []), duration_ms)
        chapter = next((c for c in timeline.chapters if c.article == index), None)
        if chapter is not None:
            section = replace(section, begin_ms=to_ms(chapter.start), end_ms=min(to_ms(chapter.end), duration_ms))
        placed[index] = section
        unplaced += missing
    if edition.sectioned:
        for number, printed in enumerate(edition.sections):
            gid = group_id(number)
            opening = _framing_section(gid, printed.title, Role.SECTION, openings.get(number, []), duration_ms)
            chapter = next((c for c in timeline.chapters if c.opens_section and c.section == number), None)
            if chapter is not None:
                opening = replace(opening, begin_ms=to_ms(chapter.start),
                                  end_ms=min(to_ms(chapter.end), duration_ms))
            articles = tuple(placed[i] for i in printed.articles)
            groups.append(Group(gid, printed.title, opening, articles))
            sections += [opening, *articles]
    else:
        sections += [placed[i] for i in range(len(edition.articles))]
    if framing[Role.OUTRO]:
        sections.append(_framing_section("outro", "结束语", Role.OUTRO, framing[Role.OUTRO], duration_ms))
    return ReadingEdition(
        title=edition_title(edition),
        paper=edition.paper,
        date=edition.date,
        sections=tuple(sections),
        duration_ms=duration_ms,
        unplaced=tuple(unplaced),
        groups=tuple(groups),
    )


def _clip(timed: TimedSegment, duration_ms: int) -> Clip | None:
    # the sentence with its pause: reading apps play clips back to back, and without the pauses
    # the sentences would run into each other
    begin, end = to_ms(timed.start), min(to_ms(timed.heard_until), duration_ms)
    return Clip(begin, end) if end > begin else None


def _span_of(sentences) -> tuple[int | None, int | None]:
    clips = [s.clip for s in sentences if s.clip]
    if not clips:
        return None, None
    return min(c.begin_ms for c in clips), max(c.end_ms for c in clips)


def _framing_section(sid: str, title: str, role: Role, timed: list[TimedSegment], duration_ms: int) -> Section:
    sentences = tuple(
        Sentence(f"{sid}-s{n}", t.segment.text, _clip(t, duration_ms)) for n, t in enumerate(timed, 1)
    )
    begin, end = _span_of(sentences)
    return Section(sid, title, None, (Block(role, f"{sid}-p1", sentences),), begin, end)


@dataclass
class _Found:
    """A piece of a block's text that was heard: [start, end) characters, and its clip."""

    start: int
    end: int
    clip: Clip
    whole_block: bool = False


def _article_section(
    index: int, article: Article, timed: list[TimedSegment], duration_ms: int
) -> tuple[Section, list[str]]:
    sid = article_id(index)
    layout: list[tuple[Role, str, str]] = [(Role.HEADLINE, f"{sid}-h", article.headline)]
    layout += [(Role.SUBHEADING, f"{sid}-sub{n}", t) for n, t in enumerate(article.subheadings, 1)]
    if article.byline:
        layout.append((Role.BYLINE, f"{sid}-by", article.byline))
    layout += [(Role.BODY, f"{sid}-p{n}", t) for n, t in enumerate(article.paragraphs, 1)]
    # photo captions are read after the body, and a trailing credit (（王晓明）) last
    layout += [(Role.BODY, f"{sid}-cap{n}", t) for n, t in enumerate(article.captions, 1)]
    if article.credit:
        layout.append((Role.BYLINE, f"{sid}-credit", article.credit))

    found: list[list[_Found]] = [[] for _ in layout]
    cursor_block, cursor_char = 0, 0
    missing: list[str] = []
    block: int | None  # the layout block a segment is heard in; None if in none
    for t in sorted(timed, key=lambda t: t.start):
        clip = _clip(t, duration_ms)
        wanted = t.segment.text.strip()
        if clip is None or not wanted:
            continue
        place = _find(layout, t.role, wanted, cursor_block, cursor_char)
        if place is not None:
            block, start, end = place
            found[block].append(_Found(start, end, clip))
            cursor_block, cursor_char = block, end
            continue
        # A spoken form of a heading line or byline ("记者赵继钊报道") times the printed line whole.
        block = _whole_block_target(layout, found, t.role, cursor_block)
        if block is None:
            missing.append(f"{sid}: spoken text not in the edition: {wanted!r}")
            continue
        if found[block]:
            last = found[block][-1]
            last.clip = Clip(min(last.clip.begin_ms, clip.begin_ms), max(last.clip.end_ms, clip.end_ms))
        else:
            found[block].append(_Found(0, len(layout[block][2]), clip, whole_block=True))
        cursor_block, cursor_char = block, len(layout[block][2])

    counter = itertools.count(1)
    blocks = tuple(
        Block(role, block_id, _cut(text, found[n], lambda: f"{sid}-s{next(counter)}"))
        for n, (role, block_id, text) in enumerate(layout)
    )
    begin_ms, end_ms = _span_of(s for b in blocks for s in b.sentences)
    return Section(sid, article.headline, index, blocks, begin_ms, end_ms), missing


def _find(layout, role: Role, wanted: str, cursor_block: int, cursor_char: int) -> tuple[int, int, int] | None:
    """(block, start, end) of the first place at or after the cursor, in a block of the segment's
    role, holding its text."""
    for n in range(cursor_block, len(layout)):
        block_role, _, text = layout[n]
        if block_role != role:
            continue
        start = cursor_char if n == cursor_block else 0
        at = text.find(wanted, start)
        if at >= 0:
            return n, at, at + len(wanted)
        # The script may have dropped spaces the printed text keeps (or the reverse).
        loose = re.compile(r"\s*".join(re.escape(ch) for ch in wanted if not ch.isspace()))
        match = loose.search(text, start)
        if match:
            return n, match.start(), match.end()
    return None


def _whole_block_target(layout, found, role: Role, cursor_block: int) -> int | None:
    if role not in (Role.HEADLINE, Role.SUBHEADING, Role.BYLINE):
        return None
    for n in range(cursor_block, len(layout)):
        if layout[n][0] != role:
            continue
        if not found[n] or (found[n][-1].whole_block and n == cursor_block):
            return n
    return None


def _is_filler(text: str) -> bool:
    """Only spaces and punctuation: belongs to the sentence next to it, not a sentence itself."""
    return all(unicodedata.category(ch)[0] in "PZC" or ch.isspace() for ch in text)


def _cut(text: str, found: list[_Found], new_id) -> tuple[Sentence, ...]:
    """Cut a block's text into sentences at the found pieces, keeping every character."""
    pieces: list[list] = []  # [text, clip]
    pos = 0
    pending = ""  # leading filler waiting for the first piece
    for f in found:
        gap = text[pos:f.start]
        if gap:
            if _is_filler(gap) and pieces:
                pieces[-1][0] += gap
            elif _is_filler(gap):
                pending += gap
            else:
                pieces.append([pending + gap, None])
                pending = ""
        pieces.append([pending + text[f.start:f.end], f.clip])
        pending = ""
        pos = f.end
    tail = pending + text[pos:]
    if tail:
        if _is_filler(tail) and pieces:
            pieces[-1][0] += tail
        else:
            pieces.append([tail, None])
    return tuple(Sentence(new_id(), piece, clip) for piece, clip in pieces)
