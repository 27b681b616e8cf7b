"""Lines of a page export -> text blocks, with paragraphs cut by the page layout joined back.

A printed column often cuts a paragraph mid-word (树牢理 / 念、强化责任). Such a cut shows as a
block of body text that does not end a sentence, followed by more body text: join them without
a space. Headline lines also lack final punctuation, but they are short and carry no clause
punctuation, so they are never taken for a cut paragraph. Page furniture is dropped before
healing, captions and credits are set apart, so neither is ever glued to a paragraph; a cut
paragraph continues across the furniture of a page break.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .byline import starts_with_byline
from .captions import is_caption, is_photo_credit, split_caption
from .digests import is_digest_label
from .furniture import PageHeader, is_masthead, leftover, page_header, strip_inline, strip_markup
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
# A credit on its own line at an article's end: （王晓明） or （本报记者 赵丽）.
_CREDIT = re.compile(r"^[（(][^（）()]{1,30}[）)]$")


class Kind(enum.Enum):
    TEXT = "text"
    CAPTION = "caption"
    CREDIT = "credit"
    DEBRIS = "debris"
    """Never read: page furniture, CMS leftovers, a photo credit on its own line."""
    HEADER = "header"
    """A page header: never read, but its date, page and section are kept."""
    DIGEST = "digest"
    """A digest's label (短讯): never read; the items after it are articles."""


@dataclass(frozen=True)
class Block:
    """A run of text that reads as one unit: a headline line, a (healed) paragraph, a caption."""

    text: str
    line: int
    """1-based source line where the block starts."""
    kind: Kind = Kind.TEXT
    healed: int = 0
    """How many layout cuts were joined into this block."""
    why: str = ""
    """For a block that is not read: what it is ("page header", "editor credit")."""
    header: PageHeader | None = None
    removed: tuple[tuple[int, str, str], ...] = ()
    """Pieces of its lines that are not read: (line, what, as written), e.g. a photo credit."""

    @property
    def read(self) -> bool:
        return self.kind not in (Kind.DEBRIS, Kind.HEADER, Kind.DIGEST)


def clean_line(line: str) -> str:
    """Trim and collapse whitespace (spaces still separate names in a byline)."""
    return _SPACE.sub(" ", line).strip()


def tidy(text: str) -> str:
    """Drop spaces between CJK characters (justification debris); keep them between Latin words."""
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text) if " " in text else text


def tidy_heading(text: str) -> str:
    """A headline line keeps a space that separates two phrases (春播进度过半 良种覆盖率达98%): it is
    read as a short pause. Spaces that only spread the line (市 委 常 委 会) or set off Latin letters
    and digits (新增 5G 基站) go, as in body text."""
    tokens = text.split(" ")
    if len(tokens) == 1 or all(len(t) == 1 for t in tokens):
        return "".join(tokens)
    out = tokens[0]
    for left, right in zip(tokens, tokens[1:]):
        out += (" " if _separates_phrases(left, right) else "") + right
    return out


def _separates_phrases(left: str, right: str) -> bool:
    if left[-1].isascii() and right[0].isascii():
        return True  # Latin words keep their space
    if not left[-1].isascii() and not right[0].isascii():
        return True
    ascii_side = left if left[-1].isascii() else right
    return not ascii_side.isascii()  # 达98% 春播: a phrase ends; 新增 5G 基站: spacing around 5G


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


def classify(line: str, number: int) -> Block:
    """One cleaned line as a block: furniture and leftovers (not read, with what they are), a page
    header, a digest label, a credit, a caption (its photo credit split off), or text (CMS leftovers
    inside it removed)."""
    line, markup = strip_markup(line)
    header = page_header(line)
    if header is not None:
        return Block(line, number, Kind.HEADER, why="page header", header=header)
    why = leftover(line) or ("photo credit" if is_photo_credit(line) else None)
    if why:
        return Block(line, number, Kind.DEBRIS, why=why)
    if is_digest_label(line):
        return Block(line, number, Kind.DIGEST, why="digest label")
    if _CREDIT.match(line):
        return Block(line, number, Kind.CREDIT)
    if is_caption(line):
        caption, credit = split_caption(line)
        if not caption:
            return Block(line, number, Kind.DEBRIS, why="caption label")
        return Block(caption, number, Kind.CAPTION, removed=((number, "photo credit", credit),) if credit else ())
    text, removed = strip_inline(line)
    removed = markup + removed
    if not text:
        return Block(line, number, Kind.DEBRIS, why=removed[-1][0] if removed else "empty line")
    return Block(text, number, Kind.TEXT, removed=tuple((number, what, piece) for what, piece in removed))


def _mastheads(blocks: list[Block], paper: str) -> list[Block]:
    """A line that is only a paper's name, next to a page header (or the name of the paper being
    read), is the masthead: page furniture, never the lead headline."""
    out = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind is not Kind.TEXT or not is_masthead(block.text, paper):
            continue
        beside = [b for b in blocks[max(0, i - 1):i] + blocks[i + 1:i + 2]]
        if block.text == paper or any(b.kind is Kind.HEADER for b in beside):
            out[i] = Block(block.text, block.line, Kind.HEADER, why="page header", header=PageHeader())
    return out


def blocks_of(text: str, paper: str = "") -> list[Block]:
    """Split text into blocks (one per non-empty line), classify them, and heal layout cuts.
    Blocks that are not read are returned too (marked), so callers can report what was dropped."""
    blocks: list[Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = full_width(clean_line(raw))
        if not line:
            continue
        block = classify(line, number)
        # a paragraph cut by a page break continues after the page's furniture
        at = next((i for i in range(len(blocks) - 1, -1, -1)
                   if blocks[i].kind not in (Kind.DEBRIS, Kind.HEADER)), None)
        if block.kind is Kind.TEXT and at is not None and _is_cut(blocks[at], block.text):
            last = blocks[at]
            blocks[at] = Block(_join(last.text, block.text), last.line, Kind.TEXT, last.healed + 1,
                               removed=last.removed + block.removed)
        else:
            blocks.append(block)
    return _mastheads(blocks, paper)
