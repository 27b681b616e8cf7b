"""Names with numbers in them: model designations and Roman numerals in grades.

歼-10, 长征-5, F-35: the hyphen joins a name to its number (not a minus sign) and is not said;
the number is a name, read 十 / 四十一 up to two digits, digit by digit from three (波音737 ->
波音七三七, like C919 -> C九一九). A hyphen after Chinese counts as a joiner only after a known
stem (歼, 东风...) or before what the name designates (型, 导弹, 雷达...): 利润-300万元 keeps its
minus. Ⅲ级, IV类, II期 are grades: 三级, 四类, 二期.
"""

from __future__ import annotations

import re

from .numbers import cardinal, digits
from .rules import alternation
from .units import DESIGNATED, DESIGNATION_STEMS, MAKERS

_HYPHENATED = re.compile(r"(?<=[\u4e00-\u9fa5A-Za-z])[-‐‑–](?P<n>\d{1,4})(?P<tail>[A-Za-z]{0,3})(?![\d.%‰℃])")
_STEM_END = re.compile(r"(?:%s)$" % alternation(DESIGNATION_STEMS))
_DESIGNATED = re.compile(r"^(?:%s)" % alternation(DESIGNATED))
_MAKER_MODEL = re.compile(r"(?<=%s)(\d{3})(?![\d.])" % "|".join(MAKERS))  # makers: two characters each
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_ROMAN_CHARS = {chr(0x2160 + i): i + 1 for i in range(12)} | {chr(0x2170 + i): i + 1 for i in range(12)}
_GRADE = "级|类|期|度|等|档"
_ROMAN_HINT = re.compile(rf"[IVX{''.join(_ROMAN_CHARS)}](?:{_GRADE}|型)")
# 型 follows a Roman numeral (Ⅱ型, II型糖尿病) but also a letter shape (V型反转, X型): only
# the Roman numeral characters and numerals of two or more letters count there.
_ROMAN = re.compile(rf"(?<![A-Za-z])(?P<r>[{''.join(_ROMAN_CHARS)}](?=型)|[{''.join(_ROMAN_CHARS)}]"
                    rf"|X{{0,3}}(?:IX|IV|V?I{{0,3}})(?={_GRADE})|(?=[IVX]{{2}})X{{0,3}}(?:IX|IV|V?I{{0,3}})(?=型))"
                    rf"(?=[{_GRADE.replace('|', '')}型])")


def model_number(number: str) -> str:
    """The number in a name: 10 -> 十, 41 -> 四十一, 737 -> 七三七, 055 -> 零五五."""
    return digits(number) if len(number) >= 3 or number.startswith("0") else cardinal(number)


def _hyphenated(m: re.Match) -> str:
    before, after = m.string[:m.start()], m.string[m.end():]
    if not (before[-1].isascii() or _STEM_END.search(before) or _DESIGNATED.match(after)):
        return m.group(0)  # 利润-300万元: a real minus sign
    return model_number(m.group("n")) + m.group("tail")


def _roman(numeral: str) -> int:
    if numeral in _ROMAN_CHARS:
        return _ROMAN_CHARS[numeral]
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def designations(text: str) -> str:
    """歼-10 -> 歼十, 东风-41导弹 -> 东风四十一导弹, F-35 -> F三十五, 波音737 -> 波音七三七."""
    if "-" in text or "‐" in text or "‑" in text or "–" in text:
        text = _HYPHENATED.sub(_hyphenated, text)
    return _MAKER_MODEL.sub(lambda m: digits(m.group(1)), text)


def roman_grades(text: str) -> str:
    """Ⅲ级 -> 三级, IV级 -> 四级, II期 -> 二期, 劣Ⅴ类 -> 劣五类 (VI设计 stays)."""
    if not _ROMAN_HINT.search(text):
        return text
    def say(m):
        return cardinal(str(_roman(m.group("r")))) if m.group("r") else m.group(0)
    return _ROMAN.sub(say, text)
