"""What has been published: one record per edition date, kept in output/episodes.json.

The feed is rebuilt from this file on every run, so regenerating a date replaces only that
date's record and never renumbers or re-GUIDs another.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..atomic import write_atomic
from ..errors import PublishError

MANIFEST = "episodes.json"
_GUID_NAMESPACE = uuid.UUID("6f0d5a8e-3c1b-5d7e-9a42-0b1c2d3e4f50")


@dataclass(frozen=True)
class EpisodeRecord:
    date: str
    """Edition date, ISO (the record's key)."""
    guid: str
    """Stable identifier: assigned once, never changed."""
    number: int
    """Episode number, assigned once in publication order."""
    title: str
    description: str
    audio: str
    """MP3 path relative to the output folder."""
    audio_bytes: int
    duration: float
    published: str
    """RFC 3339 publication time (edition date, 06:00 Beijing time)."""
    headlines: tuple[str, ...] = ()
    engines: tuple[str, ...] = ()
    """Which speech engines voiced the episode."""

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)


def episode_guid(paper: str, date: dt.date) -> str:
    """Derived from the paper and date only, so the same edition always gets the same GUID."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"audiobulletin:{paper}:{date.isoformat()}"))


def publication_time(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(6, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def load_manifest(out_dir: Path) -> dict[str, EpisodeRecord]:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {r["date"]: EpisodeRecord(**{**r, "headlines": tuple(r.get("headlines", ())),
                                            "engines": tuple(r.get("engines", ()))})
                for r in raw["episodes"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"the episode manifest is unreadable ({exc})", where=str(path),
                           hint="restore it from a backup; it is never rewritten on a failed run") from None


def upsert(records: dict[str, EpisodeRecord], record: EpisodeRecord) -> dict[str, EpisodeRecord]:
    """Add or replace one date, keeping its existing GUID and episode number."""
    previous = records.get(record.date)
    if previous:
        record = replace(record, guid=previous.guid, number=previous.number)
    else:
        record = replace(record, number=max((r.number for r in records.values()), default=0) + 1)
    return {**records, record.date: record}


def manifest_bytes(records: dict[str, EpisodeRecord]) -> bytes:
    episodes = [{**asdict(r), "headlines": list(r.headlines), "engines": list(r.engines)}
                for r in sorted(records.values(), key=lambda r: r.date)]
    return json.dumps({"version": 1, "episodes": episodes}, ensure_ascii=False, indent=2).encode()


def save_manifest(out_dir: Path, records: dict[str, EpisodeRecord]) -> None:
    write_atomic(Path(out_dir) / MANIFEST, manifest_bytes(records))
