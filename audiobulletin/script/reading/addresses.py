"""E-mail and web addresses, read the way a newsreader gives them out: every symbol said
(tyrb@163.com -> tyrb艾特幺六三点com), digits one by one, the letters left for the voice to say.
The scheme (http://) and a final slash are not said."""

from __future__ import annotations

import re

from .numbers import digits

_TLD = r"(?:com|cn|net|org|gov|edu|info|io|hk|mo|tw|top|xyz|mil|int|biz|tv|cc|me|uk|jp)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?<![A-Za-z0-9.@+_-])[A-Za-z0-9][A-Za-z0-9._+-]*@(?:{_LABEL}\.)+{_TLD}(?![A-Za-z0-9-])",
                    re.IGNORECASE)
_WEB = re.compile(rf"(?<![A-Za-z0-9.@/_-])(?:https?://)?(?:{_LABEL}\.)+{_TLD}(?![A-Za-z0-9-])(?:/[A-Za-z0-9._~%/?=&#-]*)?",
                  re.IGNORECASE)
SYMBOLS = {".": "点", "@": "艾特", "/": "斜杠", "-": "杠", "_": "下划线", ":": "冒号", "?": "问号",
           "=": "等于", "&": "和", "#": "井号", "~": "波浪号", "%": "百分号", "+": "加"}
_PIECE = re.compile(r"[A-Za-z]+|\d+|.")


def spoken_address(address: str) -> str:
    """news@tyrb.com.cn -> news艾特tyrb点com点cn; https://www.gov.cn/zhengce/ -> www点gov点cn斜杠zhengce."""
    address = re.sub(r"^https?://", "", address, flags=re.IGNORECASE).rstrip("/")
    out = []
    for piece in _PIECE.findall(address):
        if piece.isdigit():
            out.append(digits(piece, phone=True))
        else:
            out.append(SYMBOLS.get(piece, piece))
    return "".join(out)


def addresses(text: str) -> str:
    if "." not in text and "@" not in text:
        return text
    text = _EMAIL.sub(lambda m: spoken_address(m.group(0)), text)
    return _WEB.sub(lambda m: spoken_address(m.group(0)), text)
