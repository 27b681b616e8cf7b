"""The parsed edition: what the parse stage hands to every later stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    """One article as printed: headline block, optional byline, body paragraphs."""

    headline: str
    """Main headline, the first line of the headline block."""
    subheadings: tuple[str, ...] = ()
    """The other lines of the headline block (kicker, deck, "罗清宇主持"...), in order."""
    byline: str | None = None
    """The dateline/byline as printed, e.g. "本报讯（全媒体记者 赵继钊 殷雪鸢）"."""
    reporters: tuple[str, ...] = ()
    """Reporter names taken from the byline, for a natural spoken credit."""
    paragraphs: tuple[str, ...] = ()
    """Body paragraphs, layout breaks healed, byline removed from the first one."""
    captions: tuple[str, ...] = ()
    """Photo captions printed with the article (read after its body)."""
    credit: str | None = None
    """A credit printed at the article's end, e.g. （王晓明）."""
    line: int = 0
    """1-based line of the headline in the source file, for messages."""
    section: str | None = None
    """The page section it was printed in (要闻, 城事), from the page header; None if not known."""
    page: str | None = None
    """The page it was printed on, as labelled (A01, 02), when a page header says."""

    def __post_init__(self):
        if not self.headline.strip():
            raise ValueError("an article needs a headline")
        if not (self.paragraphs or self.captions):
            raise ValueError("an article needs body paragraphs or a photo caption")


@dataclass(frozen=True)
class Section:
    """A section of the paper (版面): a run of articles printed under one section name (要闻) or,
    without a name, on one page. An edition without page information is one unnamed section."""

    name: str | None
    """As printed in the page header: 要闻, 城事; None when only the page is known (or nothing)."""
    page: str | None
    """The section's first page as labelled (01, A01, 3), when known."""
    articles: tuple[int, ...]
    """Indices into Edition.articles, in reading order."""

    @property
    def title(self) -> str:
        """What listeners hear and see: the name, else the page (第3版), else 其他 (articles
        printed before any page header)."""
        if self.name:
            return self.name
        if self.page:
            return f"第{int(self.page)}版" if self.page.isdigit() else f"{self.page}版"
        return "其他"


@dataclass(frozen=True)
class Edition:
    """One day's paper."""

    paper: str
    """Name of the newspaper, e.g. 太原日报."""
    date: dt.date | None
    """Publication date, when known."""
    articles: tuple[Article, ...]
    source: str = ""
    """Where the text came from (a path), for messages."""
    notes: tuple[str, ...] = field(default=())
    """What the parser dropped or repaired (debris, healed breaks), for the review."""

    @property
    def sections(self) -> tuple[Section, ...]:
        """The articles grouped into sections, in order: a new section starts where the section
        name changes (or, for articles without one, the page); an article that says neither
        stays in the section before it."""
        groups: list[tuple[str | None, str | None, list[int]]] = []
        for index, article in enumerate(self.articles):
            key = article.section or (None if article.page is None else f"page {article.page}")
            if groups and (groups[-1][0] == key or key is None):
                groups[-1][2].append(index)
            else:
                groups.append((key, article.page, [index]))
        return tuple(Section(self.articles[ids[0]].section, page, tuple(ids)) for _, page, ids in groups)

    @property
    def sectioned(self) -> bool:
        """Whether the edition says what section or page its articles are in (then it is read
        and published section by section); an edition that says nothing reads as one run."""
        return any(a.section or a.page for a in self.articles)

    def section_of(self, article: int) -> int:
        """The index of the section holding `article`."""
        return next(k for k, s in enumerate(self.sections) if article in s.articles)

    def to_json(self) -> dict:
        return {
            "paper": self.paper,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "articles": [
                {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(a).items()}
                for a in self.articles
            ],
            "notes": list(self.notes),
        }
