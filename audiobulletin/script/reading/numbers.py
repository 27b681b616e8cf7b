"""Arabic numerals -> Mandarin readings (pure functions on digit strings).

Conventions (what a newsreader says, applied everywhere):
- 两 for a 2 in the 千 place of a group and for a group that is exactly 2 before 万/亿
  (2000 -> 两千, 22468 -> 两万两千四百六十八, 2亿 -> 两亿); 二 in the 百 and 十 places
  (200 -> 二百). A whole number that is just 2 says 两 only before a measure word (the caller
  decides: `cardinal("2", liang=True)`).
- Decimals read every written digit after 点, trailing zeros too (381.60 -> 三百八十一点六零):
  the zero is in the copy because it carries precision, and newsreaders read it.
- Years, phone numbers and codes are read digit by digit; phone numbers say 幺 for 1
  (12345 -> 幺二三四五), the broadcast convention that keeps 1 and 7 apart; years say 一.
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")
_GROUPS = ("", "万", "亿", "万亿")
MAX_CARDINAL_DIGITS = 16
"""Longer digit runs (ids, serial numbers) are read digit by digit."""


def digits(number: str, *, phone: bool = False) -> str:
    """Digit by digit: 2021 -> 二零二一; with `phone`, 1 is 幺 (12345 -> 幺二三四五)."""
    table = "零幺二三四五六七八九" if phone else DIGITS
    return "".join(table[int(d)] for d in number if d.isdigit())


def _group(value: str, *, leading: bool, before_unit: bool) -> str:
    """Read one group of up to four digits (no group unit)."""
    value = value.rjust(4, "0")
    if before_unit and value.lstrip("0") == "2":
        return "两"
    out, zero_pending, started = [], False, False
    for place, d in zip((3, 2, 1, 0), value):
        if d == "0":
            zero_pending = started
            continue
        if zero_pending or (not started and not leading and place < 3):
            out.append("零")  # 1005 -> 一千零五; 10,0005 -> 十万零五
        zero_pending, started = False, True
        if place == 1 and d == "1" and leading and len(out) == 0:
            out.append("十")  # 10..19 at the start: 十五, not 一十五
            continue
        word = "两" if (d == "2" and place == 3) else DIGITS[int(d)]
        out.append(word + _PLACES[place])
    return "".join(out)


def cardinal(number: str, *, liang: bool = False) -> str:
    """An integer (digits only, no sign or separators) read as a quantity.

    `liang`: the whole number is followed by a measure word, so a lone 2 is 两 (两个, 两天).
    """
    number = number.lstrip("0") or "0"
    if number == "0":
        return "零"
    if len(number) > MAX_CARDINAL_DIGITS:
        return digits(number)
    if number == "2":
        return "两" if liang else "二"
    groups: list[str] = []
    while number:
        groups.insert(0, number[-4:])
        number = number[:-4]
    out = []
    pending_zero = False
    for i, group in enumerate(groups):
        unit_index = len(groups) - 1 - i
        if int(group) == 0:
            pending_zero = True
            continue
        leading = i == 0
        reading = _group(group, leading=leading, before_unit=unit_index > 0)
        if not leading and (pending_zero or group[0] == "0") and not reading.startswith("零"):
            reading = "零" + reading  # 1,0000,0005 -> 一亿零五
        out.append(reading + _GROUPS[unit_index])
        pending_zero = False
    return "".join(out)


def decimal(number: str, *, liang: bool = False) -> str:
    """An unsigned number with optional decimals: 3.14 -> 三点一四, 381.60 -> 三百八十一点六零."""
    whole, _, fraction = number.partition(".")
    reading = cardinal(whole or "0", liang=liang and not fraction)
    if fraction:
        reading += "点" + digits(fraction)
    return reading


def year(number: str) -> str:
    """Years are read digit by digit: 2021 -> 二零二一."""
    return digits(number)
