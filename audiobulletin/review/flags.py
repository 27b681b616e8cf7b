"""What in a segment deserves an editor's look before it goes out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..script.reading import Lexicon
from ..script.sentences import speakable
from .readings import SegmentReading

_NUMBER = re.compile(r"[0-9０-９][0-9０-９.,:：/\-—～~%％‰℃°·．]*[%％‰℃°]?")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")
_UNSAID = re.compile(r"\[([^\]]+)\]")
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")

KINDS = {
    "number": "数字或单位已改写",
    "latin": "拉丁字母",
    "rare": "生僻字",
    "polyphone": "多音字按上下文读",
    "lexicon": "词典条目",
    "unsayable": "无法朗读",
}
"""Flag kind -> how the page names it."""


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def is_rare(char: str) -> bool:
    """Not among the 3755 common characters (GB 2312 level 1): names and rare words to check."""
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return True
    return lead >= 0xD8


def flags_for(reading: SegmentReading, engine: str, lexicon: Lexicon | None) -> tuple[Flag, ...]:
    from ..speech.pinyin import context_readings

    segment = reading.segment
    text, spoken = segment.text, segment.spoken
    flags = []
    numbers = _NUMBER.findall(text)
    if numbers and spoken != text:
        flags.append(Flag("number", "、".join(dict.fromkeys(numbers))))
    latin = _LATIN.findall(text)
    if latin:
        flags.append(Flag("latin", "、".join(dict.fromkeys(latin))))
    rare = [c for c in dict.fromkeys(_HAN.findall(text)) if is_rare(c)]
    if rare:
        flags.append(Flag("rare", "".join(rare)))
    polyphones = [f"{char} {said}（常读 {usual}）"
                  for char, said, usual in dict.fromkeys(context_readings(spoken, lexicon))]
    if polyphones:
        flags.append(Flag("polyphone", "；".join(polyphones)))
    if reading.hits:
        flags.append(Flag("lexicon", "、".join(e.written for e in reading.hits)))
    unsaid = _UNSAID.findall(reading.engine_input) if engine == "offline" else (
        [] if speakable(spoken) else [spoken])
    if unsaid:
        flags.append(Flag("unsayable", "、".join(dict.fromkeys(unsaid))))
    return tuple(flags)
