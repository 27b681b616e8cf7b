"""The day's edition in a drop folder: `generate /srv/editions/ --date today` from cron or a timer.

The newsroom's system drops each edition as a file named with its date (`taiyuan-2021-06-27.txt`,
or `.json`); hidden files and files still being written (`*.part`, `*.tmp`) are not editions. No
file for the date yet is `NoEditionError` (exit 9), so a scheduler can tell "try again later" from
a failure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import InputError, NoEditionError
from .parse import date_from_name

EDITION_SUFFIXES = (".txt", ".json")


def edition_for(folder: Path, date: dt.date) -> Path:
    """The one edition file in `folder` whose name carries `date` (YYYY-MM-DD)."""
    folder = Path(folder)
    try:
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                 and p.suffix.lower() in EDITION_SUFFIXES]
    except OSError as exc:
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", where=str(folder)) from None
    found = sorted(p for p in files if date_from_name(p) == date)
    if not found:
        raise NoEditionError(f"no edition for {date.isoformat()} yet", where=str(folder),
                             hint=f"an edition is a .txt or .json file with the date in its name, e.g. "
                                  f"edition-{date.isoformat()}.txt; exit 9 means: nothing to do, try later")
    if len(found) > 1:
        raise InputError(f"{len(found)} editions for {date.isoformat()}: {', '.join(p.name for p in found)}",
                         where=str(folder), hint="keep one file per date in the folder, or name the file")
    return found[0]
