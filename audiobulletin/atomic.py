"""Publish files and folders whole or not at all: build them beside the target, fsync files, rename."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import AudioBulletinError, PublishError


@contextlib.contextmanager
def atomic_path(target: Path, *, error: type[AudioBulletinError] = PublishError) -> Iterator[Path]:
    """Yield a temp path next to `target`; on success it replaces `target` in one rename,
    on failure it is removed and `target` is untouched. OS errors become `error` (PublishError;
    mastering passes AudioError)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = scratch_path(target, "part")
    except OSError as exc:
        raise write_error(target, exc, error) from None
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise write_error(target, exc, error) from None
    finally:
        tmp_path.unlink(missing_ok=True)


STAGING_MARK = ".staging-"
"""In the name of every folder being built beside its target: `.<target>.staging-<random>`."""
SHARED_MARK = "shared-"
"""After STAGING_MARK in the name of a folder staged without holding the output folder's lock (a
batch masters an edition in one task and publishes it, under the lock, in another)."""
SHARED_STALE_SECONDS = 6 * 3600
"""Until this old, a shared staged folder may belong to a live batch: `remove_leftovers` keeps it."""


class StagedFolder:
    """A folder built beside its target and swapped in whole (see `staged_folder`)."""

    def __init__(self, path: Path, target: Path, error: type[AudioBulletinError]):
        self.path, self.target, self.error = path, target, error
        self.committed = False

    def commit(self) -> None:
        """Replace `target` by the staged folder with renames only; the old folder goes last.
        Between the two renames `target` is briefly absent, never half-written."""
        old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
        try:
            os.chmod(self.path, 0o755)  # mkdtemp makes it private
            if self.target.exists():
                os.replace(self.target, old)
            os.replace(self.path, self.target)
        except OSError as exc:
            raise write_error(self.target, exc, self.error) from None
        self.committed = True
        shutil.rmtree(old, ignore_errors=True)
        fsync_dir(self.target.parent)


@contextlib.contextmanager
def staged_folder(target: Path, *, error: type[AudioBulletinError] = PublishError,
                  commit: bool = False) -> Iterator[StagedFolder]:
    """An empty hidden sibling of the folder `target` to fill. It replaces `target` when
    `.commit()` is called (or, with commit=True, when the block ends without an error); otherwise
    it is removed, and `target` is as it was."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING_MARK}", dir=target.parent))
    except OSError as exc:
        raise write_error(target, exc, error) from None
    staged = StagedFolder(path, target, error)
    try:
        try:
            yield staged
        except OSError as exc:  # filling it failed: the disk, not a bug
            raise write_error(target, exc, error) from None
        if commit and not staged.committed:
            staged.commit()
    finally:
        if not staged.committed:
            shutil.rmtree(path, ignore_errors=True)


def scratch_path(target: Path, suffix: str) -> Path:
    """A new empty hidden file next to `target` (same file system, so it can be renamed over it);
    the caller removes it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(target).name}.", suffix=f".{suffix}", dir=Path(target).parent)
    os.close(fd)
    return Path(tmp)


_SCRATCH_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.part\d*")
"""scratch_path's names (mkstemp's 8 random characters), as atomic_path and mastering use them."""
_OLD_NAME = re.compile(r"\.(?P<target>.+)\.old-\d+")
"""Where StagedFolder.commit parks the folder it replaces, for the moment between two renames."""


def live_shared(path: Path) -> bool:
    """Whether `path` is a shared staged folder young enough to belong to a live batch."""
    import time

    if SHARED_MARK not in path.name or STAGING_MARK not in path.name:
        return False
    try:
        return time.time() - path.stat().st_mtime < SHARED_STALE_SECONDS
    except OSError:
        return False


def remove_leftovers(folder: Path) -> list[Path]:
    """Clear what killed runs left in `folder` and below: staged folders, scratch files, and a
    replaced folder parked by a commit that died between its two renames (put back if its target
    is missing, else removed). Returns what was removed or put back.

    A live run's scratch names look the same: call this only holding the folder's output lock.
    Shared staged folders (a batch's, filled outside the lock) are left alone, with everything in
    them, until they are SHARED_STALE_SECONDS old."""
    handled: list[Path] = []
    for parent, dirs, files in os.walk(folder):
        here = Path(parent)
        for name in list(dirs):
            path, old = here / name, _OLD_NAME.fullmatch(name)
            if name.startswith(".") and STAGING_MARK in name:
                dirs.remove(name)
                if live_shared(path):
                    continue
                shutil.rmtree(path, ignore_errors=True)
            elif old:
                dirs.remove(name)
                target = here / old["target"]
                if os.path.lexists(target):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.replace(path, target)
            else:
                continue
            if not path.exists():
                handled.append(path)
        for name in files:
            if _SCRATCH_NAME.fullmatch(name):
                with contextlib.suppress(OSError):
                    (here / name).unlink()
                    handled.append(here / name)
    return handled


def write_atomic(target: Path, data: bytes | str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def write_if_changed(target: Path, data: bytes | str) -> bool:
    """`write_atomic` unless `target` already holds exactly `data`: its mtime and ETag stay, so
    podcast apps and stations polling it skip the download. Returns whether it wrote."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with contextlib.suppress(OSError):
        if Path(target).read_bytes() == payload:
            return False
    write_atomic(target, payload)
    return True


def write_error(target: Path, exc: OSError, error: type[AudioBulletinError] = PublishError) -> AudioBulletinError:
    return error(f"cannot write {target.name}: {exc.strerror or exc}", where=str(target.parent),
                 hint="check free space and permissions of the output folder")


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
