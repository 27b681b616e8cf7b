"""Half-width punctuation in Chinese text -> the full-width forms the rest of the pipeline expects.

Only lines with Chinese characters are touched, and never inside numbers: 12,468 and 14:30 and
8.5 keep their ASCII marks.
"""

from __future__ import annotations

import re

_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_SIMPLE = {";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_COMMA = re.compile(r",(?!(?<=\d,)\d{3}(?!\d))")          # not a thousands separator
_COLON = re.compile(r":(?!(?<=\d:)\d)")                    # not 14:30 or 3:1
_PERIOD = re.compile(r"(?<![A-Za-z.])\.(?![\d.])")             # not 8.5, not Mr., not ...


def full_width(line: str) -> str:
    if not _HAS_CJK.search(line):
        return line
    if '"' in line:  # straight quotes alternate open/close within a line
        parts = line.split('"')
        line = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
    line = _COMMA.sub("，", line)
    line = _COLON.sub("：", line)
    line = _PERIOD.sub("。", line)
    return "".join(_SIMPLE.get(ch, ch) for ch in line)
