"""Text that every output can carry: what the feeds (XML), the pages (XHTML, SMIL), JSON, WebVTT
and ID3 tags cannot hold, or hold only as trouble, is taken out once, where text comes in.

- C0 and C1 control characters other than tab and newline (ESC, NUL, DEL, …): XML 1.0 forbids
  most of them and a podcast app shows the rest as boxes;
- lone surrogates (only a JSON "\\ud800" escape makes one): not encodable as UTF-8 at all;
- Unicode non-characters (U+FDD0..U+FDEF, U+FFFE and U+FFFF of every plane);
- line-breaking controls (vertical tab, form feed, U+001C..U+001E, NEL, U+2028, U+2029) become
  plain newlines, as `str.splitlines` already read them.

Bidi marks, emoji and characters beyond the Basic Multilingual Plane are ordinary text and stay
(each writer escapes what its format needs).
"""

from __future__ import annotations

import re

_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                                             for p in range(17))
UNCARRIED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff" + _NONCHARACTERS + "]")
"""What is removed (carriage returns are handled as line ends, line breaks as newlines)."""
_BREAK = re.compile(f"[{_LINE_BREAKS}]")


def describe(chars: str) -> str:
    """U+001B, U+0000 … (at most five, then how many more)."""
    codes = [f"U+{ord(c):04X}" for c in dict.fromkeys(chars)]
    return ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")


def clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with line ends made "\\n" and what no output can carry removed; one note per line
    that changed, naming it ("line 12: removed U+001B")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not UNCARRIED.search(text) and not _BREAK.search(text):
        return text, ()
    notes = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        removed = "".join(UNCARRIED.findall(line))
        breaks = "".join(_BREAK.findall(line))
        if removed:
            notes.append(f"line {number}: removed {len(removed)} character(s) no output can carry "
                         f"({describe(removed)})")
        if breaks:
            notes.append(f"line {number}: read {describe(breaks)} as a line break")
    cleaned = _BREAK.sub("\n", UNCARRIED.sub("", text))
    return cleaned, tuple(notes)


def clean_field(value: str, where: str) -> tuple[str, str | None]:
    """One field of a structured edition (a JSON string): the same cleaning, one note naming the
    field (articles[0].paragraphs[2]); line breaks inside it are kept as newlines."""
    removed = "".join(UNCARRIED.findall(value))
    breaks = "".join(_BREAK.findall(value))
    if not removed and not breaks:
        return value, None
    cleaned = _BREAK.sub("\n", UNCARRIED.sub("", value))
    what = [f"removed {len(removed)} character(s) no output can carry ({describe(removed)})"] if removed else []
    what += [f"read {describe(breaks)} as a line break"] if breaks else []
    return cleaned, f"{where}: {'; '.join(what)}"


def uncarried(value: str) -> str | None:
    """The characters of `value` no output can carry (for settings, which are refused instead)."""
    found = "".join(UNCARRIED.findall(value)) + "".join(_BREAK.findall(value))
    return describe(found) if found else None
