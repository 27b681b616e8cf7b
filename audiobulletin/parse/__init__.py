"""Parse stage: an edition file -> Edition (articles with headlines, bylines, paragraphs)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..edition import Edition
from ..errors import InputError
from .articles import articles_of
from .decode import decode_edition
from .layout import blocks_of

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
    articles, orphans = articles_of(blocks)
    if not articles:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=source, hint="see README: Edition format")
    notes = [f"line {b.line}: text before the first headline was not read: {b.text[:30]}" for b in orphans]
    notes += [f"line {b.line}: joined {b.healed} layout break(s)" for b in blocks if b.healed]
    return Edition(paper=paper, date=date, articles=tuple(articles), source=source, notes=tuple(notes))


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
    return parse_text(text, paper=paper, date=date or date_from_name(path), source=where)
