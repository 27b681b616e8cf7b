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

from ..cleantext import clean_text
from ..edition import Edition
from ..errors import ConfigError, InputError
from .articles import articles_of
from .dates import ANY_DATE, DateWindow
from .decode import decode_edition
from .layout import Block, blocks_of
from .pages import join_pages, page_files
from .structured import edition_from_json, looks_like_json


MAX_EDITION_BYTES = 1_000_000
"""An edition file larger than this is refused before it is read (setting max_edition_bytes): a
whole day's paper is 50-300 KB of text; 1 MB is some 330,000 characters, 17 hours of speech."""


@dataclass(frozen=True)
class ParseOptions:
    """What the parse stage is told rather than reads from the file."""

    paper: str = ""
    """The newspaper's name (a JSON edition may name its own)."""
    date: dt.date | None = None
    """The edition's date (from --date); None: from the file (JSON field, file name, page header)."""
    require_date: bool = False
    """Refuse an edition whose date is nowhere to be found (publishing needs one)."""
    dates: DateWindow = ANY_DATE
    """Dates an edition may have; any other is refused, naming where it came from."""
    max_bytes: int = MAX_EDITION_BYTES
    """Largest edition file read."""

    def __post_init__(self):
        if self.max_bytes < 1:
            raise ConfigError(f"max_edition_bytes must be >= 1, got {self.max_bytes}", setting="max_edition_bytes")
        self.dates.check(self.date, "--date")


def parse_edition(path: Path | Sequence[Path], options: ParseOptions = ParseOptions()) -> Edition:
    """The stage's entry: read and parse an edition file, or the page files (or folder of
    them) of one edition, in page order (pages.py)."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if not paths:
        raise InputError("no edition file given", hint="give the edition file, its page files or their folder")
    files = page_files(paths)
    if len(files) == 1:
        edition = parse_file(files[0], paper=options.paper, date=options.date, dates=options.dates,
                             max_bytes=options.max_bytes)
    else:
        pages = [(file, parse_file(file, paper=options.paper, dates=options.dates, max_bytes=options.max_bytes,
                                   allow_empty=True)) for file in files]
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


def parse_text(text: str, *, paper: str = "", date: dt.date | None = None, source: str = "<text>",
               dates: DateWindow = ANY_DATE) -> Edition:
    edition = _parse_text(text, paper=paper, date=date, source=source, dates=dates)
    if edition is None:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=source, hint="see README: Edition format")
    return edition


def _parse_text(text: str, *, paper: str, date: dt.date | None, source: str,
                dates: DateWindow = ANY_DATE) -> Edition | None:
    """The edition in `text`, or None if it holds no article."""
    text, cleaned = clean_text(text)
    if not text.strip():
        raise InputError("is empty", where=source, hint="give the day's edition as plain text")
    blocks = blocks_of(text, paper)
    articles, dropped = articles_of(blocks)
    if not articles:
        return None
    notes = list(cleaned) + _notes(blocks, dropped)
    if date is None:
        found = next(((b, b.header.date) for b in blocks if b.header and b.header.date), None)
        if found:
            date = dates.check(found[1], f"{source}:{found[0].line} (the date in a page header)")
    return Edition(paper=paper, date=date, articles=tuple(articles), source=source, notes=tuple(notes))


def _notes(blocks: list[Block], dropped: list[Block]) -> list[str]:
    """Every line or piece of a line not read, in file order, with what it is; then the repairs."""
    unread = [(b.line, f"{b.why or 'text outside any article'} not read: {b.text[:40]}") for b in dropped]
    unread += [(line, f"{what} not read: {piece[:40]}") for b in blocks if b.read for line, what, piece in b.removed]
    notes = [f"line {line}: {note}" for line, note in sorted(unread, key=lambda n: n[0])]
    return notes + [f"line {b.line}: joined {b.healed} layout break(s)" for b in blocks if b.healed]


@overload
def parse_file(path: Path, *, paper: str = "", date: dt.date | None = None, dates: DateWindow = ANY_DATE,
               max_bytes: int = MAX_EDITION_BYTES) -> Edition: ...
@overload
def parse_file(path: Path, *, paper: str = "", date: dt.date | None = None, dates: DateWindow = ANY_DATE,
               max_bytes: int = MAX_EDITION_BYTES, allow_empty: bool) -> Edition | None: ...


def parse_file(path, *, paper="", date=None, dates=ANY_DATE, max_bytes=MAX_EDITION_BYTES, allow_empty=False):
    """Read and parse an edition file; the date defaults to one in the file name (YYYY-MM-DD).
    With `allow_empty`, a text file without any article gives None (a page of pictures)."""
    path = Path(path)
    where = str(path)
    try:
        with open(path, "rb") as handle:  # never more than the limit in memory, even from a pipe
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file", where=where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not an edition file", where=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", where=where) from None
    date = date or dates.check(date_from_name(path), f"{where} (the date in its name)")
    return _parse_bytes(data, paper=paper, date=date, dates=dates, max_bytes=max_bytes, where=where,
                        allow_empty=allow_empty)


def parse_data(data: bytes, options: ParseOptions, *, source: str) -> Edition:
    """`parse_edition` for an edition already read (e.g. printed by a command); `source` names it
    in messages."""
    edition = _parse_bytes(data, paper=options.paper, date=options.date, dates=options.dates,
                           max_bytes=options.max_bytes, where=source)
    assert edition is not None  # allow_empty is off: no article is an InputError
    if options.require_date and edition.date is None:
        raise InputError("has no date", where=source, hint="give the edition's date")
    return edition


def _parse_bytes(data: bytes, *, paper: str, date: dt.date | None, dates: DateWindow, max_bytes: int,
                 where: str, allow_empty: bool = False) -> Edition | None:
    if len(data) > max_bytes:
        raise InputError(f"is larger than the {max_bytes:,} bytes an edition may have", where=where,
                         hint="is this the day's edition? If it is, raise max_edition_bytes in the config")
    text, _ = decode_edition(data, where)
    if looks_like_json(text):
        return edition_from_json(text, paper=paper, date=date, source=where, dates=dates)
    edition = _parse_text(text, paper=paper, date=date, source=where, dates=dates)
    if edition is None and not allow_empty:
        raise InputError("holds no recognisable article (a headline line followed by body paragraphs)",
                         where=where, hint="see README: Edition format")
    return edition


__all__ = ["DateWindow", "MAX_EDITION_BYTES", "ParseOptions", "date_from_name", "parse_data", "parse_edition",
           "parse_file", "parse_text"]
