"""Broadcast WAV for radio: 16-bit PCM with `bext`, `ubxt` and `cart` chunks (the tests read them back).

- `bext` (EBU Tech 3285 v2): ASCII description, originator, origination date/time, time
  reference, loudness value/range, max true peak, max momentary/short-term loudness, coding history.
- `ubxt`: the same record with UTF-8 text, so the Chinese title and description survive. Layout
  as the BWF-J ubxt chunk: bext's with the three text fields four times as long (1024/128/128
  bytes), UTF-8 coding history.
- `cart` (AES46-2002): what radio automation reads: title, artist, cut id, category (NEWS),
  start/end date-time, producer app, level reference, post timers (AUDs/AUDe: where the sound
  starts and ends, in samples), URL and tag text.

Chunk order: fmt, bext, ubxt, cart, data. Every odd-sized chunk is followed by one pad byte.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
import unicodedata
from dataclasses import dataclass

from ..errors import AudioError

BEXT_VERSION = 2
CART_VERSION = "0101"
_NO_LOUDNESS = 0x7FFF  # bext v2: "value not set"
_CART_TEXT_FIELDS = ("title", "artist", "cut_id", "client_id", "category", "classification", "out_cue")


@dataclass(frozen=True)
class Bext:
    """Broadcast audio extension (also the layout of `ubxt`, with UTF-8 text)."""

    description: str
    originator: str
    originator_reference: str
    origination: dt.datetime
    time_reference: int = 0
    """First sample's position in samples since midnight."""
    loudness_value: float | None = None
    """Integrated loudness, LUFS."""
    loudness_range: float | None = None
    max_true_peak: float | None = None
    """dBTP."""
    max_momentary: float | None = None
    max_short_term: float | None = None
    coding_history: str = ""
    umid: bytes = bytes(64)


@dataclass(frozen=True)
class PostTimer:
    usage: str
    """Four characters, e.g. "AUDs" (audio start), "AUDe" (audio end)."""
    value: int
    """Position in samples."""


@dataclass(frozen=True)
class Cart:
    """AES46 cart chunk (all text ASCII)."""

    title: str
    artist: str
    cut_id: str
    category: str = "NEWS"
    client_id: str = ""
    classification: str = ""
    out_cue: str = ""
    start: dt.datetime = dt.datetime(1900, 1, 1)
    end: dt.datetime = dt.datetime(9999, 12, 31, 23, 59, 59)
    producer_app_id: str = ""
    producer_app_version: str = ""
    user_def: str = ""
    level_reference: int = 32768
    """Sample value of the 0 dB reference (full scale for 16-bit)."""
    post_timers: tuple[PostTimer, ...] = ()
    url: str = ""
    tag_text: str = ""
    version: str = CART_VERSION


# --- text fields --------------------------------------------------------------------------------

def ascii_text(text: str) -> str:
    """ASCII rendering of Chinese text for the ASCII-only fields (bext, AES46 cart): pinyin with
    tone numbers (tai4 yuan2 ri4 bao4, so a presenter can read it), full-width punctuation folded
    to ASCII, anything else dropped. Cut it with `fit`, never mid-syllable."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    pieces = [unicodedata.normalize("NFKC", piece).strip() for piece in syllables]
    joined = " ".join(piece for piece in pieces if piece)
    folding: dict[str, str | int | None] = {"“": '"', "”": '"', "‘": "'", "’": "'", "、": ",", "。": ".",
                                            "《": '"', "》": '"', "—": "-", "…": "..."}
    folded = joined.translate(str.maketrans(folding))
    return " ".join(folded.encode("ascii", "ignore").decode("ascii").split())


def fit(text: str, size: int) -> str:
    """`text` cut to `size` characters at a space (a syllable's end), never inside a syllable."""
    if len(text) <= size:
        return text
    cut = text[:size + 1].rfind(" ")
    return text[:cut].rstrip() if cut > 0 else text[:size]


def _fixed(text: str, size: int, encoding: str = "ascii") -> bytes:
    """NUL-padded fixed field; UTF-8 is cut on a character boundary."""
    raw = text.encode(encoding)
    if len(raw) > size:
        raw = raw[:size].decode(encoding, "ignore").encode(encoding)
    return raw.ljust(size, b"\0")


def _centi(value: float | None) -> int:
    if value is None or not math.isfinite(value):
        return _NO_LOUDNESS
    return max(-32767, min(32766, round(value * 100)))


# --- chunk bodies -------------------------------------------------------------------------------

_BEXT_TAIL = struct.Struct("<10s8sIIH64s5h180s")


def _bext_body(b: Bext, wide: bool) -> bytes:
    encoding, scale = ("utf-8", 4) if wide else ("ascii", 1)
    head = (_fixed(b.description, 256 * scale, encoding) + _fixed(b.originator, 32 * scale, encoding)
            + _fixed(b.originator_reference, 32 * scale, encoding))
    tail = _BEXT_TAIL.pack(
        b.origination.strftime("%Y-%m-%d").encode(), b.origination.strftime("%H:%M:%S").encode(),
        b.time_reference & 0xFFFFFFFF, b.time_reference >> 32, BEXT_VERSION, b.umid,
        _centi(b.loudness_value), _centi(b.loudness_range), _centi(b.max_true_peak),
        _centi(b.max_momentary), _centi(b.max_short_term), bytes(180))
    return head + tail + b.coding_history.encode(encoding)


_CART_DATES = struct.Struct("<10s8s10s8s")
_CART_TAIL = struct.Struct("<64s64s64si64s276s1024s")


def _cart_body(c: Cart) -> bytes:
    timers = b"".join(_fixed(t.usage, 4) + struct.pack("<I", t.value) for t in c.post_timers[:8])
    return (_fixed(c.version, 4) + b"".join(_fixed(getattr(c, name), 64) for name in _CART_TEXT_FIELDS)
            + _CART_DATES.pack(c.start.strftime("%Y/%m/%d").encode(), c.start.strftime("%H:%M:%S").encode(),
                               c.end.strftime("%Y/%m/%d").encode(), c.end.strftime("%H:%M:%S").encode())
            + _CART_TAIL.pack(_fixed(c.producer_app_id, 64), _fixed(c.producer_app_version, 64),
                              _fixed(c.user_def, 64), c.level_reference, timers.ljust(64, b"\0"),
                              bytes(276), _fixed(c.url, 1024))
            + c.tag_text.encode("ascii"))


# --- the file -----------------------------------------------------------------------------------

def _chunk(ident: bytes, body: bytes) -> bytes:
    return ident + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def header(*, sample_rate: int, frames: int, bext: Bext, ubxt: Bext, cart: Cart) -> bytes:
    """Everything before the samples of a mono 16-bit PCM Broadcast WAV (ends with the data
    chunk's header)."""
    data_size = 2 * frames
    fmt = struct.pack("<HHIIHH", 1, 1, sample_rate, 2 * sample_rate, 2, 16)
    chunks = (_chunk(b"fmt ", fmt) + _chunk(b"bext", _bext_body(bext, False))
              + _chunk(b"ubxt", _bext_body(ubxt, True)) + _chunk(b"cart", _cart_body(cart)))
    riff_size = 4 + len(chunks) + 8 + data_size + data_size % 2
    if riff_size >= 1 << 32:
        raise AudioError("the WAV would exceed 4 GB", hint="cut the bulletin into shorter files")
    return b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + chunks + b"data" + struct.pack("<I", data_size)
