"""Cut paragraphs into sentences, and over-long sentences into clauses, never mid-clause."""

from __future__ import annotations

import re

MAX_SEGMENT_CHARS = 72
"""Longer sentences are cut at clause punctuation: short requests suit both engines, and
transcript cues and EPUB overlays stay readable."""

_CLOSERS = "”’」』）)》〉】\"'"
# A sentence ends at 。！？ (or an ellipsis), with any closing quotes/brackets that follow.
_SENTENCE = re.compile(rf"[^。！？!?…]*(?:[。！？!?]+|…+|$)[{re.escape(_CLOSERS)}]*")
# Where a long sentence may be cut, best first.
_CLAUSE_MARKS = ("；;", "：:", "，,", "、")
_SPEAKABLE = re.compile(r"[\w\u3400-\u9fff\U00020000-\U0003134f]")


def speakable(text: str) -> bool:
    """True when the text holds something to say (not only punctuation or symbols)."""
    return bool(_SPEAKABLE.search(text))


def sentences(paragraph: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(paragraph)) if s]


def _cut_points(text: str, marks: str) -> list[int]:
    """Indices just after a mark (and its closers), outside 《》 titles and “” quotes' first half."""
    points, depth = [], 0
    for i, ch in enumerate(text):
        if ch in "《〈":
            depth += 1
        elif ch in "》〉":
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0:
            j = i + 1
            while j < len(text) and text[j] in _CLOSERS:
                j += 1
            if 0 < j < len(text):
                points.append(j)
    return points


def clauses(sentence: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """Cut a sentence longer than `limit` at the strongest clause marks that bring every piece
    under the limit, balancing piece lengths; a clause with no mark stays whole."""
    if len(sentence) <= limit:
        return [sentence]
    for marks in _CLAUSE_MARKS:
        points = _cut_points(sentence, marks)
        if not points:
            continue
        pieces, start = [], 0
        for k, point in enumerate(points):
            nxt = points[k + 1] if k + 1 < len(points) else len(sentence)
            if nxt - start > limit:  # taking the next clause too would overflow: cut here
                pieces.append(sentence[start:point])
                start = point
        pieces.append(sentence[start:])
        out: list[str] = []
        for piece in pieces:
            out.extend(clauses(piece, limit) if len(piece) > limit else [piece])
        return out
    return [sentence]
