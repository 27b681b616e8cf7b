"""The episode's spoken frame: the intro (paper, date, the day's headlines, or for an edition in
sections the sections and how many articles each holds), each section's opening (its name and
its headlines), and the outro.
Lines are written text; the reader (normaliser) turns 2021年6月27日 into 二零二一年六月二十七日."""

from __future__ import annotations

import datetime as dt

_WEEKDAYS = "一二三四五六日"


def written_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日，星期{_WEEKDAYS[date.weekday()]}"


def intro_lines(paper: str, date: dt.date | None, headlines: list[str]) -> list[str]:
    lines = [f"这里是{paper}有声版。"]
    if date:
        lines.append(f"今天是{written_date(date)}。")
    lines.append(f"今天的主要内容有{len(headlines)}条：")
    lines += [f"第{number}条，{headline}。" for number, headline in enumerate(headlines, start=1)]
    return lines


def sectioned_intro_lines(paper: str, date: dt.date | None, sections: list[tuple[str, int]]) -> list[str]:
    """The intro of an edition in sections: `sections` are (title, number of articles)."""
    lines = [f"这里是{paper}有声版。"]
    if date:
        lines.append(f"今天是{written_date(date)}。")
    total = sum(count for _, count in sections)
    lines.append(f"今天共有{len(sections)}个版面，{total}篇文章：")
    lines.append("，".join(f"{title}{count}篇" for title, count in sections) + "。")
    return lines


def section_lines(title: str, page: str | None, headlines: list[str]) -> list[str]:
    """A section's opening: its name (and page), then its headlines."""
    where = f"第{int(page)}版，" if page and page.isdigit() and not title.startswith("第") else ""
    lines = [f"{where}{title}，本版共{len(headlines)}篇："]
    lines += [f"第{number}篇，{headline}。" for number, headline in enumerate(headlines, start=1)]
    return lines


def outro_lines(paper: str) -> list[str]:
    return [f"以上就是今天的{paper}有声版，感谢收听，我们明天再会。"]
