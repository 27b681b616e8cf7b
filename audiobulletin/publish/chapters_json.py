"""Podcasting 2.0 JSON chapters (version 1.2.0) and the episode's chapter list as text.

Both come from the same `Timeline.chapters` that mastering writes into the MP3's ID3 CHAP frames,
so the app's chapter list, the feed and the file always agree.
"""

from __future__ import annotations

import json

from ..clock import chapter_time
from ..timeline import Timeline

CHAPTERS_VERSION = "1.2.0"
CHAPTERS_MIME = "application/json+chapters"


def chapters_document(timeline: Timeline) -> dict:
    """The chapters file as a dict: `{"version": "1.2.0", "chapters": [{"startTime": ...}]}`."""
    chapters = []
    for chapter in timeline.chapters:
        chapters.append(
            {
                "startTime": _seconds(chapter.start),
                "endTime": _seconds(chapter.end),
                "title": chapter.title,
            }
        )
    return {"version": CHAPTERS_VERSION, "chapters": chapters}


def chapters_json(timeline: Timeline) -> str:
    """The chapters file as UTF-8 JSON text (Chinese kept readable, not \\u-escaped)."""
    return json.dumps(chapters_document(timeline), ensure_ascii=False, indent=2) + "\n"


def chapter_list(timeline: Timeline) -> str:
    """One line per chapter, "MM:SS title" (H:MM:SS past an hour), for episode descriptions."""
    return "\n".join(f"{chapter_time(int(c.start * 1000))} {c.title}" for c in timeline.chapters)


def _seconds(t: float) -> float | int:
    # Millisecond precision like the ID3 CHAP frames; whole seconds stay integers (0, not 0.0).
    ms = round(t * 1000)
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


