"""Blocks -> articles: a run of headline lines opens an article; the byline is split off."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..edition import Article
from .layout import Block, looks_like_headline, tidy

# Datelines/bylines that open an article's first paragraph.
_BYLINE = re.compile(
    r"^(?P<byline>"
    r"本报讯(?:\s*[（(][^）)]{1,40}[）)])?"                       # 本报讯（记者 张三）
    r"|(?:新华社|中新社|人民日报)[^，。（(]{0,20}?电(?:\s*[（(][^）)]{1,40}[）)])?"  # 新华社北京6月26日电（记者 张三）
    r"|本报[^，。（(\s]{0,12}?(?:讯|电)(?:\s*[（(][^）)]{1,40}[）)])?"  # 本报太原6月26日讯
    r")\s*"
)
# Section heads inside an article: numbered or marked, never a new article.
_SECTION_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[■◆●▲★])")
_ROLE_WORDS = re.compile(r"(?:全媒体记者|见习记者|实习记者|特约记者|首席记者|记者|通讯员|实习生|摄影|摄)")


def reporters_in(byline: str) -> tuple[str, ...]:
    """Names inside the byline's brackets: （全媒体记者 赵继钊 殷雪鸢） -> (赵继钊, 殷雪鸢)."""
    inner = re.search(r"[（(]([^）)]*)[）)]", byline)
    if not inner:
        return ()
    names = re.split(r"[\s、，,　]+", _ROLE_WORDS.sub(" ", inner.group(1)))
    return tuple(n for n in names if n)


def split_byline(paragraph: str) -> tuple[str | None, str]:
    match = _BYLINE.match(paragraph)
    if not match:
        return None, paragraph
    return match.group("byline").strip(), paragraph[match.end():]


@dataclass
class _Draft:
    headlines: list[Block]
    paragraphs: list[str] = field(default_factory=list)
    byline: str | None = None

    def build(self) -> Article:
        head = [tidy(b.text) for b in self.headlines]
        return Article(headline=head[0], subheadings=tuple(head[1:]), byline=self.byline,
                       reporters=reporters_in(self.byline or ""),
                       paragraphs=tuple(self.paragraphs), line=self.headlines[0].line)


def articles_of(blocks: list[Block]) -> tuple[list[Article], list[Block]]:
    """Group blocks into articles. Returns the articles and the blocks before the first
    headline (nothing of an article, reported as dropped)."""
    drafts: list[_Draft] = []
    orphans: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        in_article = bool(drafts and drafts[-1].paragraphs)
        if looks_like_headline(block.text) and not (in_article and _SECTION_HEAD.match(block.text)):
            run = [block]
            while i + 1 < len(blocks) and looks_like_headline(blocks[i + 1].text):
                i += 1
                run.append(blocks[i])
            if drafts and not drafts[-1].paragraphs:
                drafts[-1].headlines.extend(run)  # headline lines split by an empty line
            else:
                drafts.append(_Draft(headlines=run))
        elif drafts:
            draft = drafts[-1]
            text = block.text
            if not draft.paragraphs and draft.byline is None:
                draft.byline, text = split_byline(text)
            text = tidy(text)
            if text:
                draft.paragraphs.append(text)
        else:
            orphans.append(block)
        i += 1
    articles = [d.build() for d in drafts if d.paragraphs]
    return articles, orphans
