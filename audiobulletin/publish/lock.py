"""One `generate` run per output folder at a time.

The lock is an OS advisory lock (flock) on `output/.audiobulletin.lock`, which holds the holder's
pid for the message. The kernel drops the lock when its process dies, so a lock file left by a
dead process is simply taken over; no stale-lock guessing from pids.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from ..errors import LockedError, PublishError

LOCK_NAME = ".audiobulletin.lock"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the lock on `out_dir` for the block; raise LockedError naming the holder's pid."""
    import fcntl

    out_dir = Path(out_dir)
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the output folder: {exc.strerror}", where=str(out_dir),
                           hint="check the path and the permissions of its parent, or choose another --out") from None
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # read-only folder or file system: nothing can be published there
            raise PublishError(f"cannot write in the output folder: {exc.strerror}", where=str(out_dir),
                               hint="make it writable for this user, or choose another --out") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise LockedError(
                f"another generate run (pid {holder or 'unknown'}) is writing this output folder",
                where=str(out_dir),
                hint="wait for it to finish, or use another --out",
            ) from None
        # The previous holder may have removed the file between our open and our flock: then we
        # locked an orphan inode and must start again on the file now at `path`.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # while still locked, so no one else holds this inode
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip() or 0) or None
    except (OSError, ValueError):
        return None
