"""Bytes -> text: detect the encoding (never the locale's), reject binary files."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a zero byte in most ASCII positions (newlines, digits)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_zero = data[0::2].count(0) / (len(data) / 2)
    odd_zero = data[1::2].count(0) / (len(data) / 2)
    for share, codec in ((odd_zero, "utf-16-le"), (even_zero, "utf-16-be")):
        if share > 0.05:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    return None


def decode_edition(data: bytes, where: str) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError for binary or undecodable input."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {codec} byte-order mark but is not valid {codec} "
                                 f"(byte {exc.start + len(bom)})", where=where) from None
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None and not _CONTROL.search(text):
            return text, "utf-16"
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        # A stray control character or NUL in text is cleaned at parse (with a note); binary
        # data has them everywhere (about one byte in eight).
        if len(_CONTROL.findall(text)) > max(8, len(text) // 100):
            raise InputError("is a binary file, not edition text", where=where,
                             hint="give a plain-text (UTF-8, GB18030 or UTF-16) export of the edition")
        return text, codec
    if b"\x00" in data:
        raise InputError("is a binary file, not edition text", where=where,
                         hint="give a plain-text (UTF-8, GB18030 or UTF-16) export of the edition")
    raise InputError("cannot be decoded as UTF-8, GB18030 or UTF-16", where=where,
                     hint="save the edition as UTF-8 text")
