"""`episodes recover`: rebuild a lost or damaged manifest from what was published.

Each record comes from the best witness left, in this order:

1. `episode.json` inside the date's published version folder: the record exactly as it was saved;
2. a record that survived in `episodes.json` or `episodes.json.1` (damaged entries are skipped);
3. the feeds (what podcast apps were told: GUID, episode number, title, notes, date) together with
   the files themselves (sizes, durations, broadcast cuts, ID3 and chapter titles).

GUIDs and numbers seen anywhere are kept; file sizes are always measured again. A date whose folder
is gone but which a witness remembers is kept as removed, so its number and GUID stay reserved.
The replaced manifest, if any, is kept as `episodes.json.damaged`; `episodes.json.1` is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..master import MP3_NAME, RADIO_DIR
from . import manifest_file
from .accessible import MANIFEST_NAME as ACCESSIBLE_FACTS
from .episode_files import CHAPTERS_NAME
from .feed import FEED
from .manifest import EpisodeRecord, RadioCut, episode_guid, next_number, publication_time
from .published_feed import FeedItem, PublishedFeed, UnreadableFeed, read_feed
from .radio import RADIO_FEED
from .versions import EPISODE_RECORD, is_date_folder, looks_like_version

SET_ASIDE = manifest_file.MANIFEST + ".damaged"


@dataclass(frozen=True)
class Recovered:
    records: dict[str, EpisodeRecord]
    podcast_guid: str | None
    sources: dict[str, str]
    """Date -> which witness its record came from."""
    skipped: tuple[str, ...] = ()
    """Entries of the old manifests that were too damaged to use."""


def recover(out_dir: Path, paper: str = "") -> Recovered:
    """Rebuild the records of `out_dir` (nothing is written; see `save_recovered`). `paper`
    derives the GUID of a date no witness remembers (as `generate` would have)."""
    out_dir = Path(out_dir)
    skipped: list[str] = []
    current, guid_now = _salvage(out_dir / manifest_file.MANIFEST, skipped)
    previous, guid_before = _salvage(out_dir / manifest_file.PREVIOUS, skipped)
    feeds = {name: feed for name in (FEED, RADIO_FEED) for feed in [_feed(out_dir / name)] if feed}
    items = _items_by_date(feeds.get(FEED))
    records: dict[str, EpisodeRecord] = {}
    sources: dict[str, str] = {}
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir() and is_date_folder(p.name)):
        date = folder.name
        remembered = [r for r in (current.get(date), previous.get(date)) if r]
        version = _version_folder(folder, items.get(date), feeds.get(FEED), remembered)
        if version is None:
            continue
        record, source = _record_for(out_dir, version, items.get(date), remembered, feeds.get(RADIO_FEED), paper)
        records[date], sources[date] = record, source
    for date in sorted({*current, *previous, *items} - set(records)):  # folders gone: keep their numbers
        known = current.get(date) or previous.get(date)
        if known is not None:
            records[date], sources[date] = replace(known, removed=True), "an old manifest (folder gone)"
        else:
            item = items[date]
            records[date] = EpisodeRecord(
                date=date, guid=item.guid, number=item.number or 0, title=item.title, description=item.description,
                audio=f"{date}/{MP3_NAME}", audio_bytes=item.length or 0, duration=item.duration or 0.0,
                published=item.published or publication_time(_date(date)).isoformat(), removed=True)
            sources[date] = "feed.xml (folder gone)"
    guid = guid_now or guid_before or (feeds[FEED].podcast_guid if FEED in feeds else None)
    return Recovered(_numbered(records), guid, sources, tuple(skipped))


def save_recovered(out_dir: Path, recovered: Recovered) -> Path | None:
    """Write the rebuilt manifest; the one it replaces is kept as episodes.json.damaged.
    Returns where the old one went (None if there was none)."""
    out_dir = Path(out_dir)
    target = out_dir / manifest_file.MANIFEST
    aside = None
    if target.exists():
        aside = out_dir / SET_ASIDE
        os.replace(target, aside)
    write_atomic(target, manifest_file.manifest_bytes(recovered.records, recovered.podcast_guid))
    return aside


def _salvage(path: Path, skipped: list[str]) -> tuple[dict[str, EpisodeRecord], str | None]:
    """Every record of a manifest file that still reads as one (checksum or not)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError):
        skipped.append(f"{path.name}: unreadable, not used")
        return {}, None
    if not isinstance(raw, dict) or not isinstance(raw.get("episodes"), list):
        skipped.append(f"{path.name}: no episode list, not used")
        return {}, None
    found: dict[str, EpisodeRecord] = {}
    for n, entry in enumerate(raw["episodes"]):
        try:
            record = manifest_file.record_from_json(entry)
        except ValueError as exc:
            skipped.append(f"{path.name}: episodes[{n}].{exc}")
            continue
        found.setdefault(record.date, record)
    guid = raw.get("podcast_guid")
    return found, guid if isinstance(guid, str) else None


def _feed(path: Path) -> PublishedFeed | None:
    try:
        return read_feed(path)
    except UnreadableFeed:
        return None


def _items_by_date(feed: PublishedFeed | None) -> dict[str, FeedItem]:
    found: dict[str, FeedItem] = {}
    for item in feed.items if feed else ():
        local = feed.local_path(item.url) if feed else None
        parts = (local or item.url).split("/")
        date = next((p for p in parts if is_date_folder(p)), None)
        if date:
            found.setdefault(date, item)
    return found


def _version_folder(folder: Path, item: FeedItem | None, feed: PublishedFeed | None,
                    remembered: list[EpisodeRecord]) -> Path | None:
    """The version of a date that was published: the one the feed points to, else the one an
    old manifest names, else the newest complete one; the date's folder itself for the layout
    before versions."""
    versions = [p for p in folder.iterdir() if p.is_dir() and looks_like_version(p.name) and (p / MP3_NAME).is_file()]
    wanted = []
    if item is not None and feed is not None and feed.local_path(item.url):
        wanted.append(str(Path(feed.local_path(item.url) or "").parent))
    wanted += [r.version_folder for r in remembered]
    for rel in wanted:
        match = next((v for v in versions if f"{folder.name}/{v.name}" == rel), None)
        if match is not None:
            return match
    if versions:
        return max(versions, key=lambda v: (v / MP3_NAME).stat().st_mtime_ns)
    return folder if (folder / MP3_NAME).is_file() else None


def _record_for(out_dir: Path, version: Path, item: FeedItem | None, remembered: list[EpisodeRecord],
                radio_feed: PublishedFeed | None, paper: str) -> tuple[EpisodeRecord, str]:
    rel = version.relative_to(out_dir).as_posix()
    date = version.relative_to(out_dir).parts[0]
    base: EpisodeRecord | None = None
    source = ""
    try:
        base = manifest_file.record_from_json(json.loads((version / EPISODE_RECORD).read_text(encoding="utf-8")))
        source = f"{rel}/{EPISODE_RECORD}"
    except (OSError, ValueError):
        match = next((r for r in remembered if r.version_folder == rel), remembered[0] if remembered else None)
        if match is not None:
            base, source = match, "an old manifest"
    if base is None:
        base, source = _from_files(version, rel, date, item, radio_feed, paper), "the feeds and the files"
    if item is not None:  # what apps were told wins: the GUID and number they know the episode by
        base = replace(base, guid=item.guid, number=item.number or base.number)
    audio = version / MP3_NAME
    cuts = tuple(replace(c, file=f"{rel}/{RADIO_DIR}/{Path(c.file).name}",
                         bytes=(version / RADIO_DIR / Path(c.file).name).stat().st_size)
                 for c in base.radio if (version / RADIO_DIR / Path(c.file).name).is_file())
    return replace(base, audio=f"{rel}/{MP3_NAME}", audio_bytes=audio.stat().st_size, radio=cuts,
                   removed=False), source


def _from_files(version: Path, rel: str, date: str, item: FeedItem | None, radio_feed: PublishedFeed | None,
                paper: str) -> EpisodeRecord:
    from mutagen import MutagenError
    from mutagen.mp3 import MP3

    tags: Any = {}
    try:
        audio = MP3(version / MP3_NAME)
        tags, length = audio.tags or {}, round(float(getattr(audio.info, "length", 0.0)), 3)
    except MutagenError:  # not an MP3 mutagen can read: the feed's figures, or none
        length = item.duration if item and item.duration else 0.0
    facts = _json(next(iter(version.glob(f"*/{ACCESSIBLE_FACTS}")), None))
    chapters = [c.get("title", "") for c in _json(version / CHAPTERS_NAME).get("chapters", [])]
    headlines = tuple(chapters[1:])  # the first chapter is the bulletin's intro
    paper = str(facts.get("paper") or (tags["TALB"].text[0] if "TALB" in tags else "") or paper)
    comments = [str(f.text[0]) for key, f in tags.items() if key.startswith("COMM") and f.text]
    radio_titles = {Path(i.url).name: i.title.split(" ", 2)[-1] for i in (radio_feed.items if radio_feed else ())
                    if f"/{date}/" in i.url}
    cuts = []
    for wav in sorted((version / RADIO_DIR).glob("*.wav")):
        cut = wav.stem.split("-", 1)[0]  # 02-3f2a9c1b.wav (or 02.wav, before cuts were named by their audio)
        number = 0 if cut == "bulletin" else int(cut) if cut.isdigit() else None
        if number is None:
            continue
        with wave.open(str(wav)) as w:
            duration = round(w.getnframes() / w.getframerate(), 3)
        title = radio_titles.get(wav.name) or (paper if number == 0 else
                                               headlines[number - 1] if number <= len(headlines) else "")
        cuts.append(RadioCut(number, title, f"{rel}/{RADIO_DIR}/{wav.name}", wav.stat().st_size, duration))
    return EpisodeRecord(
        date=date, guid=item.guid if item else episode_guid(paper, _date(date)),
        number=(item.number or 0) if item else 0,
        title=(item.title if item else "") or str(facts.get("title") or "") or
        (str(tags["TIT2"].text[0]) if "TIT2" in tags else date),
        description=(item.description if item else "") or (comments[0] if comments else ""),
        audio=f"{rel}/{MP3_NAME}", audio_bytes=(version / MP3_NAME).stat().st_size,
        duration=length,
        published=(item.published if item else None) or publication_time(_date(date)).isoformat(),
        headlines=headlines, radio=tuple(sorted(cuts, key=lambda c: c.number)))


def _numbered(records: dict[str, EpisodeRecord]) -> dict[str, EpisodeRecord]:
    """Keep every known number once (the earlier date keeps a number two dates claim); number the
    rest by the rule `generate` follows (manifest.next_number): in date order after the highest,
    none for a date earlier than a numbered one."""
    out: dict[str, EpisodeRecord] = {}
    taken: set[int] = set()
    pending = []
    for date, record in sorted(records.items()):
        if record.number >= 1 and record.number not in taken:
            taken.add(record.number)
            out[date] = record
        else:
            pending.append(record)
    for record in pending:
        out[record.date] = replace(record, number=next_number(out, record.date))
    return dict(sorted(out.items()))


def _json(path: Path | None) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)
