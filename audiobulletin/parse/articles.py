"""Blocks -> articles: a run of headline lines opens an article; the byline is split off."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..edition import Article
from .byline import reporters_of, split_byline, starts_with_byline
from .layout import Block, Kind, could_be_headline, looks_like_headline, tidy

# Section heads inside an article: numbered or marked, never a new article.
_SECTION_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[■◆●▲★])")


@dataclass
class _Draft:
    headlines: list[Block]
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: str | None = None
    credit: str | None = None

    def build(self) -> Article:
        head = [tidy(b.text) for b in self.headlines]
        return Article(headline=head[0], subheadings=tuple(head[1:]), byline=self.byline,
                       reporters=reporters_of(self.byline or "") or reporters_of(self.credit or ""),
                       paragraphs=tuple(self.paragraphs), captions=tuple(self.captions),
                       credit=self.credit, line=self.headlines[0].line)


def _headline_run(blocks: list[Block], i: int) -> int:
    """How many blocks from i form a headline block (0 if block i is not a headline)."""
    n = 0
    while i + n < len(blocks) and blocks[i + n].kind is Kind.TEXT:
        text = blocks[i + n].text
        following = next((b.text for b in blocks[i + n + 1:] if b.kind is Kind.TEXT), "")
        if looks_like_headline(text):
            n += 1
        elif could_be_headline(text) and (starts_with_byline(following) or looks_like_headline(following)):
            n += 1  # a headline with a comma, proven by what follows it
        else:
            break
    # a headline block must be followed by body text (a photo caption may come between)
    after = next((b for b in blocks[i + n:] if b.kind is not Kind.CAPTION), None)
    return n if n and after is not None and after.kind is Kind.TEXT else 0


def articles_of(blocks: list[Block]) -> tuple[list[Article], list[Block]]:
    """Group blocks into articles. Returns the articles and the blocks that belong to none
    (text before the first headline, page furniture), reported as dropped."""
    drafts: list[_Draft] = []
    dropped: list[Block] = [b for b in blocks if b.kind is Kind.DEBRIS]
    blocks = [b for b in blocks if b.kind is not Kind.DEBRIS]
    i = 0
    while i < len(blocks):
        block = blocks[i]
        in_article = bool(drafts and drafts[-1].paragraphs)
        run = 0 if (in_article and _SECTION_HEAD.match(block.text)) else _headline_run(blocks, i)
        if run:
            lines = blocks[i:i + run]
            if drafts and not drafts[-1].paragraphs:
                drafts[-1].headlines.extend(lines)  # headline lines split by other material
            else:
                drafts.append(_Draft(headlines=lines))
            i += run
            continue
        if not drafts:
            dropped.append(block)
        elif block.kind is Kind.CAPTION:
            drafts[-1].captions.append(tidy(block.text))
        elif block.kind is Kind.CREDIT and in_article:
            drafts[-1].credit = block.text
        else:
            draft = drafts[-1]
            text = block.text
            if not draft.paragraphs and draft.byline is None:
                draft.byline, text = split_byline(text)
            text = tidy(text)
            if text:
                draft.paragraphs.append(text)
        i += 1
    articles = [d.build() for d in drafts if d.paragraphs]
    return articles, sorted(dropped, key=lambda b: b.line)
