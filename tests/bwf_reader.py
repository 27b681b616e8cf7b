"""A strict reader of the broadcast WAVs, for the tests: RIFF chunks, `bext`, `ubxt` and `cart`.

It lays the chunk fields out from the specifications (EBU Tech 3285 v2, BWF-J ubxt, AES46-2002) on
its own rather than reusing the writer's layouts, so a layout mistake in the writer cannot hide
in a shared constant. `bext` is also read by wavinfo, a reader the project did not write.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass

from audiobulletin.errors import AudioError
from audiobulletin.master.bwf import Bext, Cart, PostTimer

BEXT_VERSION = 2
_NO_LOUDNESS = 0x7FFF  # bext v2: "value not set"
_BEXT_TAIL = struct.Struct("<10s8sIIH64s5h180s")
_CART_TEXT_FIELDS = ("title", "artist", "cut_id", "client_id", "category", "classification", "out_cue")
_CART_DATES = struct.Struct("<10s8s10s8s")
_CART_TAIL = struct.Struct("<64s64s64si64s276s1024s")


def _unfixed(raw: bytes, encoding: str = "ascii") -> str:
    return raw.split(b"\0", 1)[0].decode(encoding)


def _uncenti(value: int) -> float | None:
    return None if value == _NO_LOUDNESS else value / 100


@dataclass(frozen=True)
class WavInfo:
    """What `read` finds in a WAV file."""

    sample_rate: int
    channels: int
    bits: int
    frames: int
    chunks: tuple[str, ...]
    """Chunk ids in file order."""
    bext: Bext | None = None
    ubxt: Bext | None = None
    cart: Cart | None = None
    data_offset: int = 0
    data_size: int = 0


def _parse_bext(body: bytes, wide: bool) -> Bext:
    encoding, scale = ("utf-8", 4) if wide else ("ascii", 1)
    text = 320 * scale
    if len(body) < text + _BEXT_TAIL.size:
        raise AudioError(f"{'ubxt' if wide else 'bext'} chunk is {len(body)} bytes, shorter than its fields")
    date, time, low, high, version, umid, *levels, _ = _BEXT_TAIL.unpack_from(body, text)
    if version != BEXT_VERSION:
        raise AudioError(f"bext version {version}, expected {BEXT_VERSION}")
    stamp = dt.datetime.strptime(f"{date.decode()} {time.decode()}", "%Y-%m-%d %H:%M:%S")
    value, lra, peak, momentary, short_term = (_uncenti(v) for v in levels)
    return Bext(_unfixed(body[:256 * scale], encoding), _unfixed(body[256 * scale:288 * scale], encoding),
                _unfixed(body[288 * scale:text], encoding), stamp, low | high << 32, value, lra, peak,
                momentary, short_term, body[text + _BEXT_TAIL.size:].decode(encoding).rstrip("\0"), umid)


def _parse_cart(body: bytes) -> Cart:
    fixed = 4 + 64 * len(_CART_TEXT_FIELDS) + _CART_DATES.size + _CART_TAIL.size
    if len(body) < fixed:
        raise AudioError(f"cart chunk is {len(body)} bytes, shorter than its {fixed} bytes of fields")
    texts = {name: _unfixed(body[4 + 64 * i:68 + 64 * i]) for i, name in enumerate(_CART_TEXT_FIELDS)}
    at = 4 + 64 * len(_CART_TEXT_FIELDS)
    start_date, start_time, end_date, end_time = (v.decode() for v in _CART_DATES.unpack_from(body, at))
    app_id, app_version, user_def, level, timers, _, url = _CART_TAIL.unpack_from(body, at + _CART_DATES.size)
    posts = []
    for i in range(8):
        usage, value = timers[8 * i:8 * i + 4], struct.unpack_from("<I", timers, 8 * i + 4)[0]
        if usage.strip(b"\0"):
            posts.append(PostTimer(usage.decode("ascii"), value))
    return Cart(**texts, start=dt.datetime.strptime(f"{start_date} {start_time}", "%Y/%m/%d %H:%M:%S"),
                end=dt.datetime.strptime(f"{end_date} {end_time}", "%Y/%m/%d %H:%M:%S"),
                producer_app_id=_unfixed(app_id), producer_app_version=_unfixed(app_version),
                user_def=_unfixed(user_def), level_reference=level, post_timers=tuple(posts),
                url=_unfixed(url), tag_text=body[fixed:].decode("ascii").rstrip("\0"),
                version=body[:4].decode("ascii"))


def read(path) -> WavInfo:
    """Parse a RIFF/WAVE file's chunks, strictly: sizes must add up to the file and every
    odd-sized chunk must be followed by its pad byte."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise AudioError("not a RIFF/WAVE file", where=str(path))
    riff_size = struct.unpack_from("<I", blob, 4)[0]
    if riff_size + 8 != len(blob):
        raise AudioError(f"RIFF size says {riff_size + 8} bytes, file has {len(blob)}", where=str(path))
    at, order, found, data = 12, [], {}, None
    while at < len(blob):
        if at + 8 > len(blob):
            raise AudioError(f"truncated chunk header at byte {at}", where=str(path))
        ident, size = blob[at:at + 4].decode("latin-1"), struct.unpack_from("<I", blob, at + 4)[0]
        end = at + 8 + size
        if end + size % 2 > len(blob):
            raise AudioError(f"chunk '{ident}' runs past the end of the file", where=str(path))
        if size % 2 and blob[end] != 0:
            raise AudioError(f"chunk '{ident}' has a non-zero pad byte", where=str(path))
        if ident in found:
            raise AudioError(f"chunk '{ident}' appears twice", where=str(path))
        order.append(ident)
        found[ident] = blob[at + 8:end]
        if ident == "data":
            data = (at + 8, size)
        at = end + size % 2
    if "fmt " not in found or data is None:
        raise AudioError("WAV lacks a fmt or data chunk", where=str(path))
    tag, channels, rate, byte_rate, align, bits = struct.unpack_from("<HHIIHH", found["fmt "])
    if tag != 1 or align != channels * bits // 8 or byte_rate != rate * align:
        raise AudioError("fmt chunk is not consistent integer PCM", where=str(path))
    return WavInfo(rate, channels, bits, data[1] // align, tuple(order),
                   _parse_bext(found["bext"], False) if "bext" in found else None,
                   _parse_bext(found["ubxt"], True) if "ubxt" in found else None,
                   _parse_cart(found["cart"]) if "cart" in found else None,
                   data[0], data[1])
