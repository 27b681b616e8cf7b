"""Bylines: where one opens a paragraph, and who it credits.

The one byline reader: layout (is this line a headline? a byline follows it) and articles
(split the byline off the first paragraph) both ask `split_byline`.

    本报讯（全媒体记者 赵继钊 殷雪鸢） -> roles and names
    新华社北京6月26日电（记者 张三）, 人民日报北京6月26日电, 本报太原6月26日讯

Who it credits is strict on purpose: brackets that hold anything but roles and names
(（综合新华社电）) credit nobody.
"""

from __future__ import annotations

import re

_BRACKETS = r"\s*[（(][^）)]{1,40}[）)]"
_AGENCIES = ("新华社", "新華社", "中新社", "中新网", "中新網", "人民日报", "人民日報", "光明日报", "光明日報",
             "经济日报", "經濟日報", "中国日报", "工人日报", "科技日报", "法治日报", "农民日报", "中国青年报",
             "央视网", "人民网", "新华网")
_DATE = r"\d{1,2}月\d{1,2}日"
# 本报讯 / 本报太原6月26日讯 / 本报北京6月26日电 / 新华社北京6月26日电 / 人民日报北京电, each with
# an optional bracket of credits. Without a date, 电 must end the dateline (not 本报记者走访了电厂).
_DATELINE = re.compile(
    r"^(?P<byline>(?:"
    r"本[报報][讯訊]"
    rf"|本[报報][^，。（(\s\d]{{0,8}}?{_DATE}[讯訊电電]"
    rf"|(?:{'|'.join(_AGENCIES)})[^，。（(\s\d]{{0,8}}?(?:{_DATE}[电電讯訊]|[电電讯訊](?=[\s（(]|$))"
    rf"|本[报報][^，。（(\s\d]{{0,8}}?[电電讯訊](?=[\s（(]|$)"
    rf")(?:{_BRACKETS})?)\s*")


def split_byline(paragraph: str) -> tuple[str | None, str]:
    """(byline, the rest) when the paragraph opens with a dateline or byline, else (None, paragraph)."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    return match.group("byline").strip(), paragraph[match.end():]


def starts_with_byline(text: str) -> bool:
    return _DATELINE.match(text) is not None


ROLES = ("全媒体记者", "融媒体记者", "本报记者", "特约记者", "实习记者", "见习记者", "首席记者",
         "摄影记者", "特约通讯员", "记者", "通讯员", "实习生", "摄影", "编辑", "撰稿", "供稿",
         # the same roles in Traditional editions
         "全媒體記者", "本報記者", "特約記者", "實習記者", "見習記者", "攝影記者", "記者", "通訊員", "實習生", "攝影")
_ROLE = re.compile("^(%s)" % "|".join(sorted(ROLES, key=len, reverse=True)))
_BYLINE = re.compile(r"\s*(?P<head>[^（(]*?)\s*(?:[（(](?P<credits>[^）)]*)[）)])?\s*")
_NAME = re.compile(r"[\u4e00-\u9fa5]{2,4}|[\u4e00-\u9fa5]+(?:·[\u4e00-\u9fa5]+)+")
_NOT_A_NAME = re.compile(r"报道|综合|消息|整理|来源|电$|讯$")
_SEPARATORS = re.compile(r"[\s、，,；;/]+")


def byline_parts(byline: str) -> tuple[str, str] | None:
    """(head, text in brackets): 本报讯（记者 郝晓炜） -> ("本报讯", "记者 郝晓炜")."""
    m = _BYLINE.fullmatch(byline)
    return (m.group("head").strip(), (m.group("credits") or "").strip()) if m else None


def credits_of(text: str) -> list[tuple[str, list[str]]] | None:
    """(role, names) groups in order, or None when the brackets hold something other than credits."""
    groups: list[tuple[str, list[str]]] = []
    for token in filter(None, _SEPARATORS.split(text)):
        role = _ROLE.match(token)
        if role:
            groups.append((role.group(1), []))
            token = token[role.end():]
            if not token:
                continue
        if not _NAME.fullmatch(token) or _NOT_A_NAME.search(token):
            return None
        if not groups:
            groups.append(("", []))
        groups[-1][1].append(token)
    return groups if groups and all(names for _, names in groups) else None


def reporters_of(byline: str) -> tuple[str, ...]:
    """The people a byline credits, in order: 本报讯（记者 郝晓炜） -> ("郝晓炜",)."""
    parts = byline_parts(byline)
    groups = credits_of(parts[1]) if parts else None
    return tuple(name for _, names in groups or () for name in names)
