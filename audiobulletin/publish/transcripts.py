"""Transcripts from the assembled timeline: WebVTT and SRT captions, and a plain-text transcript.

One caption cue per spoken segment (a sentence, or a clause of a long one), timed to the sample by
assembly. A cue holds at most two lines of `max_line` characters; a longer segment is split into
consecutive cues whose durations are proportional to their share of the characters.

In an edition in sections, a section's start is marked: a `NOTE 版面：要闻` block before its
first WebVTT cue (SRT has no comments; the opening's own cue names it), and a rule line and the
section's name before it in the plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clock import timestamp
from ..script.segment import Role
from ..timeline import Timeline

MAX_LINE = 65
"""Characters per caption line (Apple and the Podcasting 2.0 transcript guide suggest ~65)."""

# Where a line may break, best first: after sentence punctuation, after a clause mark, at a space.
_BREAK_AFTER = ("。！？；!?;", "，、：,:）)」』”", " ")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


SECTION_RULE = "＝" * 20


@dataclass(frozen=True)
class Cue:
    """One caption: start and end in whole milliseconds, one or two lines of text."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    section: str | None = None
    """The name of the section this cue opens, if it does."""


def caption_cues(timeline: Timeline, max_line: int = MAX_LINE) -> tuple[Cue, ...]:
    """The cues for `timeline`, in order, never overlapping, each line <= `max_line` chars."""
    if max_line < 2:
        raise ValueError("max_line must be at least 2")
    cues: list[Cue] = []
    names = _section_names(timeline)
    for timed in timeline.segments:
        text = " ".join(timed.segment.text.split())
        start_ms, end_ms = round(timed.start * 1000), round(timed.end * 1000)
        if not text or end_ms <= start_ms:
            continue
        section = names.get(timed.segment.section) if timed.segment.section_cue else None
        pieces = _split_chars(text, 2 * max_line)
        bounds = _proportional_bounds(start_ms, end_ms, [len(p) for p in pieces])
        for piece, (a, b) in zip(pieces, bounds):
            if b > a:
                cues.append(Cue(a, b, tuple(_split_chars(piece, max_line)), section))
                section = None
    return tuple(cues)


def _section_names(timeline: Timeline) -> dict[int | None, str]:
    return {c.section: c.title for c in timeline.chapters if c.opens_section}


def webvtt(timeline: Timeline, max_line: int = MAX_LINE) -> str:
    """A WebVTT file (`text/vtt`) with one numbered cue per segment."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(caption_cues(timeline, max_line), start=1):
        if cue.section:
            blocks.append(f"NOTE 版面：{cue.section.replace('-->', '->')}")
        timing = f"{timestamp(cue.start_ms, '.')} --> {timestamp(cue.end_ms, '.')}"
        blocks.append("\n".join([str(number), timing, *(_vtt_escape(x) for x in cue.lines)]))
    return "\n\n".join(blocks) + "\n"


def srt(timeline: Timeline, max_line: int = MAX_LINE) -> str:
    """A SubRip file (`application/x-subrip`) with the same cues as `webvtt`."""
    blocks = []
    for number, cue in enumerate(caption_cues(timeline, max_line), start=1):
        timing = f"{timestamp(cue.start_ms, ',')} --> {timestamp(cue.end_ms, ',')}"
        blocks.append("\n".join([str(number), timing, *cue.lines]))
    return "\n\n".join(blocks) + "\n"


def plain_text(timeline: Timeline) -> str:
    """The spoken text as a reader wants it: each headline block, then its body paragraphs."""
    blocks: list[tuple[tuple, list[str]]] = []  # (what the block is, its lines or sentences)
    names = _section_names(timeline)
    for timed in timeline.segments:
        seg = timed.segment
        text = " ".join(seg.text.split())
        if not text:
            continue
        if seg.section_cue:
            blocks.append((("section",), [SECTION_RULE, names.get(seg.section, "")]))
        heading = seg.role in _HEADING_ROLES
        key = ("heading", seg.article) if heading else ("text", seg.article, seg.paragraph, seg.role, seg.section)
        if not blocks or blocks[-1][0] != key or (heading and seg.cue):
            blocks.append((key, []))
        blocks[-1][1].append(text)
    rendered = [
        "\n".join(parts) if key[0] in ("heading", "section") else _join_sentences(parts) for key, parts in blocks
    ]
    return "\n\n".join(rendered) + "\n"


# A headline block: one printed line per segment (the headline, kicker and deck, the byline).
_HEADING_ROLES = (Role.HEADLINE, Role.SUBHEADING, Role.BYLINE)


def _join_sentences(sentences: list[str]) -> str:
    out = sentences[0]
    for s in sentences[1:]:
        # Chinese runs sentences together; Latin text needs a space.
        out += "" if _CJK.match(out[-1]) or _CJK.match(s[0]) else " "
        out += s
    return out


def _split_chars(text: str, limit: int) -> list[str]:
    """`text` in as few pieces of at most `limit` characters as fit, balanced, each broken at
    the best place near its share of the text."""
    if len(text) <= limit:
        return [text]
    parts = -(-len(text) // limit)
    target = round(len(text) / parts)
    # the rest must still fit in parts - 1 pieces, and this piece in `limit`
    lo, hi = max(1, len(text) - limit * (parts - 1)), min(limit, len(text) - 1)
    cut = _best_break(text, target, lo, hi, window=max(1, limit // 4))
    head, tail = text[:cut].rstrip(), text[cut:].lstrip()
    return [head, *_split_chars(tail, limit)] if head else _split_chars(tail, limit)


def _best_break(text: str, target: int, lo: int, hi: int, window: int) -> int:
    """A cut index in [lo, hi], just after a break character near `target` if there is one."""
    near_lo, near_hi = max(lo, target - window), min(hi, target + window)
    for marks in _BREAK_AFTER:
        spots = [i for i in range(near_lo, near_hi + 1) if text[i - 1] in marks]
        if spots:
            return min(spots, key=lambda i: abs(i - target))
    return min(max(target, lo), hi)


def _proportional_bounds(start: int, end: int, weights: list[int]) -> list[tuple[int, int]]:
    total, acc, out, prev = sum(weights), 0, [], start
    for w in weights:
        acc += w
        nxt = start + round((end - start) * acc / total)
        out.append((prev, nxt))
        prev = nxt
    return out


def _vtt_escape(line: str) -> str:
    # WebVTT cue text is markup: a bare & or < would start an escape or a tag; escaping > also
    # rules out "-->", which a cue payload must not contain.
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
