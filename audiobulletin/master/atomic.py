"""Writing a deliverable so that readers see the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import AudioError


def scratch_path(target: Path, label: str) -> Path:
    """A fresh hidden file next to `target` (same file system, so a rename is atomic)."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".{label}")
    os.close(fd)
    return Path(name)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it is flushed, fsynced and renamed over `target`.

    On any error the temporary file is removed and `target` is left as it was.
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise AudioError("output folder does not exist", where=str(target.parent),
                         hint="create it or pass another --out")
    temp = scratch_path(target, "tmp")
    try:
        with open(temp, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        remove_quietly(temp)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    # make the rename itself durable; some file systems refuse fsync on a directory
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
