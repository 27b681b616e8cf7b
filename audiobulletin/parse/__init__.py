"""Parse stage: an edition file -> Edition (articles with headlines, bylines, paragraphs).

    edition = parse_edition(Path("2021-06-27.txt"), ParseOptions(paper="太原日报"))
    edition = parse_edition([Path("page01.txt"), Path("page02.txt")], options)   # page files
    edition.sections                     # 要闻, 综合 ... with their articles
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, overload

from ..edition import Edition
from ..errors import InputError
from .articles import articles_of
from .decode import decode_edition
from .layout import Block, blocks_of
from .pages import join_pages, page_files
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


def parse_edition(path: Path | Sequence[Path], options: ParseOptions = ParseOptions()) -> Edition:
    """The stage's entry: read and parse an edition file, or the page files (or folder of
    them) of one edition, in page order (pages.py)."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if not paths:
        raise InputError("no edition file given", hint="give the edition file, its page files or their folder")
    files = page_files(paths)
    if len(files) == 1:
        edition = parse_file(files[0], paper=options.paper, date=options.date)
    else:
        pages = [(file, parse_file(file, paper=options.paper, allow_empty=True)) for file in files]
        edition = join_pages(pages, paper=options.paper, date=options.date)
    if options.require_date and edition.date is None:
        raise InputError("has no date in its name", where=str(files[0]), hint="pass --date YYYY-MM-DD")
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
    edition = _parse_text(text, paper=paper, date=date, source=source)
    if edition is None:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=source, hint="see README: Edition format")
    return edition


def _parse_text(text: str, *, paper: str, date: dt.date | None, source: str) -> Edition | None:
    """The edition in `text`, or None if it holds no article."""
    if not text.strip():
        raise InputError("is empty", where=source, hint="give the day's edition as plain text")
    blocks = blocks_of(text, paper)
    articles, dropped = articles_of(blocks)
    if not articles:
        return None
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


@overload
def parse_file(path: Path, *, paper: str = "", date: dt.date | None = None) -> Edition: ...
@overload
def parse_file(path: Path, *, paper: str = "", date: dt.date | None = None,
               allow_empty: bool) -> Edition | None: ...


def parse_file(path, *, paper="", date=None, allow_empty=False):
    """Read and parse an edition file; the date defaults to one in the file name (YYYY-MM-DD).
    With `allow_empty`, a text file without any article gives None (a page of pictures)."""
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
    edition = _parse_text(text, paper=paper, date=date or date_from_name(path), source=where)
    if edition is None and not allow_empty:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=where, hint="see README: Edition format")
    return edition
