"""Mandarin text -> Kokoro phoneme strings, cut into model calls under the token limit.

The readings are the project's own (`pinyin_for`: jieba words, pypinyin phrase data, the built-in
corrections, the lexicon's [pinyin] entries and tone sandhi; the offline voice reads the same
syllables). misaki's zh G2P, the one Kokoro v1.0 was trained with, turns each syllable into IPA
with tone arrows and maps the punctuation; words are separated by spaces as misaki separates them.
Latin letters are said by their names in syllables, as the offline voice says them (CT, 5G). A
character nothing covers (a symbol, an emoji) is skipped and reported, never fed to the model.

One call is one sentence; a sentence longer than the model's limit is cut at clause punctuation,
a clause longer than the limit between words, into near-equal parts.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from .kokoro_model import MAX_TOKENS
from .mandarin_frontend import (BREATH_PAUSE_MS, CLAUSE_PAUSE_MS, SENTENCE_PAUSE_MS, is_hanzi,
                                is_silent, letter_syllables)

if TYPE_CHECKING:
    from ..script.reading.lexicon import Lexicon

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_RUNS = re.compile(f"(?P<zh>[{_HAN}]+)|(?P<latin>[A-Za-z]+)|(?P<other>[^{_HAN}A-Za-z]+)")
"""Chinese characters (misaki's range, plus 〇 and the CJK extensions), Latin letters, the rest."""
_SPACE_BEFORE = re.compile(r" +(?=[,.!?;:…—”)])")
_SPACE_AFTER = re.compile(r"(?<=[“(]) +")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
"""misaki maps 。！？ to ". ", "! ", "? ": a sentence ends where such a mark meets a space."""


@dataclass(frozen=True)
class Call:
    """One model call: its phonemes and the silence that follows its audio inside the clip."""

    phonemes: str
    pause_after_ms: int


@dataclass(frozen=True)
class Plan:
    calls: tuple[Call, ...]
    skipped: tuple[str, ...]
    """Text that could not be read, in runs (reported with the clip)."""


@functools.lru_cache(maxsize=4096)
def syllable_ipa(syllable: str) -> str | None:
    """TONE3 syllable (tone 5 neutral, ü as v) -> misaki's IPA with tone arrows; None if misaki
    cannot read it."""
    from misaki.zh import ZHG2P

    try:
        # U+032F (non-syllabic mark) is not in the vocabulary: misaki drops it the same way.
        return ZHG2P.py2ipa(syllable).replace("\u032f", "")
    except (ValueError, KeyError, IndexError):
        return None


class KokoroFrontend:
    """Text -> phoneme strings and token ids for Kokoro v1.0's vocabulary."""

    def __init__(self, vocab: Mapping[str, int], lexicon: Lexicon | None = None,
                 max_tokens: int = MAX_TOKENS):
        if max_tokens < 8:
            raise ValueError(f"max_tokens must be at least 8, got {max_tokens}")
        self.vocab, self.lexicon, self.max_tokens = vocab, lexicon, max_tokens

    def phonemes(self, text: str) -> tuple[str, tuple[str, ...]]:
        """The phoneme string of `text` and the runs of text it could not read."""
        from misaki.zh import ZHG2P

        from .pinyin import segment_words

        text = ZHG2P.map_punctuation(unicodedata.normalize("NFC", text))
        readings = self._readings(text)
        out: list[str] = []  # words and punctuation marks, joined with spaces at the end
        skipped: list[str] = []
        pending = ""  # a run of unreadable characters, reported as one

        def say(piece: str) -> None:
            nonlocal pending
            if pending:
                skipped.append(pending)
                pending = ""
            out.append(piece)

        for run in _RUNS.finditer(text):
            if run.lastgroup == "zh":  # jieba's words, as misaki separates them
                offset = run.start()
                for word in segment_words(run.group()):
                    ipa = ""
                    for char in word:
                        sound = readings.get(offset)
                        offset += 1
                        if sound is not None:
                            ipa += sound
                            continue
                        if ipa:
                            say(ipa)
                            ipa = ""
                        pending += char
                    if ipa:
                        say(ipa)
            elif run.lastgroup == "latin":  # letters by their names, as the offline voice says them
                say("".join(syllable_ipa(s) or "" for c in run.group() for s in letter_syllables(c)))
            else:
                for char in run.group():
                    if char.isspace():  # the join puts the spaces back where misaki has them
                        continue
                    if char in self.vocab and not char.isalnum():
                        say(char)
                    elif not is_silent(char):
                        pending += char
        if pending:
            skipped.append(pending)
        phonemes = _SPACE_BEFORE.sub("", _SPACE_AFTER.sub("", " ".join(out)))
        return phonemes.strip(), tuple(skipped)

    def _readings(self, text: str) -> dict[int, str]:
        """Character offset -> IPA, for every character of `text` that can be read."""
        from ..script.reading.lexicon import HAN
        from .pinyin import pinyin_for

        common = [m.start() for m in HAN.finditer(text)]
        syllables = pinyin_for(text, self.lexicon)
        if len(syllables) != len(common):  # never expected: read the characters one by one
            syllables = [s for i in common for s in pinyin_for(text[i], self.lexicon)]
        readings: dict[int, str | None] = dict(zip(common, syllables))
        for offset, char in enumerate(text):  # CJK beyond U+9FA5 that pypinyin still knows
            if offset not in readings and is_hanzi(char):
                readings[offset] = _rare_syllable(char)
        return {offset: ipa for offset, syllable in readings.items()
                if syllable and (ipa := syllable_ipa(syllable))}

    def tokens(self, phonemes: str) -> int:
        return sum(char in self.vocab for char in phonemes)

    def ids(self, phonemes: str) -> list[int]:
        """Token ids of the phonemes the vocabulary has (misaki's output is all in it)."""
        return [self.vocab[char] for char in phonemes if char in self.vocab]

    def plan(self, text: str) -> Plan:
        """The model calls for `text`: one per sentence, long sentences cut under the limit."""
        phonemes, skipped = self.phonemes(text)
        calls: list[Call] = []
        for sentence in _SENTENCE_END.split(phonemes):
            if self.tokens(sentence):
                pieces = self._fit(sentence)
                calls += pieces[:-1] + [Call(pieces[-1].phonemes, SENTENCE_PAUSE_MS)]
        if calls:
            calls[-1] = Call(calls[-1].phonemes, 0)
        return Plan(tuple(calls), skipped)

    def _fit(self, text: str, level: int = 0) -> list[Call]:
        """`text` as one call, else cut at the boundaries of `_CUTS[level]` into the fewest
        near-equal groups under the limit (a part still too long is cut at the next level).
        The last call's pause is the caller's to set."""
        if self.tokens(text) <= self.max_tokens:
            return [Call(text.strip(), 0)]
        if level == len(_CUTS):
            return [Call(chunk, BREATH_PAUSE_MS) for chunk in self._cut_anywhere(text)]
        boundary, pause_ms = _CUTS[level]
        calls: list[Call] = []
        for group in self._groups([p.strip() for p in boundary.split(text) if p.strip()]):
            pieces = self._fit(group, level + 1)
            calls += pieces[:-1] + [Call(pieces[-1].phonemes, pause_ms)]
        return calls

    def _groups(self, parts: list[str]) -> list[str]:
        """Consecutive parts joined into groups of about equal size: a group closes when adding
        the next part would take it further from the mean size, or over the limit."""
        total = self.tokens(" ".join(parts))
        target = total / math.ceil(total / self.max_tokens)
        groups, current = [], ""
        for part in parts:
            joined = f"{current} {part}" if current else part
            size, before = self.tokens(joined), self.tokens(current)
            if current and (size > self.max_tokens or abs(size - target) > abs(before - target)):
                groups.append(current)
                joined = part
            current = joined
        return groups + [current]

    def _cut_anywhere(self, text: str) -> list[str]:
        """Last resort for one word longer than the limit: cut between characters."""
        chunks, current = [], ""
        for char in text:
            if current and self.tokens(current + char) > self.max_tokens:
                chunks.append(current)
                current = ""
            current += char
        return [c.strip() for c in chunks + [current] if c.strip()]


_CUTS = ((re.compile(r"(?<=[,;:—])\s*"), CLAUSE_PAUSE_MS), (re.compile(r" +"), BREATH_PAUSE_MS))
"""Where a sentence too long for one call is cut, in order, and the pause each cut leaves."""


def _rare_syllable(char: str) -> str | None:
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return found[0] if found else None
