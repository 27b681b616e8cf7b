"""Lines of a page export -> text blocks, with paragraphs cut by the page layout joined back.

A printed column often cuts a paragraph mid-word (树牢理 / 念、强化责任). Such a cut shows as a
block of body text that does not end a sentence, followed by more body text: join them without
a space. Headline lines also lack final punctuation, but they are short and carry no clause
punctuation, so they are never taken for a cut paragraph. Page furniture is dropped before
healing, captions and credits are set apart, so neither is ever glued to a paragraph.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .byline import starts_with_byline
from .debris import is_caption, is_credit, is_debris
from .punctuation import full_width

# What may end a paragraph, before any closing quotes or brackets.
_SENTENCE_END = set("。！？!?…；;：:")
_CLOSERS = set("”’」』）)》〉】\"'")
_CLAUSE_MARKS = re.compile(r"[，,。；;！？!?]")
# A paragraph never starts with these: a line that does is the tail of a cut one.
_CANNOT_START = set("，,。、；;：:！？!?）)」』》”’…")
HEADLINE_MAX = 80
SHORT_HEADLINE_MAX = 40
# Whitespace of any width, including the ideographic space used for indents.
_SPACE = re.compile(r"[\s\u3000\u00a0\ufeff]+")


class Kind(enum.Enum):
    TEXT = "text"
    CAPTION = "caption"
    CREDIT = "credit"
    DEBRIS = "debris"


@dataclass(frozen=True)
class Block:
    """A run of text that reads as one unit: a headline line, a (healed) paragraph, a caption."""

    text: str
    line: int
    """1-based source line where the block starts."""
    kind: Kind = Kind.TEXT
    healed: int = 0
    """How many layout cuts were joined into this block."""


def clean_line(line: str) -> str:
    """Trim and collapse whitespace (spaces still separate names in a byline)."""
    return _SPACE.sub(" ", line).strip()


def tidy(text: str) -> str:
    """Drop spaces between CJK characters (justification debris); keep them between Latin words."""
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text) if " " in text else text


def ends_sentence(text: str) -> bool:
    body = text.rstrip("".join(_CLOSERS))
    return bool(body) and body[-1] in _SENTENCE_END


def looks_like_headline(text: str) -> bool:
    """Short, no clause punctuation inside, no final punctuation: a headline-block line."""
    return (len(text) <= HEADLINE_MAX and not ends_sentence(text) and not _CLAUSE_MARKS.search(text)
            and not starts_with_byline(text))


def could_be_headline(text: str) -> bool:
    """A short line without final punctuation that may still be a headline if a byline or
    another headline line follows (稳字当头，进字为先)."""
    return len(text) <= SHORT_HEADLINE_MAX and not ends_sentence(text) and not starts_with_byline(text)


def _is_cut(block: Block, following: str) -> bool:
    if block.kind is not Kind.TEXT:
        return False
    if following[0] in _CANNOT_START:
        return True
    if ends_sentence(block.text) or looks_like_headline(block.text) or starts_with_byline(following):
        return False
    return not looks_like_headline(following)


def _join(a: str, b: str) -> str:
    # Chinese text joins without a space; two Latin words keep one.
    sep = " " if a[-1:].isascii() and a[-1:].isalpha() and b[:1].isascii() and b[:1].isalpha() else ""
    return a + sep + b


def _kind(line: str) -> Kind:
    if is_debris(line):
        return Kind.DEBRIS
    if is_credit(line):
        return Kind.CREDIT
    if is_caption(line):
        return Kind.CAPTION
    return Kind.TEXT


def blocks_of(text: str) -> list[Block]:
    """Split text into blocks (one per non-empty line), classify them, and heal layout cuts.
    Debris blocks are returned too (marked), so callers can report what was dropped."""
    blocks: list[Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = full_width(clean_line(raw))
        if not line:
            continue
        kind = _kind(line)
        # a paragraph cut by a page break continues after the page's furniture
        at = next((i for i in range(len(blocks) - 1, -1, -1) if blocks[i].kind is not Kind.DEBRIS), None)
        if kind is Kind.TEXT and at is not None and _is_cut(blocks[at], line):
            last = blocks[at]
            blocks[at] = Block(_join(last.text, line), last.line, Kind.TEXT, last.healed + 1)
        else:
            blocks.append(Block(line, number, kind))
    return blocks
