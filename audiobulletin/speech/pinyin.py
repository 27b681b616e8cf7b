"""Pinyin in context for the offline voice: jieba words, pypinyin phrase data, lexicon overrides.

`pinyin_for` returns one tone-numbered syllable for every character in U+4E00..U+9FA5 of the text
(the characters the offline voice's frontend treats as Chinese), in order, in the form its
phoneme table takes: tone 1-5 with 5 for the neutral tone, ü written v, and the surface tones the
Baker corpus is labelled with (third-tone sandhi and the 一/不 changes applied: 你好 -> ni2 hao3).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..script.reading.lexicon import HAN, Lexicon
from ..script.reading.words import segmenter as _segmenter

_HAN_RUN = re.compile(HAN.pattern + "+")
# pypinyin readings the voice has no syllable for -> the nearest one it has.
_NEAREST = {"m": "mu", "hm": "hen", "n": "en", "ng": "en", "fiao": "diao", "nun": "nen"}
# Words pypinyin's phrase data gets wrong in news copy (checked on the sample edition).
CORRECTIONS = {
    "接种": "jie1 zhong4", "长效": "chang2 xiao4", "以上率下": "yi3 shang4 shuai4 xia4",
    "落下去": "luo4 xia4 qu4", "流血": "liu2 xue4", "还款": "huan2 kuan3", "还钱": "huan2 qian2",
}
_NUMERALS = set("零幺一二三四五六七八九十两")
_ORDINAL = _NUMERALS | {"第"}
UNKNOWN = "e5"
"""Said for the few characters pypinyin has no reading for (兙, 兡...): a neutral vowel."""


@functools.lru_cache(maxsize=1)
def _corrections() -> Lexicon:
    return Lexicon(pinyin={word: tuple(p.split()) for word, p in CORRECTIONS.items()})


@functools.lru_cache(maxsize=1)
def _converter():
    from pypinyin import Style
    from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    def unknown(chars: str) -> Any:  # pypinyin takes syllable lists from `errors`; its stub says str
        return [[UNKNOWN]] * len(chars)

    pinyin = Pinyin(type("Converter", (NeutralToneWith5Mixin, DefaultConverter), {})()).pinyin
    return functools.partial(pinyin, style=Style.TONE3, errors=unknown)


def _syllable(raw: str) -> str:
    base, tone = raw[:-1], raw[-1]
    return _NEAREST.get(base, base) + tone if base else UNKNOWN


def _ends_a_word(word: str, k: int, dictionary) -> bool:
    """Whether word[:k+1] ends in a dictionary word of 2+ characters (统一 in 统一战线)."""
    return any(dictionary.get(word[j:k + 1], 0) > 0 for j in range(k))


def _sandhi(words: list[tuple[str, list[str]]], dictionary) -> list[str]:
    """Surface tones for one run of words: 一 and 不 before other tones, then third-tone sandhi
    inside each word (展览馆 zhan2 lan2 guan3) and from each word to the next, right to left
    (保管好 bao2 guan2 hao3, 老保管 lao3 bao2 guan3)."""
    chars = "".join(word for word, _ in words) + "  "
    flat: list[str] = []
    word_of: list[int] = []
    ends_word: list[bool] = []
    for n, (word, syllables) in enumerate(words):
        flat.extend(syllables)
        word_of.extend([n] * len(syllables))
        ends_word.extend(_ends_a_word(word, k, dictionary) for k in range(len(word)))
    for i, syllable in enumerate(flat[:-1]):
        following = flat[i + 1][-1]
        if chars[i] == "不" and syllable == "bu4" and following == "4":
            flat[i] = "bu2"
        elif chars[i] == "一":
            in_number = ((i and chars[i - 1] in _ORDINAL) or chars[i + 1] in _NUMERALS
                         or (chars[i + 1] == "点" and chars[i + 2] in _NUMERALS))
            if in_number or ends_word[i]:
                flat[i] = "yi1"  # 第一, 十一, 一九四九, 一点六; 统一, 唯一
            elif syllable == "yi1":
                flat[i] = "yi2" if following in "45" else "yi4"
    if flat and chars[len(flat) - 1] == "一":
        flat[-1] = "yi1"
    underlying = [s[-1] for s in flat]
    for i in range(len(flat) - 2, -1, -1):
        same_word = word_of[i] == word_of[i + 1]
        tones = (underlying[i], underlying[i + 1]) if same_word else (flat[i][-1], flat[i + 1][-1])
        if tones == ("3", "3"):
            flat[i] = flat[i][:-1] + "2"
    return flat


_FOR_SOMEONE = re.compile("服务|贡献|作出|做出|提供|营造|创造|打下|奠定|保驾护航")


def _yi_wei(words: list[tuple[str, list[str]]]) -> None:
    """以…为… ("take … as …") reads 为 wéi: 以人民为中心, 以习近平同志为核心. 为 keeps wèi
    ("for") when a verb of serving follows: 以实际行动为群众服务."""
    position, opened = 0, None
    for word, syllables in words:
        if word == "以":
            opened = position
        elif word == "为" and opened is not None and position - opened <= 16 and syllables == ["wei4"]:
            rest = "".join(w for w, _ in words)[position:]
            if not _FOR_SOMEONE.search(rest):
                syllables[0] = "wei2"
            opened = None
        position += len(word)


def _pieces(text: str, lexicon: Lexicon | None):
    """(piece, syllables): the lexicon's words, then the built-in corrections, then the rest (None)."""
    for piece, syllables in lexicon.pinyin_pieces(text) if lexicon is not None else [(text, None)]:
        if syllables is not None:
            yield piece, syllables
        else:
            yield from _corrections().pinyin_pieces(piece)


def pinyin_for(text: str, lexicon: Lexicon | None = None, *, sandhi: bool = True) -> list[str]:
    """Syllables for the Chinese characters of `text`, read in context (重庆 chong2 qing4,
    银行 yin2 hang2, 行长 hang2 zhang3); the lexicon's [pinyin] entries win, taken as written."""
    convert, segmenter = _converter(), _segmenter()
    out: list[str] = []
    for piece, syllables in _pieces(text, lexicon):
        if syllables is not None:
            out.extend(syllables)
            continue
        for run in _HAN_RUN.findall(piece):
            # a string (not a list) lets pypinyin split a word it has no phrase for (银行行长)
            words = [(word, [_syllable(s[0]) for s in convert(word)]) for word in segmenter.cut(run)]
            _yi_wei(words)
            out.extend(_sandhi(words, segmenter.FREQ) if sandhi else [s for _, found in words for s in found])
    return out


def segment_words(text: str) -> list[str]:
    """The words `pinyin_for` reads `text` in (jieba's; they concatenate back to `text`)."""
    return list(_segmenter().cut(text))


def context_readings(text: str, lexicon: Lexicon | None = None) -> list[tuple[str, str, str]]:
    """(character, syllable read here, its usual reading) for each character of `text` with more
    than one reading that the context (phrase data, corrections, the lexicon) reads otherwise than
    alone: 行 in 银行 -> ("行", "hang2", "xing2"). Tone sandhi is not counted."""
    from pypinyin import Style, pinyin

    convert = _converter()
    out = []
    for char, syllable in zip(HAN.findall(text), pinyin_for(text, lexicon, sandhi=False)):
        usual = _syllable(convert(char)[0][0])
        if syllable == usual:
            continue
        readings = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
        if len(set(readings)) > 1:
            out.append((char, syllable, usual))
    return out
