"""Which editions a batch has to voice: dates, each title's edition file, and whether it is
already published with the same input and settings (the fingerprint beside the episode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from ..errors import InputError
from ..parse.pages import page_files
from ..publish.manifest import EpisodeRecord
from ..publish.versions import SOURCE_RECORD
from .catalogue import Title

COMMAND_TIMEOUT = 300
"""Seconds an edition command may take to print its edition."""


def date_range(text: str) -> tuple[dt.date, dt.date]:
    """"2021-06-01..2021-06-30" (both included) or one date; InputError (exit 2) if backwards."""
    first, sep, last = text.partition("..")
    try:
        start = dt.date.fromisoformat(first.strip())
        end = dt.date.fromisoformat(last.strip()) if sep else start
    except ValueError:
        raise InputError(f"{text!r} is not a date range like 2021-06-01..2021-06-30", where="--dates") from None
    if end < start:
        raise InputError(f"the range {text} runs backwards", where="--dates",
                         hint=f"write it earliest first: {end}..{start}")
    return start, end


def dates_in(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Found:
    """An edition: the files `generate` would read for it (one edition file, or its page files in
    page order), or the bytes a command printed; with what it is named by in messages."""

    where: str
    """Its file(s), or the command that printed it."""
    digest: str
    """sha256 of what it was made from (every file's bytes, in order)."""
    files: tuple[Path, ...] = ()
    data: bytes | None = None
    """What the command printed (None for files: they are read by the parse stage itself)."""


def find_edition(title: Title, date: dt.date) -> Found | None:
    """The title's edition for `date`; None if there is none (no file matches, or the command
    printed nothing). Several files (or a folder) matching are the pages of one edition, read the
    way `generate page01.txt page02.txt` reads them. InputError when a file cannot be read, or
    the command fails."""
    source = title.source
    if source.command:
        return _run_command(title, date)
    pattern = source.formatted(source.pattern, title.name, date)
    full = pattern if Path(pattern).is_absolute() else str(source.base / pattern)
    matches = sorted(Path(p) for p in glob.glob(full) if Path(p).is_file() or Path(p).is_dir())
    if not matches:
        return None
    files = tuple(page_files(matches))  # a folder stands for its page files, as in generate
    return Found(", ".join(map(str, files)) if len(files) <= 3 else f"{files[0]} … ({len(files)} files)",
                 _digest(files), files)


def _digest(files: Sequence[Path]) -> str:
    """One file: the sha256 of its bytes; pages: of each page's name and bytes, in order."""
    try:
        if len(files) == 1:
            return hashlib.sha256(files[0].read_bytes()).hexdigest()
        whole = hashlib.sha256()
        for file in files:
            whole.update(f"{file.name}\n{hashlib.sha256(file.read_bytes()).hexdigest()}\n".encode())
        return whole.hexdigest()
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", where=str(exc.filename or files[0])) from None


def _run_command(title: Title, date: dt.date) -> Found | None:
    args = [title.source.formatted(part, title.name, date) for part in title.source.command]
    shown = " ".join(args)
    try:
        done = subprocess.run(args, cwd=title.source.base, capture_output=True, timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise InputError(f"the edition command {args[0]!r} was not found", where=title.where) from None
    except subprocess.TimeoutExpired:
        raise InputError(f"the edition command took over {COMMAND_TIMEOUT} s: {shown}", where=title.where) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"the edition command exited with {done.returncode}: {shown}"
                         + (f" ({said[-1][:200]})" if said else ""), where=title.where)
    if not done.stdout.strip():
        return None
    return Found(shown, hashlib.sha256(done.stdout).hexdigest(), data=done.stdout)


@dataclass(frozen=True)
class Fingerprint:
    """What an episode was made from: the edition's bytes and the title's settings, hashed."""

    input: str
    settings: str

    def to_bytes(self) -> bytes:
        return json.dumps({"version": 1, **dataclasses.asdict(self)}, indent=2).encode() + b"\n"


def fingerprint(found: Found, settings: str) -> Fingerprint:
    return Fingerprint(found.digest, settings)


def published_fingerprint(records: Mapping[str, EpisodeRecord], out_dir: Path, date: dt.date) -> Fingerprint | None:
    """The fingerprint of the date's published version, if a batch published it and the manifest
    (`records`) still lists it in the feeds."""
    record = records.get(date.isoformat())
    if record is None or not record.live:
        return None
    try:
        raw = json.loads((Path(out_dir) / record.version_folder / SOURCE_RECORD).read_text(encoding="utf-8"))
        return Fingerprint(str(raw["input"]), str(raw["settings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
