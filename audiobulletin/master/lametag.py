"""The Xing/Info frame and LAME tag at the start of a CBR MP3 (as ffmpeg writes them).

Decoders read the encoder delay and padding from it to trim the priming samples, so chapter and
sentence times hold in the decoded audio. Joining MP3 streams encoded in parallel means writing one
Info frame for the whole: frame and byte counts, seek table, padding of the last part, music length
and the two CRCs. Layout (offsets from the "Info" tag): flags +4, frames +8, bytes +12, TOC +16
(100 bytes), quality +116, LAME tag +120: version +120, delay/padding +141 (12 bits each),
music length +148, music CRC +152, tag CRC +154.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass

from ..errors import AudioError

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III; MPEG-2/2.5 frames hold 576
_BITRATES = {  # kbit/s by index, MPEG-1 and MPEG-2/2.5 Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class FrameHeader:
    size: int
    """Bytes in the frame, header included."""
    samples: int
    """Samples per channel the frame decodes to."""
    xing_offset: int
    """Where a Xing/Info tag would sit in this frame."""


def frame_header(data: bytes, at: int = 0) -> FrameHeader:
    """Parse the 4-byte MPEG audio Layer III header at `at`."""
    if len(data) < at + 4:
        raise AudioError("MP3 stream is truncated (no frame header)")
    word = struct.unpack_from(">I", data, at)[0]
    version, layer = (word >> 19) & 3, (word >> 17) & 3
    bitrate_index, rate_index = (word >> 12) & 15, (word >> 10) & 3
    if word >> 21 != 0x7FF or layer != 1 or version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        raise AudioError(f"not an MPEG Layer III frame header at byte {at}")
    mpeg1 = version == 3
    bitrate = _BITRATES[1 if mpeg1 else 2][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (word >> 9) & 1
    mono = ((word >> 6) & 3) == 3
    size = (144 if mpeg1 else 72) * bitrate // rate + padding
    return FrameHeader(size, SAMPLES_PER_FRAME if mpeg1 else 576,
                       4 + (17 if mono else 32) if mpeg1 else 4 + (9 if mono else 17))


@dataclass(frozen=True)
class InfoTag:
    """What the Info frame at the start of an MP3 stream says."""

    frame_size: int
    frames: int
    """Audio frames after the Info frame."""
    total_bytes: int
    """Info frame plus audio frames."""
    delay: int
    """Encoder delay in samples (the decoder adds its own 529)."""
    padding: int
    music_crc: int


def read_info(stream: bytes) -> InfoTag:
    """The Info/Xing frame at the start of `stream` (raw MP3 frames, no ID3 tag)."""
    header = frame_header(stream)
    tag = header.xing_offset
    if stream[tag:tag + 4] not in (b"Info", b"Xing") or stream[tag + 120:tag + 124] not in (b"LAME", b"Lavf", b"Lavc"):
        raise AudioError("MP3 stream has no Info frame with a LAME tag")
    flags, frames, total = struct.unpack_from(">III", stream, tag + 4)
    if flags & 3 != 3:
        raise AudioError("MP3 Info frame lacks frame and byte counts")
    delay_padding = int.from_bytes(stream[tag + 141:tag + 144], "big")
    music_crc = struct.unpack_from(">H", stream, tag + 152)[0]
    return InfoTag(header.size, frames, total, delay_padding >> 12, delay_padding & 0xFFF, music_crc)


def joined_info(first: bytes, parts: list[InfoTag], padding: int) -> bytes:
    """Info frame for the concatenation of `parts` (each with its Info frame removed), based on
    the first part's Info frame bytes `first`."""
    frame = bytearray(first)
    tag = frame_header(first).xing_offset
    frames = sum(p.frames for p in parts)
    audio = sum(p.total_bytes - p.frame_size for p in parts)
    total = len(frame) + audio
    struct.pack_into(">II", frame, tag + 8, frames, total)
    # seek table, as ffmpeg fills it: entry i is where frame i% ends, in 256ths of the file (CBR:
    # frames are the same size to a byte, so positions follow from the counts)
    frame[tag + 16] = 0
    for i in range(1, 100):
        position = len(frame) + audio * (i * frames // 100 + 1) // frames
        frame[tag + 16 + i] = min(255, 256 * position // total)
    delay = int.from_bytes(frame[tag + 141:tag + 144], "big") >> 12
    frame[tag + 141:tag + 144] = ((delay << 12) | min(padding, 0xFFF)).to_bytes(3, "big")
    music_crc = parts[0].music_crc
    for p in parts[1:]:
        music_crc = crc16_combine(music_crc, p.music_crc, p.total_bytes - p.frame_size)
    struct.pack_into(">IH", frame, tag + 148, total, music_crc)
    # as ffmpeg: CRC-16 of the frame's first 190 bytes, taken with the CRC field still zero
    struct.pack_into(">H", frame, tag + 154, 0)
    struct.pack_into(">H", frame, tag + 154, crc16(bytes(frame[:190])))
    return bytes(frame)


@functools.lru_cache(maxsize=1)
def _crc16_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


def crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005 reflected, initial 0): the LAME tag's CRCs."""
    table, crc = _crc16_table(), 0
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def _times(matrix: list[int], vector: int) -> int:
    out, bit = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[bit]
        vector >>= 1
        bit += 1
    return out


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, column) for column in matrix]


def crc16_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """CRC-16/ARC of A followed by B from the CRCs of A and B, without reading the data
    (the CRC is linear: run A's register through len(B) zero bytes, then add B's)."""
    # one zero bit through the reflected register: shift right, fold in the polynomial
    matrix = [0xA001] + [1 << (bit - 1) for bit in range(1, 16)]
    bits = 8 * length_b
    while bits:
        if bits & 1:
            crc_a = _times(matrix, crc_a)
        matrix = _square(matrix)
        bits >>= 1
    return crc_a ^ crc_b
