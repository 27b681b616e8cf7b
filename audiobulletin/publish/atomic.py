"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one.

The new content goes to a temporary file in the same folder (same filesystem, so the rename is
atomic), is flushed and fsynced, then renamed over the target; the folder is fsynced so the rename
itself survives a power cut.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import PublishError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (str is written as UTF-8) atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with _staged(Path(path)) as handle:
        handle.write(payload)


def copy_atomic(source: Path, path: Path) -> None:
    """Replace `path` with a copy of `source` atomically (streamed, for audio files)."""
    try:
        reader = open(source, "rb")
    except OSError as exc:
        raise PublishError(f"cannot read {source}: {exc.strerror}", where=str(source)) from None
    with reader, _staged(Path(path)) as handle:
        shutil.copyfileobj(reader, handle, 1 << 20)


class _staged:
    """Context manager: a temp file next to `path`, renamed over it only if the block succeeds."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                             suffix=".tmp")
        except OSError as exc:
            raise _error(self.path, exc) from None
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, kind, exc, tb):
        try:
            if kind is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            self.handle.close()
            if kind is None:
                os.chmod(self.temp, 0o644)  # mkstemp makes 0600; published files are public
                os.replace(self.temp, self.path)
                _fsync_dir(self.path.parent)
        except OSError as error:
            _discard(self.temp)
            raise _error(self.path, error) from None
        if kind is not None:
            _discard(self.temp)
            if issubclass(kind, OSError):
                raise _error(self.path, exc) from None
        return False


def _error(path: Path, exc: OSError) -> PublishError:
    return PublishError(f"cannot write {path.name}: {exc.strerror or exc}", where=str(path.parent),
                        hint="check free space and permissions of the output folder")


def _discard(temp: str) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """`write_atomic` unless `path` already holds exactly `data` (keeps its mtime and ETag, which
    podcast apps and stations use to skip downloads). Returns whether it wrote."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if Path(path).read_bytes() == payload:
            return False
    except OSError:
        pass
    write_atomic(path, payload)
    return True
