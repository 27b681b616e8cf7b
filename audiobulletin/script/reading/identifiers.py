"""Digit strings that name something rather than count it: read digit by digit, 1 as 幺.

Phone numbers and hotlines (0351-1234567, 12345热线), service numbers on their own (12315, 95598),
area codes in brackets, codes after a cue word (邮编, 工号, 股票代码), plates (晋A·88888), trains,
flights and buses (G1234次, MU5735航班, 901路) and room numbers (805室). The same digits before a
measure word or after 共/达 are a quantity (共12345件, 95598户).
"""

from __future__ import annotations

import re

from .numbers import digits
from .rules import alternation, is_measure
from .units import CODE_CUES, HOTLINE_SUFFIXES, PHONE_CUES, QUANTITY_CUES

_AREA_PHONE = re.compile(r"(?<![\d-])(0\d{2,3})-(\d{7,8})(?![\d-])")
_SERVICE_PHONE = re.compile(r"(?<![\d-])([48]00)-?(\d{3})-?(\d{4})(?![\d-])")
_MOBILE = re.compile(r"(?<![\d.,-])(1[3-9]\d{9})(?![\d.,-])")
_CUED = re.compile(
    r"(?P<cue>%s)(?P<gap>[：:\s]*(?:是|为)?[：:\s]*)(?P<n>\d{3,}(?:-\d{3,})*)(?![\d.,%%])"
    % alternation(PHONE_CUES + CODE_CUES))
# Service numbers: 110, 114, 119, 120, 122, 12xxx (12345, 12315...), 95xxx, 96xxx(x), 100xx.
_HOTLINE = re.compile(r"(?<![\d.,-])(1[12]\d|12\d{3}|9[56]\d{3,4}|100\d{2})(?=%s)" % alternation(HOTLINE_SUFFIXES))
# Bare 121xx-123xx and 95xxx (not round: 12300 is a quantity) are the national service numbers.
_SERVICE_NUMBER = re.compile(r"(?<![\dA-Za-z.,-])((?:12[123]|95\d)(?!00)\d\d)(?![\d.,%])")
_AREA_CODE = re.compile(r"(?P<open>[（(])(?P<code>0\d{2,3})(?P<close>[）)])(?P<n>\d{7,8})?(?!\d)")
_PLATE = re.compile(r"(?P<p>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])(?P<l>[A-Z])"
                    r"[·•・.\s]?(?P<tail>[A-Z0-9]{5,6})(?![A-Za-z0-9])")
_TRAIN = re.compile(r"(?<![A-Za-z])(?P<l>[A-Z]{1,2})(?P<n>\d{1,4})(?=次|航班)"
                    r"|(?<=乘坐|搭乘)(?P<l2>[A-Z]{1,2})(?P<n2>\d{1,4})(?![\d.])")
_ROOM = re.compile(r"(?<![\d.])(\d{3,5})(?=室|房间|号房|寝室)|(?:(?<=单元)|(?<=座)|(?<=号楼))(\d{3,5})(?![\d.])")
_BUS = re.compile(r"(?<![\d.])(\d{3,4})(?=路)(?!路段|路口|路面|路径|路况|路程|路费|路人|路线|路灯|路网|路基|路标|路牌)")


def code(number: str) -> str:
    """Digit by digit with 幺, parts of a dashed number apart: 0351-1234567 -> 零三五幺 幺二三四五六七."""
    return " ".join(digits(part, phone=True) for part in number.split("-"))


def phones(text: str) -> str:
    """0351-1234567, 400-123-4567, 13912345678, 拨打12345, 12345热线 -> 幺二三四五."""
    text = _AREA_PHONE.sub(lambda m: code(m.group(1)) + " " + code(m.group(2)), text)
    text = _SERVICE_PHONE.sub(lambda m: " ".join(code(g) for g in m.groups()), text)
    text = _MOBILE.sub(lambda m: code(m.group(1)), text)
    text = _CUED.sub(lambda m: m.group("cue") + m.group("gap") + code(m.group("n")), text)
    return _HOTLINE.sub(lambda m: code(m.group(1)), text)


def _service_number(m: re.Match) -> str:
    before, after = m.string[max(0, m.start() - 2):m.start()], m.string[m.end():m.end() + 2]
    if is_measure(after) or before.endswith(QUANTITY_CUES) or before.endswith("第"):
        return m.group(0)  # 共12345件, 12315元: a quantity
    return code(m.group(1))


def _room(m: re.Match) -> str:
    if m.group(2) and (is_measure(m.string[m.end():]) or m.string[m.end():].startswith(("余", "多"))):
        return m.group(0)  # 大楼内500余人: people, not a room
    return code(m.group(1) or m.group(2))


def identifiers(text: str) -> str:
    """12315 -> 幺二三幺五; （0351） -> （零三五幺）; 晋A·88888 -> 晋A八八八八八; G1234次 -> G幺二三四次;
    901路 -> 九零幺路; 805室 -> 八零五室."""
    text = _PLATE.sub(lambda m: m.group("p") + m.group("l") + re.sub(r"\d+", lambda d: code(d.group(0)),
                                                                     m.group("tail")), text)
    text = _SERVICE_NUMBER.sub(_service_number, text)
    text = _AREA_CODE.sub(lambda m: m.group("open") + code(m.group("code")) + m.group("close")
                          + code(m.group("n") or ""), text)
    text = _TRAIN.sub(lambda m: (m.group("l") or m.group("l2")) + code(m.group("n") or m.group("n2")), text)
    text = _ROOM.sub(_room, text)
    return _BUS.sub(lambda m: code(m.group(1)), text)
