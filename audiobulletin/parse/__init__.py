"""Parse stage: an edition file -> Edition (articles with headlines, bylines, paragraphs).

    edition = parse_edition(Path("2021-06-27.txt"), ParseOptions(paper="太原日报"))
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..edition import Edition
from ..errors import InputError
from .articles import articles_of
from .decode import decode_edition
from .layout import Block, blocks_of
from .structured import edition_from_json, looks_like_json


@dataclass(frozen=True)
class ParseOptions:
    """What the parse stage is told rather than reads from the file."""

    paper: str = ""
    """The newspaper's name (a JSON edition may name its own)."""
    date: dt.date | None = None
    """The edition's date; None: from the file (JSON field, file name, page header)."""
    require_date: bool = False
    """Refuse an edition whose date is nowhere to be found (publishing needs one)."""


def parse_edition(path: Path, options: ParseOptions = ParseOptions()) -> Edition:
    """The stage's entry: read and parse an edition file."""
    edition = parse_file(path, paper=options.paper, date=options.date)
    if options.require_date and edition.date is None:
        raise InputError("has no date in its name", where=str(path), hint="pass --date YYYY-MM-DD")
    return edition


_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_from_name(path: Path) -> dt.date | None:
    match = _DATE_IN_NAME.search(Path(path).name)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_text(text: str, *, paper: str = "", date: dt.date | None = None, source: str = "<text>") -> Edition:
    if not text.strip():
        raise InputError("is empty", where=source, hint="give the day's edition as plain text")
    blocks = blocks_of(text, paper)
    articles, dropped = articles_of(blocks)
    if not articles:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=source, hint="see README: Edition format")
    if date is None:
        date = next((b.header.date for b in blocks if b.header and b.header.date), None)
    return Edition(paper=paper, date=date, articles=tuple(articles), source=source,
                   notes=tuple(_notes(blocks, dropped)))


def _notes(blocks: list[Block], dropped: list[Block]) -> list[str]:
    """Every line or piece of a line not read, in file order, with what it is; then the repairs."""
    unread = [(b.line, f"{b.why or 'text outside any article'} not read: {b.text[:40]}") for b in dropped]
    unread += [(line, f"{what} not read: {piece[:40]}") for b in blocks if b.read for line, what, piece in b.removed]
    notes = [f"line {line}: {note}" for line, note in sorted(unread, key=lambda n: n[0])]
    return notes + [f"line {b.line}: joined {b.healed} layout break(s)" for b in blocks if b.healed]


def parse_file(path: Path, *, paper: str = "", date: dt.date | None = None) -> Edition:
    """Read and parse an edition file; the date defaults to one in the file name (YYYY-MM-DD)."""
    path = Path(path)
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not an edition file", where=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", where=where) from None
    text, _ = decode_edition(data, where)
    if looks_like_json(text):
        return edition_from_json(text, paper=paper, date=date or date_from_name(path), source=where)
    return parse_text(text, paper=paper, date=date or date_from_name(path), source=where)
