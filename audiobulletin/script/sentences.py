"""Cut paragraphs into sentences, over-long sentences into clauses, and runs with no punctuation
at all between words, so no segment is longer than the engines read well."""

from __future__ import annotations

import math
import re

from .reading.words import segmenter

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
    under the limit, balancing piece lengths; a clause with no mark is cut between words."""
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
    return between_words(sentence, limit)


TITLE_CAP = 4
"""A book title (《…》) stays whole up to this many times the segment limit."""


def _units(text: str, cap: int) -> list[str]:
    """jieba's words, with each 《title》 of at most `cap` characters kept as one unit."""
    units: list[str] = []
    depth, title = 0, ""
    for word in segmenter().cut(text, HMM=False):
        opens, closes = word.count("《") + word.count("〈"), word.count("》") + word.count("〉")
        if depth or opens > closes:
            title += word
            depth = max(0, depth + opens - closes)
            if depth == 0 or len(title) > cap:
                units += [title] if depth == 0 else list(segmenter().cut(title, HMM=False))
                depth, title = 0, ""
            continue
        units.append(word)
    return units + ([title] if title else [])


def between_words(text: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """A run longer than `limit` with nowhere to cut it by punctuation, cut between jieba's words
    into nearly equal pieces of at most `limit` characters (a word longer than that, by characters;
    a book title stays whole unless it is longer than TITLE_CAP times the limit)."""
    if len(text) <= limit:
        return [text]
    size = math.ceil(len(text) / math.ceil(len(text) / limit))
    pieces, current = [], ""
    for word in _units(text, TITLE_CAP * limit):
        if len(word) > limit and "《" in word:  # a whole title: a piece of its own
            pieces += [current, word] if current else [word]
            current = ""
            continue
        while len(word) > limit:  # no word boundary for `limit` characters: cut anyway
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:size])
            word = word[size:]
        if current and len(current) + len(word) > size:
            pieces.append(current)
            current = ""
        current += word
    return pieces + ([current] if current else [])
