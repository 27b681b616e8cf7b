"""What a run shows while it works: one line per stage, a speech bar on a terminal, clean notes.

    parse      0.1 s
    script     0.4 s
    ████████░░░░░░░░  41/101  article 2/3 市委常委会召开会议  1:05 left
    note: article 2 (市委常委会召开会议): online voice … unreachable: …: connection refused; reading it
      with the offline voice                                        (one line on the terminal)

On a terminal the bar is one line, redrawn in place (carriage return, erase line); a note first
erases the bar, prints itself as a whole line, then the bar is drawn again below it, so no
control sequence ever lands inside a note. Anywhere else (cron, a journal) there is no bar:
only the stage lines and the notes. Time left comes from `Estimate`: measured, never guessed.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import unicodedata
from typing import Callable, Sequence, TextIO

from ..clock import player_time
from ..pipeline import SpeechWork
from ..script.segment import Part

ERASE_LINE = "\r\x1b[K"
WARMUP_SECONDS = 5.0
"""Speech runs this long after its first result before the first estimate."""
WARMUP_BURSTS = 3
"""Bursts of results after the first one before the first estimate."""
BURST_SECONDS = 0.2
"""Results closer together than this are one burst (one chunk of an offline worker)."""
TICK_SECONDS = 1.0
"""How often the bar counts down between results."""


class Estimate:
    """Time left in the speech stage from measured throughput: characters spoken per second
    from the first result on (so the voice's loading time is left out), over the characters
    still to speak. Cache hits cost nothing and count neither as work done nor as work left.

    Results come in bursts (an offline worker answers a chunk of segments at once), so the
    warm-up lasts until `WARMUP_BURSTS` bursts have followed the first one and `WARMUP_SECONDS`
    have passed: before that there is no estimate (None)."""

    def __init__(self, characters: Sequence[int], clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.characters = list(characters)
        self.left = sum(self.characters)
        self.first: float | None = None
        """When the first synthesised result came."""
        self.measured = 0
        """Characters spoken after the first burst."""
        self.bursts = 0
        self.last: float | None = None
        self._estimate: tuple[float, float] | None = None  # (seconds left, when measured)

    def done(self, index: int, cached: bool) -> None:
        now = self.clock()
        self.left -= self.characters[index]
        if cached:
            return
        if self.first is None:
            self.first = self.last = now
            return
        assert self.last is not None
        if now - self.last > BURST_SECONDS:
            self.bursts += 1
        self.last = now
        if self.bursts == 0:  # still the first burst: its work began before `first`
            return
        self.measured += self.characters[index]
        elapsed = now - self.first
        if self.bursts >= WARMUP_BURSTS and elapsed >= WARMUP_SECONDS:
            self._estimate = (self.left * elapsed / self.measured, now)

    def seconds_left(self) -> float | None:
        """The last estimate, counted down since it was made; None while warming up."""
        if self.left <= 0:
            return 0.0
        if self._estimate is None:
            return None
        left, at = self._estimate
        return max(0.0, left - (self.clock() - at))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip_to_width(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns (a Han character takes two), with … when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


class RunDisplay:
    """The pipeline's Progress for the command line (see the module doc); `quiet`: nothing but
    notes. Also a logging handler target: library warnings become notes."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream, self.quiet, self.clock = stream, quiet, clock
        self.tty = stream.isatty() if tty is None else tty
        self.lock = threading.RLock()
        self.work: SpeechWork | None = None
        self.estimate: Estimate | None = None
        self.finished: set[int] = set()
        self.failed = 0
        self.bar_shown = False
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # --- Progress -------------------------------------------------------------------------------

    def stage(self, name: str) -> None:
        with self.lock:
            if self.tty and not self.quiet and name != "speech":
                self._write(f"{ERASE_LINE}{name}…")
                self.bar_shown = True  # a partial line the next write replaces

    def stage_done(self, name: str, seconds: float) -> None:
        if name == "speech":
            self._stop_ticker()
        with self.lock:
            if self.quiet:
                return
            detail = self._speech_detail() if name == "speech" else ""
            self._line(f"{name:<9}{seconds:6.1f} s{detail}")

    def speech_started(self, work: SpeechWork) -> None:
        with self.lock:
            self.work, self.finished, self.failed = work, set(), 0
            self.estimate = Estimate(work.characters, self.clock)
            self._draw()
        if self.tty and not self.quiet:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, name="progress-ticker", daemon=True)
            self._ticker.start()

    def segment_done(self, index: int, cached: bool, ok: bool) -> None:
        with self.lock:
            self.finished.add(index)
            self.failed += not ok
            if self.estimate is not None:
                self.estimate.done(index, cached)
            self._draw()

    def fallback(self, part: Part, reason: str, engine: str) -> None:
        what = str(part)
        if part.article is not None and self.work is not None and part.article < len(self.work.headlines):
            what += f" ({self.work.headlines[part.article]})"
        self.note(f"{what}: {reason}; reading it with the {engine} voice")

    # --- notes and the bar ----------------------------------------------------------------------

    def note(self, text: str) -> None:
        """One whole line above the bar (the bar is drawn again below it)."""
        with self.lock:
            self._line("note: " + " ".join(text.split()))
            self._draw()

    def close(self) -> None:
        self._stop_ticker()
        with self.lock:
            if self.bar_shown:
                self._write(ERASE_LINE)
                self.bar_shown = False
            self.work = None

    def _line(self, text: str) -> None:
        if self.tty and self.bar_shown:
            self._write(ERASE_LINE)
            self.bar_shown = False
        self._write(text + "\n")

    def _draw(self) -> None:
        if not (self.tty and not self.quiet and self.work is not None):
            return
        self._write(ERASE_LINE + self.bar_line(shutil.get_terminal_size((100, 24)).columns))
        self.bar_shown = True

    def bar_line(self, columns: int) -> str:
        """The speech bar, at most `columns` wide."""
        work = self.work
        assert work is not None and self.estimate is not None
        total = len(work.articles)
        done = len(self.finished)
        cells = 16
        filled = cells * done // total if total else cells
        left = self.estimate.seconds_left()
        when = "estimating…" if left is None else f"{player_time(int(left * 1000))} left"
        head = f"{'█' * filled}{'░' * (cells - filled)} {done:>{len(str(total))}}/{total}"
        failed = f", {self.failed} failed" if self.failed else ""
        reading = self._reading()
        room = columns - 1 - display_width(head) - display_width(when) - len(failed) - 4
        middle = f"  {clip_to_width(reading, room)}" if reading and room > 8 else ""
        return f"{head}{failed}{middle}  {when}"

    def _reading(self) -> str:
        """The article being read: the first one, in reading order, with a segment still to come."""
        work = self.work
        assert work is not None
        articles = sum(1 for a in set(work.articles) if a is not None)
        for index, article in enumerate(work.articles):
            if index not in self.finished:
                if article is None:
                    return "intro" if all(a is None for a in work.articles[:index]) else "outro"
                headline = work.headlines[article] if article < len(work.headlines) else ""
                return f"article {article + 1}/{articles} {headline}".rstrip()
        return ""

    def _speech_detail(self) -> str:
        if self.work is None:
            return ""
        return f"  {len(self.finished)} segments" + (f", {self.failed} failed" if self.failed else "")

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self.lock:
                self._draw()

    def _stop_ticker(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class NoteHandler(logging.Handler):
    """Library warnings (e.g. "not calling the online service again") as notes, never glued
    onto the bar."""

    def __init__(self, display: RunDisplay):
        super().__init__(logging.WARNING)
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.display.note(record.getMessage())
        except Exception:  # pragma: no cover - logging must never break the run
            self.handleError(record)
