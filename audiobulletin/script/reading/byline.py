"""Bylines read the way a newsreader says them, and the reporters they credit.

本报讯（全媒体记者 赵继钊 殷雪鸢） -> 本报全媒体记者赵继钊、殷雪鸢报道
新华社北京6月26日电（记者 张三）  -> 新华社北京6月26日电，记者张三报道
The result is still written text (digits and all): run it through `to_spoken` like any segment.
"""

from __future__ import annotations

import re

ROLES = ("全媒体记者", "融媒体记者", "本报记者", "特约记者", "实习记者", "见习记者", "首席记者",
         "摄影记者", "特约通讯员", "记者", "通讯员", "实习生", "摄影", "编辑", "撰稿", "供稿")
_ROLE = re.compile("^(%s)" % "|".join(sorted(ROLES, key=len, reverse=True)))
_BYLINE = re.compile(r"\s*(?P<head>[^（(]*?)\s*(?:[（(](?P<credits>[^）)]*)[）)])?\s*")
_NAME = re.compile(r"[\u4e00-\u9fa5]{2,4}|[\u4e00-\u9fa5]+(?:·[\u4e00-\u9fa5]+)+")
_NOT_A_NAME = re.compile(r"报道|综合|消息|整理|来源|电$|讯$")
_SEPARATORS = re.compile(r"[\s、，,；;/]+")


def _credits(text: str) -> list[tuple[str, list[str]]] | None:
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
    m = _BYLINE.fullmatch(byline)
    groups = _credits(m.group("credits") or "") if m else None
    return tuple(name for _, names in groups or () for name in names)


def spoken_byline(byline: str) -> str:
    """A byline as a newsreader says it: no brackets, names joined by 、, ending in 报道."""
    m = _BYLINE.fullmatch(byline)
    if not m:
        return byline.strip()
    head, credits_text = m.group("head").strip(), (m.group("credits") or "").strip()
    groups = _credits(credits_text)
    credited = groups and "，".join(role + "、".join(names) for role, names in groups) + "报道"
    if head.endswith("讯"):
        if head == "本报讯" and groups and groups[0][0]:
            return "本报" + credited  # 本报记者某某报道
        head = head[:-1] + "消息"  # 本报讯 -> 本报消息; 本报太原6月26日讯 -> 本报太原6月26日消息
    said = credited or credits_text
    return f"{head}，{said}" if head and said else head or said
