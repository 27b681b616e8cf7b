"""Pinyin in context for the offline voice: jieba words, pypinyin phrase data, lexicon overrides.

`pinyin_for` returns one tone-numbered syllable for every character in U+4E00..U+9FA5 of the text
(the characters the offline voice's frontend treats as Chinese), in order, in the form its
phoneme table takes: tone 1-5 with 5 for the neutral tone, ü written v, and the surface tones the
Baker corpus is labelled with (third-tone sandhi and the 一/不 changes applied: 你好 -> ni2 hao3).
"""

from __future__ import annotations

import functools
import re

from .lexicon import HAN, Lexicon

_HAN_RUN = re.compile(HAN.pattern + "+")
# pypinyin readings the voice has no syllable for -> the nearest one it has.
_NEAREST = {"m": "mu", "hm": "hen", "n": "en", "ng": "en", "fiao": "diao", "nun": "nen"}
# Words pypinyin's phrase data gets wrong in news copy (checked on the sample edition).
CORRECTIONS = {
    "接种": "jie1 zhong4", "长效": "chang2 xiao4", "以上率下": "yi3 shang4 shuai4 xia4",
    "落下去": "luo4 xia4 qu4", "流血": "liu2 xue4",
}
UNKNOWN = "e5"
"""Said for the few characters pypinyin has no reading for (兙, 兡...): a neutral vowel."""


@functools.lru_cache(maxsize=1)
def _corrections() -> Lexicon:
    return Lexicon(pinyin={word: tuple(p.split()) for word, p in CORRECTIONS.items()})


@functools.lru_cache(maxsize=1)
def _words():
    """jieba's segmenter, loaded once per process on first use (~1-2 s)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.cut


@functools.lru_cache(maxsize=2)
def _converter(sandhi: bool):
    from pypinyin import Style
    from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
    from pypinyin.contrib.tone_sandhi import ToneSandhiMixin
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    mixins = (NeutralToneWith5Mixin, ToneSandhiMixin) if sandhi else (NeutralToneWith5Mixin,)
    pinyin = Pinyin(type("Converter", (*mixins, DefaultConverter), {})()).pinyin
    return functools.partial(pinyin, style=Style.TONE3, errors=lambda chars: [[UNKNOWN]] * len(chars))


def _syllable(raw: str) -> str:
    base, tone = raw[:-1], raw[-1]
    return _NEAREST.get(base, base) + tone if base else UNKNOWN


def pinyin_for(text: str, lexicon: Lexicon | None = None, *, sandhi: bool = True) -> list[str]:
    """Syllables for the Chinese characters of `text`, read in context (重庆 chong2 qing4,
    银行 yin2 hang2, 行长 hang2 zhang3); the lexicon's [pinyin] entries win."""
    convert = _converter(sandhi)
    out: list[str] = []
    pieces = lexicon.pinyin_pieces(text) if lexicon is not None else [(text, None)]
    for piece, syllables in pieces:
        if syllables is not None:
            out.extend(syllables)
            continue
        for part, fixed in _corrections().pinyin_pieces(piece):
            if fixed is not None:
                out.extend(fixed)
                continue
            for run in _HAN_RUN.findall(part):
                for word in _words()(run):
                    # a string (not a list) lets pypinyin split a word it has no phrase for
                    out.extend(_syllable(s[0]) for s in convert(word))
    return out
