"""The day's edition in a drop folder: `generate /srv/editions/ --date today` from cron or a timer.

The newsroom's system drops each edition as a file named with its date (`taiyuan-2021-06-27.txt`,
or `.json`), or a whole edition's page files in a folder named with its date (`2021-06-27/`);
hidden files and files still being written (`*.part`, `*.tmp`) are not editions. No edition for
the date yet is `NoEditionError` (exit 9), so a scheduler can tell "try again later" from a
failure. A folder where nothing is named with a date is not a drop folder: it holds the page
files of one edition.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import InputError, NoEditionError
from .parse import date_from_name

EDITION_SUFFIXES = (".txt", ".json")


def _entries(folder: Path) -> list[Path]:
    """The edition files and folders in `folder` (not hidden, not being written)."""
    try:
        return [p for p in Path(folder).iterdir() if not p.name.startswith(".")
                and (p.is_dir() or (p.is_file() and p.suffix.lower() in EDITION_SUFFIXES))]
    except OSError as exc:
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", where=str(folder)) from None


def is_drop_folder(folder: Path) -> bool:
    """Whether `folder` holds editions by date, or nothing yet (rather than the pages of one
    edition: edition files none of which is named with a date)."""
    entries = _entries(folder)
    return not entries or any(date_from_name(p) is not None for p in entries)


def edition_for(folder: Path, date: dt.date) -> Path:
    """The one edition file (or folder of page files) in `folder` whose name carries `date`
    (YYYY-MM-DD)."""
    folder = Path(folder)
    found = sorted(p for p in _entries(folder) if date_from_name(p) == date)
    if not found:
        raise NoEditionError(f"no edition for {date.isoformat()} yet", where=str(folder),
                             hint=f"an edition is a .txt or .json file with the date in its name, e.g. "
                                  f"edition-{date.isoformat()}.txt; exit 9 means: nothing to do, try later")
    if len(found) > 1:
        raise InputError(f"{len(found)} editions for {date.isoformat()}: {', '.join(p.name for p in found)}",
                         where=str(folder), hint="keep one file per date in the folder, or name the file")
    return found[0]
