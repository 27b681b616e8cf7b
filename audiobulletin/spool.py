"""Audio on disk instead of in memory: unnamed temporary files that nothing can leave behind.

A whole edition is hours of audio (a three-hour episode is 500 MB of 24 kHz 16-bit PCM, and
several times that as float arrays), so speech clips, the assembled episode and the broadcast
PCM live in files and are read back in blocks. Each file is created without a name (O_TMPFILE,
or unlinked at once where that is not supported): the system frees it when it is closed, or when
the process ends however it ends, Ctrl-C and `kill -9` included.

    with PcmFile(24000, folder) as pcm:
        pcm.append(samples)              # int16, from any thread
        block = pcm.read(0, 24000)       # the first second, int16
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import numpy as np

BLOCK_FRAMES = 1 << 20
"""Frames per block when a file is read through (44 s at 24 kHz: 2 MB of int16)."""


class SpoolFile:
    """Bytes appended to an unnamed temporary file and read back at any offset (thread-safe:
    positional reads and writes, appends under a lock)."""

    def __init__(self, folder: Path | str | None = None):
        self._file = tempfile.TemporaryFile(dir=folder)  # unnamed: nothing to clean up, ever
        self._fd = self._file.fileno()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._size

    def add(self, data) -> int:
        """Write `data` (bytes-like) at the end; returns the byte offset it starts at."""
        view = memoryview(data).cast("B")
        with self._lock:
            at = self._size
            written = 0
            while written < len(view):
                written += os.pwrite(self._fd, view[written:], at + written)
            self._size += len(view)
        return at

    def read_bytes(self, offset: int, length: int) -> bytes:
        chunks, got = [], 0
        while got < length:
            chunk = os.pread(self._fd, length - got, offset + got)
            if not chunk:
                raise EOFError(f"spool file ends at {offset + got}, wanted {offset + length}")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks) if len(chunks) != 1 else chunks[0]

    def copy_to(self, out, offset: int = 0, length: int | None = None, block: int = 1 << 22) -> None:
        """Write bytes [offset, offset + length) into the open binary file `out`."""
        end = self._size if length is None else offset + length
        while offset < end:
            chunk = self.read_bytes(offset, min(block, end - offset))
            out.write(chunk)
            offset += len(chunk)

    def sha256(self, offset: int = 0, length: int | None = None, block: int = 1 << 22) -> str:
        """Hex sha256 of bytes [offset, offset + length)."""
        import hashlib

        digest = hashlib.sha256()
        end = self._size if length is None else offset + length
        while offset < end:
            chunk = self.read_bytes(offset, min(block, end - offset))
            digest.update(chunk)
            offset += len(chunk)
        return digest.hexdigest()

    def close(self) -> None:
        self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PcmFile(SpoolFile):
    """Mono 16-bit little-endian PCM at `rate`, in an unnamed temporary file (see module doc)."""

    def __init__(self, rate: int, folder: Path | str | None = None):
        super().__init__(folder)
        self.rate = rate

    @classmethod
    def of(cls, samples: "np.ndarray", rate: int, folder: Path | str | None = None) -> "PcmFile":
        """A file holding `samples` (int16)."""
        pcm = cls(rate, folder)
        pcm.append(samples)
        return pcm

    @property
    def frames(self) -> int:
        return self.size // 2

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    def append(self, data) -> int:
        """Append int16 samples (an array or bytes); returns the frame they start at."""
        return self.add(data) // 2

    def read(self, start: int = 0, stop: int | None = None) -> "np.ndarray":
        """Frames [start, stop) as an int16 array (clipped to the file)."""
        import numpy as np

        stop = self.frames if stop is None else min(stop, self.frames)
        start = max(0, min(start, stop))
        return np.frombuffer(self.read_bytes(2 * start, 2 * (stop - start)), dtype="<i2")

    def blocks(self, start: int = 0, stop: int | None = None,
               size: int = BLOCK_FRAMES) -> Iterator[tuple[int, "np.ndarray"]]:
        """(first frame, int16 block) through [start, stop)."""
        stop = self.frames if stop is None else min(stop, self.frames)
        for at in range(start, stop, size):
            yield at, self.read(at, min(at + size, stop))
