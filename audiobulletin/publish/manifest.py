"""The publication's memory: which dates were published, with which episode number and GUID.

Kept as `output/manifest.json` (written atomically) so that numbers and GUIDs never change once a
podcast app has seen them: regenerating a date keeps its number and GUID, a new date gets the next
number, and retention only hides or removes episodes, never renumbers the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import PublishError
from .atomic import write_atomic

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0: podcast:guid is the UUIDv5 of the feed URL (scheme stripped) in this namespace."""

ARCHIVE_POLICIES = ("keep", "remove")


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 `podcast:guid` for a feed URL: scheme and trailing slashes stripped."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class EpisodeRecord:
    """One published date."""

    date: dt.date
    number: int
    """itunes:episode: 1 for the first date ever published, never reused."""
    guid: str
    """The item GUID, derived once from the podcast GUID and the date, then only read back."""
    files: tuple[str, ...] = ()
    """Published files of this episode, relative to the output folder (for removal on archive)."""
    removed: bool = False
    """Archived under the "remove" policy: its files are gone, it cannot return to the feed."""

    def item_guid(self, name: str) -> str:
        """A stable GUID for another item of this date (a radio cut), e.g. `radio/01`."""
        return str(uuid.uuid5(uuid.UUID(self.guid), name))


@dataclass(frozen=True)
class Manifest:
    podcast_guid: str
    """podcast:guid of the feed, fixed at the first run so a later base_url change keeps it."""
    episodes: tuple[EpisodeRecord, ...] = ()
    """In date order."""

    def __post_init__(self):
        dates = [e.date for e in self.episodes]
        if dates != sorted(set(dates)):
            raise ValueError("manifest episodes must be unique and in date order")

    def episode(self, date: dt.date) -> EpisodeRecord | None:
        return next((e for e in self.episodes if e.date == date), None)

    def with_episode(self, date: dt.date, files: tuple[str, ...]) -> Manifest:
        """Record that `date` is (re)published with `files`; keeps an existing number and GUID."""
        old = self.episode(date)
        if old is not None:
            record = replace(old, files=tuple(files), removed=False)
        else:
            number = max((e.number for e in self.episodes), default=0) + 1
            guid = str(uuid.uuid5(uuid.UUID(self.podcast_guid), date.isoformat()))
            record = EpisodeRecord(date, number, guid, tuple(files))
        others = [e for e in self.episodes if e.date != date]
        return replace(self, episodes=tuple(sorted([*others, record], key=lambda e: e.date)))

    def in_feed(self, keep: int) -> tuple[EpisodeRecord, ...]:
        """The newest `keep` episodes whose files are still published, newest first."""
        live = [e for e in self.episodes if not e.removed]
        return tuple(reversed(live[-keep:])) if keep > 0 else ()

    def archived(self, keep: int) -> tuple[EpisodeRecord, ...]:
        """Episodes no longer in the feed whose files are still there, oldest first."""
        shown = {e.date for e in self.in_feed(keep)}
        return tuple(e for e in self.episodes if e.date not in shown and not e.removed)

    def to_json(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "podcast_guid": self.podcast_guid,
            "episodes": [
                {"date": e.date.isoformat(), "number": e.number, "guid": e.guid,
                 "files": list(e.files), "removed": e.removed}
                for e in self.episodes
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown manifest format {data.get('format')!r}")
        episodes = tuple(
            EpisodeRecord(dt.date.fromisoformat(e["date"]), int(e["number"]), str(e["guid"]),
                          tuple(e.get("files", ())), bool(e.get("removed", False)))
            for e in data["episodes"]
        )
        return cls(str(data["podcast_guid"]), episodes)


def load_manifest(out_dir: Path, feed_url: str) -> Manifest:
    """The manifest in `out_dir`, or a new empty one for `feed_url` if there is none yet."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest(podcast_guid(feed_url))
    except OSError as exc:
        raise PublishError(f"cannot read the manifest: {exc.strerror}", where=str(path)) from None
    try:
        return Manifest.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            f"the manifest is damaged ({exc})", where=str(path),
            hint="restore it from a backup; deleting it renumbers every episode",
        ) from None


def save_manifest(out_dir: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(out_dir) / MANIFEST_NAME, text)


def retain(manifest: Manifest, keep: int, policy: str) -> tuple[Manifest, tuple[str, ...]]:
    """Archive episodes beyond the newest `keep`; returns the manifest to save and the files to
    delete once the new feeds are written ("remove" policy; none under "keep").

    Numbers and GUIDs are untouched either way; removal waits so a failed run never leaves the
    previous feed pointing at deleted files.
    """
    if policy not in ARCHIVE_POLICIES:
        raise ValueError(f"archive policy must be one of {ARCHIVE_POLICIES}, got {policy!r}")
    if policy == "keep":
        return manifest, ()
    gone = manifest.archived(keep)
    dates = {e.date for e in gone}
    episodes = tuple(replace(e, removed=True) if e.date in dates else e for e in manifest.episodes)
    return replace(manifest, episodes=episodes), tuple(f for e in gone for f in e.files)


def remove_files(out_dir: Path, files: tuple[str, ...]) -> None:
    """Delete published files (relative to `out_dir`) and the folders they leave empty."""
    out_dir = Path(out_dir)
    root = out_dir.resolve()
    folders = set()
    for name in files:
        path = (out_dir / name).resolve()
        if root not in path.parents:  # a hand-edited manifest must not delete outside output/
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PublishError(f"cannot remove archived {name}: {exc.strerror}", where=str(out_dir)) from None
        folders.add(path.parent)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder != root and not any(folder.iterdir()):
            folder.rmdir()  # e.g. radio/2021-06-27/ once its cuts are gone
