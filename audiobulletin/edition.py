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
