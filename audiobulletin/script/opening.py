"""The episode's spoken frame: the intro (paper, date, the day's headlines) and the outro."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"
_WEEKDAYS = "一二三四五六日"


def small_number(n: int) -> str:
    """1..99 as read aloud: 6 -> 六, 10 -> 十, 26 -> 二十六."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def written_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日，星期{_WEEKDAYS[date.weekday()]}"


def spoken_date(date: dt.date) -> str:
    """2021-06-27 -> 二零二一年六月二十七日，星期日 (years digit by digit, as newsreaders do)."""
    year = "".join(_DIGITS[int(d)] for d in str(date.year))
    return f"{year}年{small_number(date.month)}月{small_number(date.day)}日，星期{_WEEKDAYS[date.weekday()]}"


def intro_lines(paper: str, date: dt.date | None, headlines: list[str]) -> list[tuple[str, str]]:
    """(written, spoken) sentences of the intro, headline list included."""
    lines = [(f"这里是{paper}有声版。", f"这里是{paper}有声版。")]
    if date:
        lines.append((f"今天是{written_date(date)}。", f"今天是{spoken_date(date)}。"))
    lines.append((f"今天的主要内容有{small_number(len(headlines))}条：",) * 2 if len(headlines) < 100
                 else ("今天的主要内容：",) * 2)
    for number, headline in enumerate(headlines, start=1):
        ordinal = f"第{small_number(number)}条，" if number < 100 else ""
        lines.append((f"{ordinal}{headline}。", f"{ordinal}{headline}。"))
    return lines


def outro_lines(paper: str) -> list[tuple[str, str]]:
    text = f"以上就是今天的{paper}有声版，感谢收听，我们明天再会。"
    return [(text, text)]
