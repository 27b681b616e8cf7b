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
from .debris import date_in_header
from .layout import Kind, blocks_of
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
    blocks = blocks_of(text)
    articles, dropped = articles_of(blocks)
    if not articles:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=source, hint="see README: Edition format")
    notes = [f"line {b.line}: {'page furniture' if b.kind is Kind.DEBRIS else 'text outside any article'}"
             f" not read: {b.text[:40]}" for b in dropped]
    notes += [f"line {b.line}: joined {b.healed} layout break(s)" for b in blocks if b.healed]
    if date is None:
        date = next((d for b in blocks if b.kind is Kind.DEBRIS for d in [_header_date(b.text)] if d), None)
    return Edition(paper=paper, date=date, articles=tuple(articles), source=source, notes=tuple(notes))


def _header_date(line: str) -> dt.date | None:
    found = date_in_header(line)
    try:
        return dt.date(*found) if found else None
    except ValueError:
        return None


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
