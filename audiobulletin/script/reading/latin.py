"""Full-width forms, and acronyms the offline voice says in Chinese.

For the offline voice an acronym becomes its usual Chinese reading when the table below knows one
(GDP -> 国内生产总值). Any other Latin letters stay letters for every voice: the online voices say
them, and the offline voice's frontend says each letter's English name in syllables it has
(speech/mandarin_frontend.py: 5G -> wu3 ji1), not Chinese characters that would be read as words.
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

# an acronym may run into a number (iPhone13) but not into more letters (APPLE is not APP + LE)
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])(?:%s)(?![A-Za-z])" % "|".join(
    re.escape(k) for k in sorted(ACRONYMS, key=len, reverse=True)))


def read_acronyms(text: str) -> str:
    """Replace the acronyms the table knows with their Chinese reading."""
    return _ACRONYM.sub(lambda m: ACRONYMS[m.group(0)], text)
