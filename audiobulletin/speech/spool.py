"""Clips on disk: the speech of a whole edition (hours of it) is not held in memory.

    clips = ClipSpool(folder)        # a MutableMapping: segment index -> Clip
    clips[7] = clip                  # the PCM goes to an unnamed file at once
    clips[7].pcm                     # read back when assembly needs it

Results arrive in any order (workers, the fallback holding whole articles); assembly takes them
in reading order, so the ones that arrive early wait here, on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, MutableMapping

from ..spool import SpoolFile
from .voice import Clip


@dataclass(frozen=True)
class _Entry:
    offset: int
    length: int
    sample_rate: int
    engine: str
    skipped: tuple[str, ...]
    cached: bool


class ClipSpool(MutableMapping[int, Clip]):
    """Segment index -> Clip, the PCM kept in an unnamed temporary file in `folder` (see
    audiobulletin.spool). Close it (or use it as a context manager) when done."""

    def __init__(self, folder: Path | str | None = None):
        self._file = SpoolFile(folder)
        self._entries: dict[int, _Entry] = {}

    def __setitem__(self, index: int, clip: Clip) -> None:
        offset = self._file.add(clip.pcm)
        self._entries[index] = _Entry(offset, len(clip.pcm), clip.sample_rate, clip.engine, clip.skipped, clip.cached)

    def __getitem__(self, index: int) -> Clip:
        entry = self._entries[index]
        return Clip(self._file.read_bytes(entry.offset, entry.length), entry.sample_rate, engine=entry.engine,
                    skipped=entry.skipped, cached=entry.cached)

    def __delitem__(self, index: int) -> None:
        del self._entries[index]  # the bytes stay in the file until it is closed

    def __iter__(self) -> Iterator[int]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, index: object) -> bool:
        return index in self._entries

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "ClipSpool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
