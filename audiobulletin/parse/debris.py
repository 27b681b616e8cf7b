"""Page furniture that is never spoken: e-paper headers, per-article meta lines, share and print
links. Photo captions and trailing credits are kept, but told apart from headlines."""

from __future__ import annotations

import re

_DEBRIS = [re.compile(p) for p in (
    r"^[A-Z]\d{1,2}\s*[:：]",                                  # A1:要闻 总第25061期 >2021年06月27日编印
    r"^第?\s*[A-Z]?\d{1,3}\s*版\s*[:：]?",                     # 第3版：要闻
    r"总第\s*\d+\s*期",
    r"^(?:刊发日期|发布日期|发布时间|阅读次数|浏览次数|点击数|作者|来源|稿件来源|责任编辑|责编|编辑|校对|版次|版名|字数)\s*[:：]",
    r"^(?:语音阅读|朗读|播放|返回目录|返回顶部|返回|上一篇|下一篇|上一期|下一期|上一版|下一版|往期回顾)"
    r"(?:\s+(?:语音阅读|朗读|播放|返回目录|返回顶部|返回|上一篇|下一篇|上一期|下一期|上一版|下一版))*$",
    r"^(?:分享到|分享至|扫一扫|扫码)",
    r"^[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏|字体|字号)",
    r"^(?:https?://|www\.)\S+$",
    r"^[-=_*·—]{3,}$",                                           # rules drawn with characters
    r"^(?:本版责编|本版编辑|本版校对|美编|版式设计)",
)]
_EDITION_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:编印|出版)?")
_CAPTION = re.compile(r"^(?:图为|图[:：]|（图|\(图|上图|下图|左图|右图)"
                      r"|(?:\s|^)\S{2,4}\s*摄[）)]?$|[（(][^）)]*摄[）)]$")
_CREDIT = re.compile(r"^[（(][^（）()]{1,30}[）)]$")


def is_debris(line: str) -> bool:
    return any(p.search(line) for p in _DEBRIS)


def is_caption(line: str) -> bool:
    return bool(_CAPTION.search(line))


def is_credit(line: str) -> bool:
    """A credit on its own line at an article's end: （王晓明） or （本报记者 赵丽）."""
    return bool(_CREDIT.match(line))


def date_in_header(line: str) -> tuple[int, int, int] | None:
    match = _EDITION_DATE.search(line)
    if not match:
        return None
    year, month, day = (int(group) for group in match.groups())
    return year, month, day
