"""n:m in context: a time of day, a time range, a score or a ratio; and race results (10秒05).

A colon pair is a time when it looks like one (hours up to 24, two-digit minutes) unless the words
around it make it a score; a weak score word (比赛, 决赛) loses to a time word (比赛将于20:00开始),
a strong one (比分, 战成) or a result verb after it (以21:19拿下) does not. Decimals, one-digit
second parts and chains of three are ratios (2.5:1, 16:9, 3:2:1).
"""

from __future__ import annotations

import re

from .numbers import cardinal, digits
from .numbers import decimal
from .rules import DASHES, alternation, is_measure
from .units import SCORE_CUES, SCORE_VERBS, TIME_CUES_AFTER, TIME_CUES_BEFORE, WEAK_SCORE_CUES

_PART = r"\d+(?:\.\d+)?"
_CLOCK = r"(?:[01]?\d|2[0-4]):[0-5]\d"
_TIME_RANGE = re.compile(rf"(?<![\d:.])(?P<a>{_CLOCK})(?P<dash>\s*(?:[{DASHES}]|至|到)\s*)(?P<b>{_CLOCK})(?![\d:])")
_CHAIN = re.compile(rf"(?<![\d:.])({_PART})(?::({_PART})){{2,}}(?![\d:.])")
_COLON_PAIR = re.compile(rf"(?<![\d:.])({_PART}):({_PART})(?![\d:])")
_STRONG_CUE = re.compile(r"(?:%s)[^，。；！？\d]{0,4}$" % alternation(SCORE_CUES))
_WEAK_CUE = re.compile(r"(?:%s)[^，。；！？\d]{0,6}$" % alternation(WEAK_SCORE_CUES))
_VERB_AFTER = re.compile(r"^[^，。；！？\d]{0,3}(?:%s)" % alternation(SCORE_VERBS))
_TIME_BEFORE = re.compile(r"(?:%s)\s*$" % alternation(TIME_CUES_BEFORE))
_TIME_AFTER = re.compile(r"^\s*(?:%s)" % alternation(TIME_CUES_AFTER))
_RACE = re.compile(r"(?<![\d.])(\d+)秒(\d{1,2})(?![\d.])")


def clock(hours: str, minutes: str, seconds: str | None = None) -> str:
    """14:30 -> 十四点三十分, 2:00 -> 两点, 8:05 -> 八点零五分."""
    spoken = cardinal(hours, liang=True) + "点"
    if int(minutes) or seconds:
        spoken += (digits(minutes) if minutes.startswith("0") else cardinal(minutes)) + "分"
    if seconds and int(seconds):
        spoken += (digits(seconds) if seconds.startswith("0") else cardinal(seconds)) + "秒"
    return spoken


def _ratio(parts) -> str:
    return "比".join(decimal(p) for p in parts)


def _is_clock(parts) -> bool:
    return all("." not in p for p in parts) and int(parts[0]) <= 24 and all(
        len(p) == 2 and int(p) < 60 for p in parts[1:])


def _pair(m: re.Match) -> str:
    a, b = m.groups()
    before, after = m.string[max(0, m.start() - 12):m.start()], m.string[m.end():m.end() + 6]
    if not _is_clock((a, b)):
        return _ratio((a, b))  # 3:1, 16:9, 2.5:1, 1:10000, 25:23 (no hour 25)
    if _STRONG_CUE.search(before) or _VERB_AFTER.search(after):
        return _ratio((a, b))
    if _WEAK_CUE.search(before) and not (_TIME_BEFORE.search(before) or _TIME_AFTER.search(after)):
        return _ratio((a, b))
    return clock(a, b)


def _chain(m: re.Match) -> str:
    parts = m.group(0).split(":")
    return clock(*parts) if len(parts) == 3 and _is_clock(parts) else _ratio(parts)


def times_and_scores(text: str) -> str:
    """14:30 -> 十四点三十分; 8:30-11:30 -> 八点三十分至十一点三十分; 以3:1战胜 -> 以三比一战胜;
    1:500 -> 一比五百; 2.5:1 -> 二点五比一; 10:15:30 -> 十点十五分三十秒."""
    if ":" not in text:
        return text

    def time_range(m):
        joiner = "到" if m.group("dash").strip() == "到" else "至"
        return clock(*m.group("a").split(":")) + joiner + clock(*m.group("b").split(":"))
    text = _TIME_RANGE.sub(time_range, text)
    text = _CHAIN.sub(_chain, text)
    return _COLON_PAIR.sub(_pair, text)


def race_results(text: str) -> str:
    """Times in hundredths: 10秒05 -> 十秒零五, 9秒83 -> 九秒八三 (not 每10秒20次)."""
    if "秒" not in text:
        return text

    def say(m):
        after = m.string[m.end():m.end() + 2]
        if is_measure(after) or after.startswith(("秒", "分")):
            return m.group(0)
        return cardinal(m.group(1)) + "秒" + digits(m.group(2))
    return _RACE.sub(say, text)
