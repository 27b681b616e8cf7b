"""A whole edition given as page files: `generate page01.txt page02.txt …`, or a folder of them.

Each file is one page (or a few), read like any edition file; its page header (第02版：综合)
names the page and its section. A file without one is the page its place in the list says
(the third file: page 03). The pages must be of one date and must not repeat a page number; a
page without any article (an advertisement page, a photo page without captions) is noted and
skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Sequence

from ..edition import Edition
from ..errors import InputError

EDITION_SUFFIXES = (".txt", ".json", ".text", ".htm", ".html")
"""What a folder of pages may hold (other files, and hidden ones, are not pages)."""


def page_files(paths: Sequence[Path]) -> list[Path]:
    """The files to read, in order: a folder stands for its edition files, sorted by name."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                            and p.suffix.lower() in EDITION_SUFFIXES)
            if not inside:
                raise InputError("holds no edition file (.txt or .json)", where=str(path),
                                 hint="give the page files, or a folder holding them")
            files += inside
        else:
            files.append(path)
    return files


def join_pages(pages: Sequence[tuple[Path, Edition | None]], *, paper: str, date: dt.date | None) -> Edition:
    """One edition from its pages in order; None for a page without an article (skipped)."""
    notes: list[str] = []
    articles = []
    seen: dict[str, Path] = {}
    dated: tuple[Path, dt.date] | None = None
    for number, (path, page) in enumerate(pages, start=1):
        if page is None:
            notes.append(f"{path.name}: no article found on this page, skipped")
            continue
        if page.date is not None:
            if dated is not None and page.date != dated[1]:
                raise InputError(f"pages of different dates: {dated[0].name} is {dated[1].isoformat()}, "
                                 f"{path.name} is {page.date.isoformat()}", where=str(path),
                                 hint="give the pages of one edition")
            dated = dated or (path, page.date)
        labels = dict.fromkeys(a.page for a in page.articles if a.page) or {f"{number:02d}": None}
        for label in labels:
            key = label.lstrip("0") or "0"
            if key in seen:
                raise InputError(f"page {label} is in both {seen[key].name} and {path.name}", where=str(path),
                                 hint="give each page once")
            seen[key] = path
        first = next(iter(labels))
        articles += [dataclasses.replace(a, page=a.page or first) for a in page.articles]
        notes += [f"{path.name}: {note}" for note in page.notes]
    if not articles:
        raise InputError("holds no recognisable article on any page", where=str(pages[0][0].parent),
                         hint="see README: Edition format")
    return Edition(paper=paper or next((p.paper for _, p in pages if p and p.paper), ""),
                   date=date or (dated[1] if dated else None), articles=tuple(articles),
                   source=", ".join(str(path) for path, _ in pages), notes=tuple(notes))
