"""Times in the forms each format wants, all from whole milliseconds so sums stay exact."""

from __future__ import annotations


def to_ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def full_clock(ms: int) -> str:
    """SMIL 3 / EPUB full clock value, e.g. 0:01:02.345."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def hms(ms: int) -> str:
    """hh:mm:ss, rounded to the second (DAISY ncc:totalTime)."""
    seconds = (ms + 500) // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def npt(ms: int) -> str:
    """SMIL 1.0 normal play time, e.g. npt=62.345s (DAISY 2.02 clip-begin/clip-end)."""
    return f"npt={ms // 1000}.{ms % 1000:03d}s"


def seconds_text(ms: int) -> str:
    """Plain seconds with milliseconds, e.g. 62.345 (data-start, #t= fragments)."""
    return f"{ms // 1000}.{ms % 1000:03d}"


def spoken_length(ms: int) -> str:
    """A length for people, in Chinese: 3分05秒 or 1小时02分."""
    seconds = (ms + 500) // 1000
    hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
    if hours:
        return f"{hours}小时{minutes:02d}分"
    return f"{minutes}分{secs:02d}秒"


def player_time(ms: int) -> str:
    """A position as players show it: 2:05 or 1:02:05."""
    seconds = ms // 1000
    hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
