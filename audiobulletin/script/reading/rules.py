"""Numbers in context: each pass turns the digit forms it recognises into words.

The passes run in order, most specific first (an ISO date before a range, a phone number before
a plain number); once a pass has read some digits, later passes no longer see them.
"""

from __future__ import annotations

import re
from typing import Callable

from .numbers import cardinal, decimal, digits, year
from .units import (CALENDAR_UNITS, CURRENCY_PREFIXES, HOTLINE_SUFFIXES, MEASURE_WORDS, NOT_MEASURE,
                    PHONE_CUES, SCORE_CUES, SCORE_VERBS, UNIT_SYMBOLS, YEAR_SUFFIXES)

NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""An unsigned number, with thousands separators or not, with decimals or not."""
MINUS = r"(?<![0-9A-Za-z)）%])-"
"""A minus sign: a hyphen that does not follow a digit, a letter or a closing bracket."""
DASH = r"\s*[—～~\-至到]\s*"
"""What joins the two ends of a range."""


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _is_measure(after: str) -> bool:
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
    return sign + decimal(plain, liang=_is_measure(after))


def _context(m: re.Match, width: int = 4) -> tuple[str, str]:
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


# --- phone numbers and hotlines: digit by digit, 1 as 幺 --------------------------------------

_AREA_PHONE = re.compile(r"(?<![\d-])(0\d{2,3})-(\d{7,8})(?![\d-])")
_SERVICE_PHONE = re.compile(r"(?<![\d-])([48]00)-?(\d{3})-?(\d{4})(?![\d-])")
_MOBILE = re.compile(r"(?<![\d.,-])(1[3-9]\d{9})(?![\d.,-])")
_CUED_PHONE = re.compile(
    r"(?P<cue>%s)(?P<gap>[：:\s]*(?:是|为)?[：:\s]*)(?P<n>\d{3,}(?:-\d{3,})*)(?![\d.,%%])"
    % _alternation(PHONE_CUES))
# Service numbers: 110, 114, 119, 120, 122, 12xxx (12345, 12315...), 95xxx and 96xxx(x).
_HOTLINE = re.compile(r"(?<![\d.,-])(1[12]\d|12\d{3}|9[56]\d{3,4})(?=%s)" % _alternation(HOTLINE_SUFFIXES))


def _phone(number: str) -> str:
    return " ".join(digits(part, phone=True) for part in number.split("-"))


def phones(text: str) -> str:
    """0351-1234567, 400-123-4567, 13912345678, 拨打12345, 12345热线 -> 幺二三四五."""
    text = _AREA_PHONE.sub(lambda m: _phone(m.group(1)) + " " + _phone(m.group(2)), text)
    text = _SERVICE_PHONE.sub(lambda m: " ".join(_phone(g) for g in m.groups()), text)
    text = _MOBILE.sub(lambda m: _phone(m.group(1)), text)
    text = _CUED_PHONE.sub(lambda m: m.group("cue") + m.group("gap") + _phone(m.group("n")), text)
    return _HOTLINE.sub(lambda m: _phone(m.group(1)), text)


# --- times of day and scores -----------------------------------------------------------------

_COLON_PAIR = re.compile(r"(?<![\d:.])(\d{1,3}):(\d{1,3})(?::(\d{2}))?(?![\d:])")
_SCORE_CUE = re.compile(r"(?:%s)[^，。；！？\d]{0,4}$" % _alternation(SCORE_CUES))
_SCORE_VERB = re.compile(r"^[^，。；！？\d]{0,3}(?:%s)" % _alternation(SCORE_VERBS))


def _clock(hours: str, minutes: str, seconds: str | None) -> str:
    spoken = cardinal(hours, liang=True) + "点"  # 2:00 -> 两点
    if int(minutes) or seconds:
        spoken += (digits(minutes) if minutes.startswith("0") else cardinal(minutes)) + "分"
    if seconds and int(seconds):
        spoken += (digits(seconds) if seconds.startswith("0") else cardinal(seconds)) + "秒"
    return spoken


def times_and_scores(text: str) -> str:
    """14:30 -> 十四点三十分; 以3:1战胜 -> 以三比一战胜; 1:500 -> 一比五百."""
    def say(m):
        a, b, seconds = m.groups()
        before, after = m.string[max(0, m.start() - 12):m.start()], m.string[m.end():m.end() + 6]
        score = _SCORE_CUE.search(before) or _SCORE_VERB.search(after)
        time_like = len(b) == 2 and int(a) <= 24 and int(b) < 60
        if seconds or (time_like and not score):
            return _clock(a, b, seconds)
        return f"{cardinal(a)}比{cardinal(b)}"
    return _COLON_PAIR.sub(say, text)


# --- units, temperatures, money --------------------------------------------------------------

_TEMPERATURE = re.compile(
    rf"(?P<sa>{MINUS})?(?P<a>{NUM})(?:\s*(?:℃|°C)?(?P<dash>{DASH})(?P<sb>-)?(?P<b>{NUM}))?\s*(?:℃|°C)")
_UNIT = re.compile(rf"(?P<n>{NUM})\s*(?P<u>{_alternation(UNIT_SYMBOLS)})(?![A-Za-z0-9²³])")
_CURRENCY = re.compile(rf"(?P<c>{_alternation(CURRENCY_PREFIXES)})\s*(?P<n>{NUM})(?P<mult>万亿|亿|万)?")


def _degrees(sign: str | None, number: str) -> str:
    return ("零下" if sign else "") + decimal(number.replace(",", ""))


def units(text: str) -> str:
    """-5℃ -> 零下五摄氏度; 3km -> 3公里 (the number is read later, in its range or alone);
    ¥100万 -> 100万元."""
    def temperature(m):
        spoken = _degrees(m.group("sa"), m.group("a"))
        if m.group("b"):
            spoken += "至" + _degrees(m.group("sb"), m.group("b"))
        return spoken + "摄氏度"
    text = _TEMPERATURE.sub(temperature, text)
    text = _UNIT.sub(lambda m: m.group("n") + UNIT_SYMBOLS[m.group("u")], text)
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
    text = _PERCENT_RANGE.sub(span, text)
    return _PERCENT.sub(lambda m: _per(m.group("sa"), m.group("a"), m.group("pa")), text)


def fractions(text: str) -> str:
    """1/3 -> 三分之一."""
    return _FRACTION.sub(lambda m: f"{cardinal(m.group(2))}分之{cardinal(m.group(1))}", text)


# --- ranges and plain numbers ----------------------------------------------------------------

_RANGE = re.compile(rf"(?<![\d.])(?P<sa>{MINUS})?(?P<a>{NUM})(?P<dash>{DASH})(?P<b>{NUM})(?![\d.])")
_NUMBER = re.compile(rf"(?<![\d.])(?P<s>{MINUS})?(?P<n>{NUM})")


def ranges(text: str) -> str:
    """2021—2025年 -> 二零二一至二零二五年; 1—6月 -> 一至六月; 3-5天 -> 三至五天.
    The first end is read as the second is (both years, both before the same measure word)."""
    def say(m):
        before, after = _context(m)
        joiner = m.group("dash").strip()
        joiner = joiner if joiner in ("至", "到") else "至"
        first = read_number((m.group("sa") or "") + m.group("a"), before=before, after=after)
        return first + joiner + read_number(m.group("b"), after=after)
    return _RANGE.sub(say, text)


def plain_numbers(text: str) -> str:
    """Every number left: 381 -> 三百八十一, 2021年 -> 二零二一年, 第1 -> 第一, 2个 -> 两个."""
    def say(m):
        before, after = _context(m)
        return read_number((m.group("s") or "") + m.group("n"), before=before, after=after)
    return _NUMBER.sub(say, text)


NUMBER_PASSES: tuple[Callable[[str], str], ...] = (
    iso_dates, event_dates, phones, times_and_scores, units, percentages, fractions, ranges, plain_numbers)
