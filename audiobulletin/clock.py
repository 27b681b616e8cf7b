"""Every way the project writes a time or a length, from whole milliseconds so sums stay exact.

One place, so the transcripts, chapters, show notes, accessible edition and run summary can never
disagree about how long something is. A length a listener sees is in whole seconds, cut down as
every player does (a 807.6 s episode is 13:27 in the browser's player, so it is 13分27秒 on the
page and 807 in the feed's itunes:duration): `listener_seconds` is that one rule.
"""

from __future__ import annotations


def to_ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _parts(ms: int) -> tuple[int, int, int, int]:
    """(hours, minutes, seconds, milliseconds) of a non-negative time."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return hours, minutes, seconds, millis


def timestamp(ms: int, decimal: str = ".") -> str:
    """WebVTT (00:01:02.345) or, with decimal=",", SubRip (00:01:02,345) cue time."""
    hours, minutes, seconds, millis = _parts(ms)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal}{millis:03d}"


def full_clock(ms: int) -> str:
    """SMIL 3 / EPUB full clock value, e.g. 0:01:02.345."""
    hours, minutes, seconds, millis = _parts(ms)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def listener_seconds(ms: int) -> int:
    """A length in the whole seconds a player shows: cut down, never rounded up."""
    return ms // 1000


def hms(ms: int) -> str:
    """hh:mm:ss of a length, in a listener's whole seconds (DAISY ncc:totalTime)."""
    hours, minutes, seconds, _ = _parts(listener_seconds(ms) * 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def npt(ms: int) -> str:
    """SMIL 1.0 normal play time, e.g. npt=62.345s (DAISY 2.02 clip-begin/clip-end)."""
    return f"npt={ms // 1000}.{ms % 1000:03d}s"


def seconds_text(ms: int) -> str:
    """Plain seconds with milliseconds, e.g. 62.345 (data-start, #t= fragments)."""
    return f"{ms // 1000}.{ms % 1000:03d}"


def spoken_length(ms: int) -> str:
    """A length in prose, in Chinese: 3分05秒 or 1小时02分 (a screen reader reads "13:27" as a
    time of day, so prose spells the units; the seconds are a listener's, as in `player_time`)."""
    hours, minutes, seconds, _ = _parts(listener_seconds(ms) * 1000)
    if hours:
        return f"{hours}小时{minutes:02d}分"
    return f"{minutes}分{seconds:02d}秒"


def player_time(ms: int) -> str:
    """A position as players show it: 2:05 or 1:02:05."""
    hours, minutes, seconds, _ = _parts(ms)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def chapter_time(ms: int) -> str:
    """A chapter's start in show notes, as podcast apps link them: 02:05 or 1:02:05."""
    hours, minutes, seconds, _ = _parts(ms)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
