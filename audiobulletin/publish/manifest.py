"""What has been published: one record per edition date, kept in output/episodes.json.

The feed is rebuilt from the records on every run, so regenerating a date replaces only that
date's record and never renumbers or re-GUIDs another. Retention hides (and, by policy, removes)
old dates; withdrawing takes one date out of the feeds; either way their numbers and GUIDs stay
reserved. The file itself (checks, checksum, the previous generation) is manifest_file.py.

Episode numbers follow the edition date: a date later than every numbered date gets the next
number; a backfilled date (earlier than a numbered one) gets none (0: the feed gives it no
itunes:episode and apps place it by its date), because every number between its neighbours is
taken and a number, once given, never changes. So numbers always rise with the date.
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
    updated: str = ""
    """RFC 3339 time this cut's audio last changed by a correction; "" while it is the first."""


@dataclass(frozen=True)
class SectionEpisode:
    """One section of a date published as its own podcast episode (`episodes = "section"`)."""

    number: int
    """1, 2 ... in reading order within the day."""
    title: str
    """太原日报 6月27日 要闻."""
    description: str
    file: str
    """Its MP3, relative to the output folder, e.g. 2021-06-27/3f2a9c1b/sections/01.mp3."""
    bytes: int
    duration: float
    transcript: str
    """Its WebVTT captions (times in its own MP3), relative to the output folder."""
    chapters: str
    """Its JSON chapters, relative to the output folder."""


@dataclass(frozen=True)
class Correction:
    """One republication of a date whose audio changed."""

    at: str
    """RFC 3339 time the correction was published."""
    articles: tuple[int, ...] = ()
    """Article numbers (1..n) whose audio changed; empty when only the rest did (intro, tags)."""
    note: str = ""
    """What listeners are told, in the episode notes: 更正（…）：…"""


@dataclass(frozen=True)
class EpisodeRecord:
    date: str
    """Edition date, ISO (the record's key)."""
    guid: str
    """Stable identifier: assigned once, never changed."""
    number: int
    """Episode number, assigned once by date (see the module doc); 0: a backfill, unnumbered."""
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
    sections: tuple[SectionEpisode, ...] = ()
    """When the date is published section by section: the feed lists these instead of the
    whole edition's MP3 (which the accessible edition keeps)."""
    removed: bool = False
    """Archived under the "remove" policy: its folder is gone, so it never returns to a feed."""
    updated: str = ""
    """RFC 3339 time of the last correction ("" if none): the item's updated time."""
    corrections: tuple[Correction, ...] = ()
    """Every correction, oldest first."""
    withdrawn: str = ""
    """RFC 3339 time `episodes withdraw` took the date out of the feeds ("" if it is in them)."""

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)

    @property
    def updated_at(self) -> dt.datetime:
        """When the episode last changed: its last correction, else its publication."""
        return dt.datetime.fromisoformat(self.updated or self.published)

    @property
    def notes(self) -> str:
        """The show notes as listeners see them: the notes, then the corrections, newest first."""
        return "\n".join([self.description, *(c.note for c in reversed(self.corrections) if c.note)])

    @property
    def live(self) -> bool:
        """Whether the feeds may list it: its files are there and it was not withdrawn."""
        return not self.removed and not self.withdrawn

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
        """A stable GUID for another item of this date (a radio cut, a section), derived from
        the GUID."""
        return str(uuid.uuid5(uuid.UUID(self.guid), name))

    def section_guid(self, section: SectionEpisode) -> str:
        """Stable per date and section: regenerating the date keeps each section's GUID."""
        return self.item_guid(f"section/{section.number:02d}")


def episode_guid(paper: str, date: dt.date) -> str:
    """Derived from the paper and date only, so the same edition always gets the same GUID."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"audiobulletin:{paper}:{date.isoformat()}"))


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 `podcast:guid` for a feed URL: scheme and trailing slashes stripped."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


BEIJING = dt.timezone(dt.timedelta(hours=8))


def publication_time(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(6, 0), tzinfo=BEIJING)


def next_number(records: dict[str, EpisodeRecord], date: str) -> int:
    """The number a new date gets: one more than the highest, if no numbered date is later than
    it; else 0 (a backfill: see the module doc)."""
    numbered = [r for r in records.values() if r.number > 0]
    if any(r.date > date for r in numbered):
        return 0
    return max((r.number for r in numbered), default=0) + 1


def upsert(records: dict[str, EpisodeRecord], record: EpisodeRecord) -> dict[str, EpisodeRecord]:
    """Add or replace one date, keeping its existing GUID and episode number."""
    previous = records.get(record.date)
    if previous:
        record = replace(record, guid=previous.guid, number=previous.number)
    else:
        record = replace(record, number=next_number(records, record.date))
    return {**records, record.date: record}


def in_feed(records: dict[str, EpisodeRecord], keep: int) -> list[EpisodeRecord]:
    """The newest `keep` dates whose files are still published and not withdrawn, newest first."""
    live = sorted((r for r in records.values() if r.live), key=lambda r: r.date, reverse=True)
    return live[:keep]


def archived(records: dict[str, EpisodeRecord], keep: int) -> list[EpisodeRecord]:
    """Dates beyond the newest `keep` whose files are still there, oldest first."""
    shown = {r.date for r in in_feed(records, keep)}
    return sorted((r for r in records.values() if r.date not in shown and r.live),
                  key=lambda r: r.date)


def last_change(records: dict[str, EpisodeRecord]) -> dt.datetime | None:
    """When the feeds' content last changed: a publication, a correction or a withdrawal (their
    lastBuildDate, so a rebuild of unchanged records gives identical bytes)."""
    times = [r.updated_at for r in records.values() if r.live]
    times += [dt.datetime.fromisoformat(r.withdrawn) for r in records.values() if r.withdrawn]
    return max(times, default=None)


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
