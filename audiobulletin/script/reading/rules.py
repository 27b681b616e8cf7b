"""Quantities in context: dates, units, money, percentages, fractions, ranges, plain numbers.

Each pass turns the digit forms it recognises into words; once a pass has read some digits, later
passes no longer see them. The order of all passes is in `passes.py`.
"""

from __future__ import annotations

import re

from .numbers import cardinal, decimal, digits, year
from .units import (CALENDAR_UNITS, CURRENCY_PREFIXES, MEASURE_WORDS, NOT_MEASURE, UNIT_SYMBOLS, UNIT_WORDS,
                    YEAR_SUFFIXES)

NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""An unsigned number, with thousands separators or not, with decimals or not."""
MINUS = r"(?<![0-9A-Za-z)）%])-"
"""A minus sign: a hyphen that does not follow a digit, a letter or a closing bracket."""
DASHES = "—–～~〜\\-"
"""Dashes that join the two ends of a range: em and en dash, tildes, the hyphen."""
DASH = rf"\s*(?:[{DASHES}]|至|到)\s*"
"""What joins the two ends of a range."""


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def is_measure(after: str) -> bool:
    return after.startswith(MEASURE_WORDS) and not after.startswith(NOT_MEASURE)


def _is_year(whole: str, after: str) -> bool:
    if len(whole) != 4 or not after.startswith(YEAR_SUFFIXES) or after.startswith("年级"):
        return False
    low = 1000 if after.startswith("年") else 1900
    return low <= int(whole) <= 2199


def read_number(number: str, *, before: str = "", after: str = "") -> str:
    """One number as written (optional leading '-', separators, decimals), read in its context:
    `before` is the text just before it, `after` the text just after."""
    sign = ""
    if number.startswith("-"):
        sign, number = "负", number[1:]
    plain = number.replace(",", "")
    whole, _, fraction = plain.partition(".")
    if before.endswith("第"):
        return sign + decimal(plain)  # ordinals: 第二, never 第两
    if not fraction and "," not in number and _is_year(whole, after):
        return year(whole)
    if not fraction and len(whole) > 1 and whole.startswith("0"):
        if after.startswith(CALENDAR_UNITS):
            return cardinal(whole)  # 06月27日 -> 六月二十七日
        return digits(whole)  # codes like 007
    if not fraction and len(whole) >= 3 and before[-1:].isascii() and before[-1:].isalpha():
        return digits(whole)  # model numbers: C919 -> C九一九, A320
    return sign + decimal(plain, liang=is_measure(after))


def context(m: re.Match, width: int = 4) -> tuple[str, str]:
    text = m.string
    return text[max(0, m.start() - width):m.start()], text[m.end():m.end() + width]


# --- dates -----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(?<![\d.\-/])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.\-/])")


def iso_dates(text: str) -> str:
    """2021-06-27, 2021/6/27, 2021.06.27 -> 二零二一年六月二十七日."""
    def say(m):
        y, _, mo, d = m.groups()
        if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
            return m.group(0)
        return f"{year(y)}年{cardinal(mo)}月{cardinal(d)}日"
    return _ISO_DATE.sub(say, text)


_EVENT_DATE = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])[·•・](3[01]|[12]\d|0?[1-9])"
                         r"(?=[”」』\s]|事件|事故|特大|灾害|案|地震|暴雨|大火|重大)")


def event_dates(text: str) -> str:
    """Events named by their date are read digit by digit, 1 as 幺: “7·20” -> 七二零,
    “5·12”汶川特大地震 -> 五幺二."""
    return _EVENT_DATE.sub(lambda m: digits(m.group(1), phone=True) + digits(m.group(2), phone=True), text)


# --- units, temperatures, money --------------------------------------------------------------

_TEMPERATURE = re.compile(
    rf"(?P<sa>{MINUS})?(?P<a>{NUM})(?:\s*(?:℃|°C)?(?P<dash>{DASH})(?P<sb>-)?(?P<b>{NUM}))?\s*(?:℃|°C)")
_ANY_UNIT = alternation(list(UNIT_SYMBOLS) + list(UNIT_WORDS))
# 120千米/小时, 0.5mg/L, 1.2万元/平方米, 5元/kg: the slash is read 每.
_PER_UNIT = re.compile(rf"(?P<n>{NUM})(?P<mult>万亿|亿|万)?\s*(?P<u>{_ANY_UNIT})/(?P<per>{_ANY_UNIT})"
                       rf"(?![A-Za-z0-9²³])")
_UNIT = re.compile(rf"(?P<n>{NUM}(?:万亿|亿|万)?)\s*(?P<u>{alternation(UNIT_SYMBOLS)})")
_CURRENCY = re.compile(rf"(?P<c>{alternation(CURRENCY_PREFIXES)})\s*(?P<n>{NUM})(?P<mult>万亿|亿|万)?")


def _degrees(sign: str | None, number: str) -> str:
    return ("零下" if sign else "") + decimal(number.replace(",", ""))


def _unit_name(unit: str) -> str:
    return UNIT_SYMBOLS.get(unit, unit)


def _symbol(m: re.Match) -> str:
    unit = m.group("u")
    following = m.string[m.end():m.end() + 1]
    # a unit spelled with letters must end there: 5m is metres, 5min minutes, 5mAh not 5m + Ah
    if unit[-1].isalpha() and following and (following.isascii() and following.isalnum() or following in "²³"):
        return m.group(0)
    return m.group("n") + UNIT_SYMBOLS[unit]


def units(text: str) -> str:
    """-5℃ -> 零下五摄氏度; 3km -> 3公里 (the number is read later, in its range or alone);
    120千米/小时 -> 120千米每小时; ¥100万 -> 100万元."""
    def temperature(m):
        spoken = _degrees(m.group("sa"), m.group("a"))
        if m.group("b"):
            spoken += "至" + _degrees(m.group("sb"), m.group("b"))
        return spoken + "摄氏度"
    if "℃" in text or "°C" in text:
        text = _TEMPERATURE.sub(temperature, text)
    if "/" in text:
        text = _PER_UNIT.sub(lambda m: m.group("n") + (m.group("mult") or "") + _unit_name(m.group("u")) + "每"
                             + _unit_name(m.group("per")), text)
    text = _UNIT.sub(_symbol, text)
    return _CURRENCY.sub(
        lambda m: m.group("n") + (m.group("mult") or "") + CURRENCY_PREFIXES[m.group("c")], text)


# --- percentages and fractions ---------------------------------------------------------------

_PERCENT_RANGE = re.compile(rf"(?P<sa>{MINUS})?(?P<a>{NUM})\s*(?P<pa>[%‰])?(?P<dash>{DASH})"
                            rf"(?P<sb>-)?(?P<b>{NUM})\s*(?P<pb>[%‰])")
_PERCENT = re.compile(rf"(?P<sa>{MINUS})?(?P<a>{NUM})\s*(?P<pa>[%‰])")
_FRACTION = re.compile(r"(?<![\d/.])(\d+)/(\d+)(?![\d/.])")


def _per(sign: str | None, number: str, mark: str) -> str:
    base = "百分之" if mark == "%" else "千分之"
    return ("负" if sign else "") + base + decimal(number.replace(",", ""))


def percentages(text: str) -> str:
    """5.2% -> 百分之五点二; -3% -> 负百分之三; 5%—10% and 5-10% -> 百分之五至百分之十."""
    def span(m):
        mark = m.group("pb")
        if m.group("pa") not in (None, mark):
            return m.group(0)
        return _per(m.group("sa"), m.group("a"), mark) + "至" + _per(m.group("sb"), m.group("b"), mark)
    if "%" not in text and "‰" not in text:
        return text
    text = _PERCENT_RANGE.sub(span, text)
    return _PERCENT.sub(lambda m: _per(m.group("sa"), m.group("a"), m.group("pa")), text)


def fractions(text: str) -> str:
    """1/3 -> 三分之一."""
    if "/" not in text:
        return text
    return _FRACTION.sub(lambda m: f"{cardinal(m.group(2))}分之{cardinal(m.group(1))}", text)


# --- ranges and plain numbers ----------------------------------------------------------------

_RANGE = re.compile(rf"(?<![\d.])(?P<sa>{MINUS})?(?P<a>{NUM})(?P<dash>{DASH})(?P<b>{NUM})(?![\d.])")
# 6月26日-28日, 2021年-2022年: both ends carry the unit, so the hyphen is no minus sign.
_UNIT_RANGE = re.compile(rf"(?<![\d.])(?P<a>\d+)(?P<u>[年月日号时])(?P<dash>{DASH})(?P<b>\d+)(?P=u)")
_NUMBER = re.compile(rf"(?<![\d.])(?P<s>{MINUS})?(?P<n>{NUM})")


def ranges(text: str) -> str:
    """2021—2025年 -> 二零二一至二零二五年; 1—6月 -> 一至六月; 3-5天, 3–5天, 3~5天 -> 三至五天;
    26日-28日 -> 二十六日至二十八日.
    The first end is read as the second is (both years, both before the same measure word)."""
    def say(m):
        before, after = context(m)
        joiner = m.group("dash").strip()
        joiner = joiner if joiner in ("至", "到") else "至"
        first = read_number((m.group("sa") or "") + m.group("a"), before=before, after=after)
        return first + joiner + read_number(m.group("b"), after=after)

    def with_units(m):
        unit = m.group("u")
        joiner = m.group("dash").strip()
        joiner = joiner if joiner in ("至", "到") else "至"
        return (read_number(m.group("a"), after=unit) + unit + joiner + read_number(m.group("b"), after=unit)
                + unit)
    return _RANGE.sub(say, _UNIT_RANGE.sub(with_units, text))


def plain_numbers(text: str) -> str:
    """Every number left: 381 -> 三百八十一, 2021年 -> 二零二一年, 第1 -> 第一, 2个 -> 两个."""
    def say(m):
        before, after = context(m)
        return read_number((m.group("s") or "") + m.group("n"), before=before, after=after)
    return _NUMBER.sub(say, text)
