"""Full-width forms, and Latin letters for a voice that cannot say them.

The offline voice's frontend skips Latin letters silently (see FINDINGS.md), so for it an acronym
becomes its usual Chinese reading when the table below knows one (GDP -> 国内生产总值), and any
other letters are spelled with Chinese syllables close to the English letter names
(A -> 诶, B -> 比, ... "A股" -> 诶股, "5G" -> 五吉). The online voice reads letters itself.
"""

from __future__ import annotations

import re

# Full-width digits, letters and a few symbols fold to ASCII; full-width pause punctuation
# (，。、；：！？) is kept: it is what the caller splits on.
_FULL_WIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULL_WIDTH.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FULL_WIDTH.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FULL_WIDTH.update({ord(a): ord(b) for a, b in zip("％＋－−＝＃＠＆＊＜＞～‐‑", "%+--=#@&*<>~--")})
_FULL_WIDTH[0x3000] = ord(" ")  # ideographic space (paragraph indents)
_BETWEEN_DIGITS = re.compile(r"(?<=\d)([．：∶／])(?=\d)")
_NARROW = {"．": ".", "：": ":", "∶": ":", "／": "/"}


def fold_width(text: str) -> str:
    """１２３ -> 123, ＧＤＰ -> GDP, １４：３０ -> 14:30, ５．２％ -> 5.2%."""
    text = text.translate(_FULL_WIDTH)
    return _BETWEEN_DIGITS.sub(lambda m: _NARROW[m.group(1)], text)


# Usual Chinese readings of acronyms and Latin names in news copy (offline voice only).
ACRONYMS = {
    "GDP": "国内生产总值", "CPI": "居民消费价格指数", "PPI": "工业生产者出厂价格指数",
    "PMI": "采购经理指数", "IPO": "首次公开募股", "WHO": "世界卫生组织", "WTO": "世界贸易组织",
    "UN": "联合国", "EU": "欧盟", "NATO": "北约", "APEC": "亚太经合组织", "NBA": "美国职业篮球联赛",
    "CBA": "中国男子篮球职业联赛", "AI": "人工智能", "VR": "虚拟现实", "AR": "增强现实",
    "IT": "信息技术", "CEO": "首席执行官", "ETC": "电子不停车收费", "ICU": "重症监护室",
    "APP": "应用程序", "App": "应用程序", "app": "应用程序", "iPhone": "苹果手机",
    "iPad": "苹果平板电脑", "WiFi": "无线网络", "Wi-Fi": "无线网络", "WIFI": "无线网络",
    "COVID-19": "新冠肺炎",
}

LETTER_NAMES = {
    "A": "诶", "B": "比", "C": "西", "D": "迪", "E": "伊", "F": "艾弗", "G": "吉", "H": "艾尺",
    "I": "艾", "J": "杰", "K": "开", "L": "艾勒", "M": "艾姆", "N": "恩", "O": "欧", "P": "批",
    "Q": "丘", "R": "阿尔", "S": "艾斯", "T": "提", "U": "优", "V": "维", "W": "达布留",
    "X": "艾克斯", "Y": "歪", "Z": "贼德",
}

_ACRONYM = re.compile(r"(?<![A-Za-z0-9])(?:%s)(?![A-Za-z0-9])" % "|".join(
    re.escape(k) for k in sorted(ACRONYMS, key=len, reverse=True)))
_LETTERS = re.compile(r"[A-Za-z]+")


def read_acronyms(text: str) -> str:
    """Replace the acronyms the table knows with their Chinese reading."""
    return _ACRONYM.sub(lambda m: ACRONYMS[m.group(0)], text)


def spell_letters(text: str) -> str:
    """Every remaining Latin letter -> its Chinese letter name (CT -> 西提)."""
    return _LETTERS.sub(lambda m: "".join(LETTER_NAMES[c] for c in m.group(0).upper()), text)
