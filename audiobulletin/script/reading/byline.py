"""Bylines read the way a newsreader says them.

本报讯（全媒体记者 赵继钊 殷雪鸢） -> 本报全媒体记者赵继钊、殷雪鸢报道
新华社北京6月26日电（记者 张三）  -> 新华社北京6月26日电，记者张三报道
The result is still written text (digits and all): run it through `to_spoken` like any segment.
Who a byline credits is the parse stage's business (parse/byline.py).
"""

from __future__ import annotations

from ...parse.byline import byline_parts, credits_of, reporters_of

__all__ = ["reporters_of", "spoken_byline"]


def spoken_byline(byline: str) -> str:
    """A byline as a newsreader says it: no brackets, names joined by 、, ending in 报道."""
    parts = byline_parts(byline)
    if not parts:
        return byline.strip()
    head, credits_text = parts
    groups = credits_of(credits_text)
    credited = "，".join(role + "、".join(names) for role, names in groups) + "报道" if groups else ""
    if head.endswith("讯"):
        if head == "本报讯" and groups and groups[0][0]:
            return "本报" + credited  # 本报记者某某报道
        head = head[:-1] + "消息"  # 本报讯 -> 本报消息; 本报太原6月26日讯 -> 本报太原6月26日消息
    said = credited or credits_text
    return f"{head}，{said}" if head and said else head or said
