"""What has been published: one record per edition date, kept in output/episodes.json.

The feed is rebuilt from the records on every run, so regenerating a date replaces only that
date's record and never renumbers or re-GUIDs another. Retention hides (and, by policy, removes)
old dates; their numbers and GUIDs stay reserved. The file itself (checks, checksum, the previous
generation) is manifest_file.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from .options import ARCHIVE_POLICIES
from ..errors import PublishError

_GUID_NAMESPACE = uuid.UUID("6f0d5a8e-3c1b-5d7e-9a42-0b1c2d3e4f50")
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0: podcast:guid is the UUIDv5 of the feed URL (scheme stripped) in this namespace."""


@dataclass(frozen=True)
class RadioCut:
    """One broadcast WAV of a date: an article (number 1..n) or the whole bulletin (number 0)."""

    number: int
    title: str
    file: str
    """Path relative to the output folder, e.g. 2021-06-27/radio/01.wav."""
    bytes: int
    duration: float


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
    radio: tuple[RadioCut, ...] = ()
    """Broadcast WAVs of this date, bulletin first, for the radio feed."""
    removed: bool = False
    """Archived under the "remove" policy: its folder is gone, so it never returns to a feed."""

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)

    @property
    def folder(self) -> str:
        """The date's folder in the output, holding every version of the date."""
        return self.audio.split("/", 1)[0]

    @property
    def version_folder(self) -> str:
        """The folder of the published version (2021-06-27/3f2a9c1b), holding the MP3, the
        transcripts, the chapters, radio/ and accessible/; the date's folder itself for dates
        published before versions existed."""
        return self.audio.rsplit("/", 1)[0]

    @property
    def version(self) -> str | None:
        """The version's content name, None for the layout before versions."""
        parts = self.audio.split("/")
        return parts[1] if len(parts) > 2 else None

    def item_guid(self, name: str) -> str:
        """A stable GUID for another item of this date (a radio cut), derived from the GUID."""
        return str(uuid.uuid5(uuid.UUID(self.guid), name))


def episode_guid(paper: str, date: dt.date) -> str:
    """Derived from the paper and date only, so the same edition always gets the same GUID."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"audiobulletin:{paper}:{date.isoformat()}"))


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 `podcast:guid` for a feed URL: scheme and trailing slashes stripped."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def publication_time(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(6, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def upsert(records: dict[str, EpisodeRecord], record: EpisodeRecord) -> dict[str, EpisodeRecord]:
    """Add or replace one date, keeping its existing GUID and episode number."""
    previous = records.get(record.date)
    if previous:
        record = replace(record, guid=previous.guid, number=previous.number)
    else:
        record = replace(record, number=max((r.number for r in records.values()), default=0) + 1)
    return {**records, record.date: record}


def in_feed(records: dict[str, EpisodeRecord], keep: int) -> list[EpisodeRecord]:
    """The newest `keep` dates whose files are still published, newest first."""
    live = sorted((r for r in records.values() if not r.removed), key=lambda r: r.date, reverse=True)
    return live[:keep]


def archived(records: dict[str, EpisodeRecord], keep: int) -> list[EpisodeRecord]:
    """Dates beyond the newest `keep` whose files are still there, oldest first."""
    shown = {r.date for r in in_feed(records, keep)}
    return sorted((r for r in records.values() if r.date not in shown and not r.removed),
                  key=lambda r: r.date)


def retain(records: dict[str, EpisodeRecord], keep: int, policy: str,
           ) -> tuple[dict[str, EpisodeRecord], tuple[str, ...]]:
    """Apply retention: the records to save and the date folders to delete once the new feeds
    are written ("remove" policy; none under "keep", where old files stay reachable)."""
    if policy not in ARCHIVE_POLICIES:
        raise ValueError(f"archive policy must be one of {ARCHIVE_POLICIES}, got {policy!r}")
    if policy == "keep":
        return records, ()
    gone = archived(records, keep)
    updated = {**records, **{r.date: replace(r, removed=True) for r in gone}}
    return updated, tuple(r.folder for r in gone)


def remove_folders(out_dir: Path, folders: tuple[str, ...]) -> None:
    """Delete archived date folders; never anything outside `out_dir`."""
    root = Path(out_dir).resolve()
    for name in folders:
        path = (root / name).resolve()
        if path.parent != root:  # a hand-edited manifest must not reach outside output/
            continue
        try:
            shutil.rmtree(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PublishError(f"cannot remove archived {name}: {exc.strerror}", where=str(root)) from None
