"""Digests: a label line (短讯, 简讯, 本地新闻速览, 一周要闻 ...) followed by short items.

Each item is read as a short article of its own. An item either has its own headline line (and is
an ordinary article to the parser) or opens with a bold lead-in: ■市场监管 本市…, 【文化旅游】…
The label itself is never a headline: it is listed as not read.
"""

from __future__ import annotations

import re

_LABEL = re.compile(
    r"^[【\[■◆●▲★]?\s*(?:[\u4e00-\u9fa5]{0,6}(?:短讯|简讯|快讯|速览|速递|快递|速读|简报|集锦|一览|资讯)"
    r"|一周要闻|今日要闻|要闻速览|图片新闻)\s*[】\]]?$")
_LEAD_IN = re.compile(
    r"^(?:[■◆●▲★□▶►]\s*)?(?:[【\[](?P<bracketed>[^】\]]{2,16})[】\]]"
    r"|(?<=[■◆●▲★□▶►])\s*(?P<plain>[^\s：:，。；！？]{2,16})(?:\s*[：:]\s*|\s+))\s*(?P<rest>\S.*)$")


def is_digest_label(line: str) -> bool:
    return bool(_LABEL.match(line))


def lead_in(paragraph: str) -> tuple[str, str] | None:
    """(item headline, the rest) for a digest item with a bold lead-in: ■市场监管 本市… ->
    ("市场监管", "本市…"); None for any other paragraph."""
    match = _LEAD_IN.match(paragraph)
    if not match:
        return None
    return (match.group("bracketed") or match.group("plain")).strip(), match.group("rest")
