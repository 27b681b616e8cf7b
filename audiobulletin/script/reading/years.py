"""Years without 年: in lists (2019、2020年), in event names (2008北京奥运会), and generations
(80后, 00后): all read digit by digit, like a year before 年."""

from __future__ import annotations

import re

from .numbers import digits, year
from .rules import alternation, is_measure
from .units import EVENT_WORDS

_YEAR = r"(?:19|20)\d{2}"
_YEAR_LIST = re.compile(rf"(?<![\d.])({_YEAR})((?:(?:[、，和与及或]|以及)\s*{_YEAR})+)(?=年)")
# the event's name: Chinese, optionally a bracketed place, ending in an event word
_EVENT_NAME = re.compile(r"[·\s]?[\u4e00-\u9fa5（）()·\d]{0,16}?(?:%s)" % alternation(EVENT_WORDS))
_NAMED_YEAR = re.compile(rf"(?<![\d.,])({_YEAR})(?![\d.,%])")
_GENERATION = re.compile(r"(?<![\d:.])(\d0|\d5)后")
_NOT_A_NAME = ("多", "余", "来", "左右", "年", "月", "日")


def year_lists(text: str) -> str:
    """2019、2020年 -> 二零一九、二零二零年 (the 年 is written once for the whole list)."""
    if "年" not in text:
        return text
    def say(m):
        return year(m.group(1)) + re.sub(_YEAR, lambda y: year(y.group(0)), m.group(2))
    return _YEAR_LIST.sub(say, text)


def named_years(text: str) -> str:
    """2008北京奥运会 -> 二零零八北京奥运会; 2008人参加, 2000多名 stay quantities."""
    def say(m):
        after = m.string[m.end():]
        if is_measure(after) or after.startswith(_NOT_A_NAME) or not _EVENT_NAME.match(after):
            return m.group(0)
        return year(m.group(1))
    return _NAMED_YEAR.sub(say, text)


def generations(text: str) -> str:
    """80后 -> 八零后, 00后 -> 零零后, 95后 -> 九五后 (3天后, 20:00后 are not generations)."""
    if "后" not in text:
        return text
    return _GENERATION.sub(lambda m: digits(m.group(1)) + "后", text)
