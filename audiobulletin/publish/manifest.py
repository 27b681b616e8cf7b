"""What has been published: one record per edition date, kept in output/episodes.json.

The feed is rebuilt from this file on every run, so regenerating a date replaces only that
date's record and never renumbers or re-GUIDs another. Retention hides (and, by policy, removes)
old dates; their numbers and GUIDs stay reserved.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..atomic import write_atomic
from .options import ARCHIVE_POLICIES
from ..errors import PublishError

MANIFEST = "episodes.json"
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
class SectionEpisode:
    """One section of a date published as its own podcast episode (`episodes = "section"`)."""

    number: int
    """1, 2 ... in reading order within the day."""
    title: str
    """太原日报 6月27日 要闻."""
    description: str
    file: str
    """Its MP3, relative to the output folder, e.g. 2021-06-27/sections/01.mp3."""
    bytes: int
    duration: float
    transcript: str
    """Its WebVTT captions (times in its own MP3), relative to the output folder."""
    chapters: str
    """Its JSON chapters, relative to the output folder."""


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
    sections: tuple[SectionEpisode, ...] = ()
    """When the date is published section by section: the feed lists these instead of the
    whole edition's MP3 (which the accessible edition keeps)."""
    removed: bool = False
    """Archived under the "remove" policy: its folder is gone, so it never returns to a feed."""

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)

    @property
    def folder(self) -> str:
        """The date's folder in the output, holding all of its published files."""
        return self.audio.split("/", 1)[0]

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


def publication_time(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(6, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _read(out_dir: Path) -> dict | None:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _damaged(path, exc) from None


def _damaged(path: Path, exc: Exception) -> PublishError:
    return PublishError(f"the episode manifest is unreadable ({exc})", where=str(path),
                        hint="restore it from a backup; it is never rewritten on a failed run")


_NUMBER = (int, float)
_KIND_NAMES = {str: "text", int: "a whole number", bool: "true or false", _NUMBER: "a number"}
_RECORD_TYPES = {"date": str, "guid": str, "number": int, "title": str, "description": str, "audio": str,
                 "audio_bytes": int, "duration": _NUMBER, "published": str, "removed": bool}
_CUT_TYPES = {"number": int, "title": str, "file": str, "bytes": int, "duration": _NUMBER}
_SECTION_TYPES = {**_CUT_TYPES, "description": str, "transcript": str, "chapters": str}


def _check_types(what: str, values: dict, types: dict) -> None:
    """Fields present in `values` must be of their type in `types` (a missing one fails later)."""
    for name, kind in types.items():
        value = values.get(name)
        if name in values and (not isinstance(value, kind) or (kind is not bool and isinstance(value, bool))):
            raise ValueError(f"{what}: {name} is {json.dumps(value, ensure_ascii=False)}, not {_KIND_NAMES[kind]}")


def _record_from_json(r: dict) -> EpisodeRecord:
    what = f"episode {r.get('date')!r}" if isinstance(r, dict) else "an episode"
    if not isinstance(r, dict):
        raise ValueError(f"{what} is not an object")
    _check_types(what, r, _RECORD_TYPES)
    lists = {name: r.get(name, []) for name in ("headlines", "engines", "radio", "sections")}
    for name, items in lists.items():
        objects = name in ("radio", "sections")
        if not isinstance(items, list) or not all(isinstance(i, dict if objects else str) for i in items):
            raise ValueError(f"{what}: {name} is not a list of {'objects' if objects else 'text'}")
    for cut in lists["radio"]:
        _check_types(f"{what}, radio cut", cut, _CUT_TYPES)
    for section in lists["sections"]:
        _check_types(f"{what}, section", section, _SECTION_TYPES)
    record = EpisodeRecord(**{**r, "headlines": tuple(lists["headlines"]), "engines": tuple(lists["engines"]),
                              "radio": tuple(RadioCut(**c) for c in lists["radio"]),
                              "sections": tuple(SectionEpisode(**s) for s in lists["sections"])})
    for name, check, wanted in (("date", dt.date.fromisoformat, "an ISO date"), ("guid", uuid.UUID, "a UUID"),
                                ("published", _aware_time, "an ISO date and time with its UTC offset")):
        try:
            check(getattr(record, name))
        except ValueError:
            raise ValueError(f"{what}: {name} {getattr(record, name)!r} is not {wanted}") from None
    return record


def _aware_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no UTC offset")
    return moment


def load_manifest(out_dir: Path) -> dict[str, EpisodeRecord]:
    raw = _read(out_dir)
    if raw is None:
        return {}
    try:
        if not isinstance(raw, dict) or not isinstance(raw.get("episodes"), list):
            raise ValueError("no list of episodes in it")
        records = [_record_from_json(r) for r in raw["episodes"]]
        return {r.date: r for r in records}
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(Path(out_dir) / MANIFEST, exc) from None


def load_podcast_guid(out_dir: Path, feed_url: str) -> str:
    """The podcast:guid fixed at the first run (so moving the feed keeps it), else a new one."""
    raw = _read(out_dir) or {}
    if not isinstance(raw, dict):
        raise _damaged(Path(out_dir) / MANIFEST, ValueError("not a JSON object"))
    return str(raw.get("podcast_guid") or podcast_guid(feed_url))


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


def manifest_bytes(records: dict[str, EpisodeRecord], podcast_guid: str | None = None) -> bytes:
    episodes = [{**asdict(r), "headlines": list(r.headlines), "engines": list(r.engines),
                 "radio": [asdict(c) for c in r.radio], "sections": [asdict(s) for s in r.sections]}
                for r in sorted(records.values(), key=lambda r: r.date)]
    head = {"version": 1, **({"podcast_guid": podcast_guid} if podcast_guid else {})}
    return json.dumps({**head, "episodes": episodes}, ensure_ascii=False, indent=2).encode()


def save_manifest(out_dir: Path, records: dict[str, EpisodeRecord], podcast_guid: str | None = None) -> None:
    write_atomic(Path(out_dir) / MANIFEST, manifest_bytes(records, podcast_guid))
