"""Blocks -> articles: a run of headline lines opens an article; the byline is split off.

Page headers set the section (and page) of the articles after them. A digest's label is not read;
each of its items becomes a short article (its own headline line, or its bold lead-in). A headline
followed only by a photo caption is a photo story: an article with a caption and no body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..edition import Article
from .byline import reporters_of, split_byline, starts_with_byline
from .digests import lead_in
from .furniture import PageHeader
from .layout import Block, Kind, could_be_headline, looks_like_headline, tidy, tidy_heading

# Section heads inside an article: numbered or marked, never a new article.
_SECTION_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[■◆●▲★])")


@dataclass
class _Draft:
    headlines: list[Block]
    page: PageHeader
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: str | None = None
    credit: str | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.paragraphs or self.captions)

    def add_paragraph(self, text: str) -> None:
        if not self.paragraphs and self.byline is None:
            self.byline, text = split_byline(text)
        text = tidy(text)
        if text:
            self.paragraphs.append(text)

    def build(self) -> Article:
        head = [tidy_heading(b.text) for b in self.headlines]
        return Article(headline=head[0], subheadings=tuple(head[1:]), byline=self.byline,
                       reporters=reporters_of(self.byline or "") or reporters_of(self.credit or ""),
                       paragraphs=tuple(self.paragraphs),
                       captions=tuple(dict.fromkeys(self.captions)),  # a caption printed twice is read once
                       credit=self.credit, line=self.headlines[0].line,
                       section=self.page.section, page=self.page.page)


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
    if not n or i + n == len(blocks):
        return 0
    # a headline block is followed by body text, or by a photo caption (before the body, or a
    # photo story's only text)
    after = next((b for b in blocks[i + n:] if b.kind is not Kind.CAPTION), None)
    return n if blocks[i + n].kind is Kind.CAPTION or (after is not None and after.kind is Kind.TEXT) else 0


def _page_of(blocks: list[Block]) -> tuple[list[tuple[Block, PageHeader]], list[Block]]:
    """The blocks that are read, each with the page header in force; and the blocks not read."""
    current = PageHeader()
    kept, dropped = [], []
    for block in blocks:
        if block.kind is Kind.HEADER and block.header is not None:
            new = block.header
            same_page = new.page is None or new.page == current.page
            current = PageHeader(date=None, page=new.page or current.page,
                                 section=new.section or (current.section if same_page else None))
        if block.read:
            kept.append((block, current))
        elif block.kind is not Kind.DIGEST:
            dropped.append(block)
    return kept, dropped


def articles_of(blocks: list[Block]) -> tuple[list[Article], list[Block]]:
    """Group blocks into articles. Returns the articles and the blocks that are not read (page
    furniture, digest labels, text before the first headline, a headline with nothing after it)."""
    kept, dropped = _page_of(blocks)
    labels = [b for b in blocks if b.kind is Kind.DIGEST]
    # a digest label ends the article before it and starts a run of items
    digest_starts = {id(b) for b in _after_labels(blocks)}
    flat = [b for b, _ in kept]
    pages = [p for _, p in kept]
    drafts: list[_Draft] = []
    in_digest = closed = False
    i = 0
    while i < len(flat):
        block, page = flat[i], pages[i]
        if id(block) in digest_starts:
            in_digest = closed = True
        item = lead_in(block.text) if in_digest and block.kind is Kind.TEXT else None
        if item:
            drafts.append(_Draft([Block(item[0], block.line)], page))
            drafts[-1].add_paragraph(item[1])
            closed = False
            i += 1
            continue
        in_article = bool(drafts and drafts[-1].paragraphs) and not closed
        run = 0 if (in_article and _SECTION_HEAD.match(block.text)) else _headline_run(flat, i)
        if run:
            lines = flat[i:i + run]
            if drafts and not drafts[-1].has_content and not closed:
                drafts[-1].headlines.extend(lines)  # headline lines split by other material
            else:
                drafts.append(_Draft(list(lines), page))
            in_digest = closed = False
            i += run
            continue
        if not drafts:
            dropped.append(block)
        elif block.kind is Kind.CAPTION:
            drafts[-1].captions.append(block.text)
        elif block.kind is Kind.CREDIT and in_article:
            drafts[-1].credit = block.text
        else:
            drafts[-1].add_paragraph(block.text)
        i += 1
    articles = [d.build() for d in drafts if d.has_content]
    dropped += [h for d in drafts if not d.has_content for h in d.headlines]
    return articles, sorted(dropped + labels, key=lambda b: b.line)


def _after_labels(blocks: list[Block]) -> list[Block]:
    """The first block read after each digest label."""
    out, waiting = [], False
    for block in blocks:
        if block.kind is Kind.DIGEST:
            waiting = True
        elif waiting and block.read:
            out.append(block)
            waiting = False
    return out
