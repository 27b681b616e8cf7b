"""Episode versions: each publication of a date lives in a folder named after its content.

    output/2021-06-27/3f2a9c1b/bulletin.mp3  transcript.vtt …  episode.json  radio/  accessible/

The name is the first 8 hex digits of a sha256 over the files at the top of the folder that a
listener gets (the MP3, the transcripts, the chapters; not `episode.json`). The same episode
keeps its name, so a rerun that changes nothing leaves every published byte as it was; a
corrected episode gets a new name, so podcast apps see a new enclosure URL under the same GUID
and download it again.

A version is built in a hidden folder inside the date's folder (the same depth, so relative links
made while building stay right), then renamed to its name: a name no feed points to yet. Older
versions of the date are removed only after the manifest and the feeds point away from them
(publication.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..atomic import SHARED_MARK, STAGING_MARK, fsync_dir, write_if_changed
from ..errors import PublishError

VERSION_LENGTH = 8
EPISODE_RECORD = "episode.json"
"""The episode's manifest record, kept inside its version folder: what `episodes recover`
rebuilds the manifest from."""
SOURCE_RECORD = ".source.json"
"""What a batch made the version from (hashes of the edition and of the settings): not content, so
not part of the name; hidden, so never served."""
_UNHASHED = {EPISODE_RECORD, SOURCE_RECORD}


def version_name(folder: Path) -> str:
    """The content name of a built version folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).iterdir() if p.is_file() and p.name not in _UNHASHED):
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:VERSION_LENGTH]


def looks_like_version(name: str) -> bool:
    return len(name) == VERSION_LENGTH and all(c in "0123456789abcdef" for c in name)


def is_date_folder(name: str) -> bool:
    try:
        return dt.date.fromisoformat(name).isoformat() == name
    except ValueError:
        return False


class StagedEpisode:
    """A version of one date being built; `place()` gives it its content name."""

    def __init__(self, path: Path, date_dir: Path, made_date_dir: bool):
        self.path, self.date_dir, self.made_date_dir = path, date_dir, made_date_dir
        self.version: str | None = None
        self.placed: Path | None = None
        self.fresh = False
        """Whether `place()` put this folder in (False: an identical version was already there)."""
        self.recorded = False
        """Set once the manifest names the placed version: from then on it stays, come what may."""

    @property
    def date(self) -> str:
        return self.date_dir.name

    def seal(self) -> str:
        """Name the version after its content: call it once every file at its top is written."""
        self.version = version_name(self.path)
        return self.version

    @property
    def published_folder(self) -> str:
        """Where the version is published, relative to the output folder (2021-06-27/3f2a9c1b)."""
        if self.version is None:
            raise ValueError("seal() the staged episode first")
        return f"{self.date}/{self.version}"

    def place(self) -> Path:
        """Rename the staged folder to its version in the date's folder. A version of that name
        already there holds the same MP3, transcripts and chapters: if it is complete it is kept as
        it is (its bytes, mtimes and ETags stay); if not, the staged files are moved into it one
        by one, each with a rename, so no file a feed names is ever missing."""
        if self.version is None:
            raise ValueError("seal() the staged episode first")
        target = self.date_dir / self.version
        try:
            if target.is_dir():
                if same_files(target, self.path):
                    write_if_changed(target / EPISODE_RECORD, (self.path / EPISODE_RECORD).read_bytes())
                else:
                    _move_files(self.path, target)
                self.placed, self.fresh = target, False
                return target
            os.chmod(self.path, 0o755)  # mkdtemp makes it private
            os.replace(self.path, target)
            fsync_dir(self.date_dir)
        except OSError as exc:
            raise PublishError(f"cannot place the episode folder {self.version}: {exc.strerror or exc}",
                               where=str(self.date_dir), hint="check free space and permissions") from None
        self.placed, self.fresh = target, True
        return target

    def discard(self) -> None:
        """Remove what this run added (staging, a version placed but never recorded, a date
        folder it created)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.placed is not None and self.fresh and not self.recorded:
            shutil.rmtree(self.placed, ignore_errors=True)
            self.placed = None
        if self.made_date_dir:
            with contextlib.suppress(OSError):
                self.date_dir.rmdir()  # only if empty


@contextlib.contextmanager
def staged_episode(out_dir: Path, date: dt.date) -> Iterator[StagedEpisode]:
    """A hidden folder in `out_dir/<date>/` to build a version in; removed at the end of the
    block unless it was placed (and everything this run added goes if the block fails)."""
    staged = open_staged_episode(out_dir, date)
    path = staged.path
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    else:
        shutil.rmtree(path, ignore_errors=True)  # gone already once placed


def open_staged_episode(out_dir: Path, date: dt.date, *, shared: bool = False) -> StagedEpisode:
    """`staged_episode` for work that spans more than one block: the caller publishes it or
    `.discard()`s it. `shared`: filled without holding the output lock (a batch masters in one
    task, publishes in another), so runs clearing leftovers leave it alone while it may be live."""
    date_dir = Path(out_dir) / date.isoformat()
    try:
        made = not date_dir.exists()
        date_dir.mkdir(parents=True, exist_ok=True)
        mark = f"{STAGING_MARK}{SHARED_MARK}" if shared else STAGING_MARK
        path = Path(tempfile.mkdtemp(prefix=f".new{mark}", dir=date_dir))
    except OSError as exc:
        raise PublishError(f"cannot create a folder for the episode: {exc.strerror or exc}",
                           where=str(date_dir), hint="check free space and permissions") from None
    return StagedEpisode(path, date_dir, made)


def _move_files(staged: Path, existing: Path) -> None:
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            twin = existing / path.relative_to(staged)
            twin.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path, 0o644)
            os.replace(path, twin)


def same_files(existing: Path, staged: Path) -> bool:
    """`existing` holds every file `staged` holds, with the same sizes (no file carries the
    clock: the same content gives the same bytes), and the same content name."""
    for path in staged.rglob("*"):
        if not path.is_file():
            continue
        twin = existing / path.relative_to(staged)
        if not twin.is_file():
            return False
        if path.name != EPISODE_RECORD and twin.stat().st_size != path.stat().st_size:
            return False
    return version_name(existing) == version_name(staged)


def remove_versions(date_dir: Path, keep: Iterable[str]) -> None:
    """Remove everything in a date's folder except the versions named in `keep` and hidden
    entries (another version being built). Files of the layout before versions lived directly
    in the date's folder: they go too once a version replaces them."""
    keep = set(keep)
    try:
        entries = list(Path(date_dir).iterdir())
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name in keep or entry.name.startswith("."):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PublishError(f"cannot remove the superseded {entry.name}: {exc.strerror or exc}",
                               where=str(date_dir)) from None
