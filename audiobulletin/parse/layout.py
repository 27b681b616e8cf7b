"""Lines of a page export -> text blocks, with paragraphs cut by the page layout joined back.

A printed column often cuts a paragraph mid-word (树牢理 / 念、强化责任). Such a cut shows as a
block of body text that does not end a sentence, followed by more body text: join them without
a space. Headline lines also lack final punctuation, but they are short and carry no clause
punctuation, so they are never taken for a cut paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What may end a paragraph, before any closing quotes or brackets.
_SENTENCE_END = set("。！？!?…；;：:")
_CLOSERS = set("”’」』）)》〉】\"'")
_CLAUSE_MARKS = re.compile(r"[，,。；;！？!?]")
# A paragraph never starts with these: a line that does is the tail of a cut one.
_CANNOT_START = set("，,。、；;：:！？!?）)」』》”’…")
HEADLINE_MAX = 80
# Whitespace of any width, including the ideographic space used for indents.
_SPACE = re.compile(r"[\s\u3000\u00a0\ufeff]+")


@dataclass(frozen=True)
class Block:
    """A run of text that reads as one unit: a headline line or a (healed) paragraph."""

    text: str
    line: int
    """1-based source line where the block starts."""
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
    return len(text) <= HEADLINE_MAX and not ends_sentence(text) and not _CLAUSE_MARKS.search(text)


def _is_cut(block: str, following: str) -> bool:
    if following[0] in _CANNOT_START:
        return True
    if ends_sentence(block) or looks_like_headline(block):
        return False
    return not looks_like_headline(following)


def _join(a: str, b: str) -> str:
    # Chinese text joins without a space; two Latin words keep one.
    sep = " " if a[-1:].isascii() and a[-1:].isalpha() and b[:1].isascii() and b[:1].isalpha() else ""
    return a + sep + b


def blocks_of(text: str) -> list[Block]:
    """Split text into blocks (one per non-empty line) and heal layout cuts."""
    lines = [(n, clean_line(raw)) for n, raw in enumerate(text.splitlines(), start=1)]
    blocks: list[Block] = []
    for number, line in lines:
        if not line:
            continue
        if blocks and _is_cut(blocks[-1].text, line):
            last = blocks[-1]
            blocks[-1] = Block(_join(last.text, line), last.line, last.healed + 1)
        else:
            blocks.append(Block(line, number))
    return blocks
