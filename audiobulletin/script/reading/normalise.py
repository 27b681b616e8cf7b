"""News copy -> what a newsreader says, before any speech engine sees it.

Pure and fast: no I/O, regular expressions only (the Traditional -> Simplified table loads once,
on the first offline call). Pause punctuation (，。、；：！？) is kept so callers can split clauses;
symbols that are not spoken (…… —— # ★) become a pause or nothing.
"""

from __future__ import annotations

import functools
import re

from .latin import fold_width, read_acronyms
from .lexicon import Lexicon
from .passes import read_numbers

_ELLIPSIS = re.compile(r"(?:…|⋯|\.{3,}|。{3,})+")
_LONG_DASH = re.compile(r"(?:[—―─]{2,}|-{2,})")
_TILDE = re.compile(r"(?<=[^\s，。、；：！？])\s*[～~〜]\s*(?=[^\s，。、；：！？])")
# A single dash after a number or a date joins a range (GB/T 15834 一字线): 6月26日—28日.
_RANGE_DASH = re.compile(r"(?<=[零一二三四五六七八九十百千万亿两日月年时分秒点号])\s*[—―–-]\s*(?=[^\s，。、；：！？])")
_DASH = re.compile(r"\s*[—―–]\s*")
_PER = re.compile(r"(?<=[元角分吨斤克米升度次个件人天时秒户])/(?=[\u4e00-\u9fa5])")
_PLUS = re.compile(r"(?<=[\u4e00-\u9fa5\d])\s*\+\s*(?=[\u4e00-\u9fa5\d])")
_TIMES = re.compile(r"(?<=[\u4e00-\u9fa5\d])\s*×\s*(?=[\u4e00-\u9fa5\d])")
_AMPERSAND = re.compile(r"\s*&\s*")
_UNSPOKEN = re.compile(r"[#*@|\\^_`<>●○■□★☆▲△▼▽◆◇※→←↑↓☆✓✔√♦•\-+/=]")
_HALF_WIDTH_PAUSE = {",": "，", ";": "；", "!": "！", "?": "？", ":": "："}
_HALF_WIDTH = re.compile(r"[,;!?:]|(?<=[\u4e00-\u9fa5”’）》])\.")
_REPEATED_PAUSE = re.compile(r"([，、；：])(?:\s*[，、；：])+")
_PAUSE_BEFORE_STOP = re.compile(r"[，、；：]\s*(?=[。！？])")
_LEADING_PAUSE = re.compile(r"^[\s，、；：。]+")
_SPACES = re.compile(r"\s+")


def _symbols(text: str) -> str:
    text = _ELLIPSIS.sub("，", text)
    text = _LONG_DASH.sub("，", text)
    text = _TILDE.sub("至", text)
    text = _RANGE_DASH.sub("至", text)
    text = _DASH.sub("，", text)
    text = _PER.sub("每", text)  # 元/斤 -> 元每斤
    text = _PLUS.sub("加", text)
    text = _TIMES.sub("乘", text)
    text = _AMPERSAND.sub("和", text)
    text = _HALF_WIDTH.sub(lambda m: _HALF_WIDTH_PAUSE.get(m.group(0), "。"), text)
    text = _UNSPOKEN.sub(" ", text)
    text = _REPEATED_PAUSE.sub(r"\1", text)
    text = _PAUSE_BEFORE_STOP.sub("", text)
    text = _LEADING_PAUSE.sub("", text)
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """The characters a Traditional -> Simplified conversion can start at: text without any of
    them is Simplified already (most clauses of a Mainland paper), and skips the conversion."""
    from zhconv import zhconv

    try:
        return frozenset(key[0] for key in zhconv.getdict("zh-hans") if key)
    except (AttributeError, TypeError):  # another zhconv: convert every clause
        return frozenset(chr(c) for c in range(0x3400, 0xA000))


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, with Mainland usage where the script alone is ambiguous
    (隨著 -> 随着, not 随著). Text already in Simplified characters is returned unchanged."""
    import zhconv  # loads its table on first use (~0.2 s), not at import time

    if _convertible().isdisjoint(text) or zhconv.convert(text, "zh-hans") == text:
        return text
    return zhconv.convert(text, "zh-cn")


def to_spoken(text: str, *, for_offline: bool = False, lexicon: Lexicon | None = None) -> str:
    """The newsreader's reading of `text`: numbers, dates, times, units, symbols in words.

    `for_offline`: the offline voice also needs Simplified characters, and acronyms it cannot
    say as letters in their usual Chinese reading (GDP -> 国内生产总值); other Latin letters stay
    letters, which its frontend says by name. `lexicon`: its readings replace written forms first.
    """
    if for_offline:
        text = to_simplified(text)
    if lexicon is not None:
        text = lexicon.apply_readings(text, for_offline=for_offline)
    text = fold_width(text)
    if for_offline:
        text = read_acronyms(text)
    text = read_numbers(text)
    return _symbols(text)
