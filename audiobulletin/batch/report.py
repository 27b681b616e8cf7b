"""What a batch did, per edition and in all: the summary table, its JSON, the exit code, and the
running tally behind the progress line."""

from __future__ import annotations

import datetime as dt
import enum
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

EXIT_SOME_FAILED = 10
"""Some editions were published (or already up to date), at least one failed."""
EXIT_NONE_PUBLISHED = 11
"""Every edition the batch had to voice failed."""


class Status(str, enum.Enum):
    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    """Voiced again (changed settings, or --force) to the very same episode: nothing published changed."""
    UP_TO_DATE = "up to date"
    """Already published from the same input with the same settings: not voiced again."""
    WITHDRAWN = "withdrawn"
    """An editor withdrew the date (`episodes withdraw`): a batch does not publish it again."""
    NO_EDITION = "no edition"
    """Nothing for this date (no file matched, the command printed nothing): a note, not an error."""
    FAILED = "failed"


@dataclass(frozen=True)
class EditionOutcome:
    title: str
    date: dt.date
    status: Status
    duration: float = 0.0
    """Seconds of audio published."""
    voices: tuple[str, ...] = ()
    """The engines that read it."""
    seconds: float = 0.0
    """Wall time from its first piece of work to its last."""
    message: str = ""
    """Why it failed, or a note."""
    exit_code: int = 0
    """What `generate` would have exited with for this edition."""
    audio: str = ""
    """The published MP3."""

    def to_json(self) -> dict:
        return {**asdict(self), "date": self.date.isoformat(), "status": self.status.value,
                "duration": round(self.duration, 3), "voices": list(self.voices), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class BatchReport:
    outcomes: tuple[EditionOutcome, ...]
    executor: str
    wall: float
    """Seconds the whole batch took."""

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def audio_hours(self) -> float:
        return sum(o.duration for o in self.outcomes if o.status in (Status.PUBLISHED, Status.UNCHANGED)) / 3600

    @property
    def exit_code(self) -> int:
        """0: everything with an edition is published (now or before); 10: some failed; 11: every
        edition the batch had to voice failed."""
        failed = self.count(Status.FAILED)
        if not failed:
            return 0
        fine = self.count(Status.PUBLISHED) + self.count(Status.UNCHANGED) + self.count(Status.UP_TO_DATE)
        return EXIT_SOME_FAILED if fine else EXIT_NONE_PUBLISHED

    def to_json(self) -> str:
        summary = {status.value: self.count(status) for status in Status}
        return json.dumps({"executor": self.executor, "wall_seconds": round(self.wall, 3),
                           "audio_hours": round(self.audio_hours, 4), "exit_code": self.exit_code,
                           "counts": summary, "editions": [o.to_json() for o in self.outcomes]},
                          ensure_ascii=False, indent=2)

    def table(self) -> str:
        rows = [("title", "date", "status", "duration", "voices", "time")]
        for o in self.outcomes:
            rows.append((o.title, o.date.isoformat(), o.status.value,
                         clock(o.duration) if o.duration else "-", "+".join(o.voices) or "-",
                         f"{o.seconds:.1f} s" if o.seconds else "-"))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(_pad(cell, width) for cell, width in zip(row, widths)).rstrip() for row in rows]
        notes = [f"{o.title} {o.date}: {o.message}" for o in self.outcomes if o.message]
        counts = ", ".join(f"{self.count(s)} {s.value}" for s in Status if self.count(s))
        return "\n".join(lines + [""] + notes + [f"{counts}; {self.audio_hours:.2f} h of audio in "
                                                  f"{clock(self.wall)} ({self.executor})"])


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _width(text: str) -> int:
    """Terminal columns: a CJK character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@dataclass(frozen=True)
class Snapshot:
    """The progress line's numbers."""

    done: int
    total: int
    audio_seconds: float
    left_seconds: float | None
    """Estimated from the work done so far; None until there is some."""

    def line(self) -> str:
        left = "estimating" if self.left_seconds is None else f"about {clock(self.left_seconds)} left"
        return f"batch: {self.done}/{self.total} editions, {self.audio_seconds / 3600:.2f} h audio voiced, {left}"


@dataclass
class Tally:
    """Running counts, updated from executor threads (Dask calls back from its own thread)."""

    total: int
    on_change: Callable[[Snapshot, bool], None] = lambda snapshot, edition_done: None
    """Called after every change; `edition_done` is True when a whole edition finished."""
    _pieces: dict[object, tuple[int, int]] = field(default_factory=dict)
    _done: int = 0
    _audio: float = 0.0
    _start: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def started(self, key: object, pieces: int) -> None:
        with self._lock:
            self._pieces[key] = (0, max(1, pieces))
        self._changed(False)

    def piece_done(self, key: object) -> None:
        with self._lock:
            done, total = self._pieces.get(key, (0, 1))
            self._pieces[key] = (min(done + 1, total), total)
        self._changed(False)

    def finished(self, key: object, audio_seconds: float) -> None:
        with self._lock:
            self._pieces.pop(key, None)
            self._done += 1
            self._audio += audio_seconds
        self._changed(True)

    def snapshot(self) -> Snapshot:
        with self._lock:
            partial = sum(done / total for done, total in self._pieces.values()) * 0.9  # mastering remains
            progress = self._done + partial
            elapsed = time.monotonic() - self._start
            left = elapsed * (self.total - progress) / progress if progress > 0 else None
            return Snapshot(self._done, self.total, self._audio, left)

    def _changed(self, edition_done: bool) -> None:
        self.on_change(self.snapshot(), edition_done)
