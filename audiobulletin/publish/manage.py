"""Managing what is published without voicing anything: withdraw a date, rebuild the feeds.

Both run the output folder's check first (audit.py: problems stop them, an interrupted run's
leftovers are put right), then change the record and the feeds in the publication's order:
journal, manifest, feeds and index, then files, then the journal goes. Hold `output_lock`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from ..atomic import write_atomic
from ..errors import InputError
from . import manifest_file
from .audit import check_output, repair
from .checkpoints import Steps
from .feed import FEED, public_url
from .manifest import EpisodeRecord, podcast_guid, remove_folders
from .options import PublishOptions
from .publication import INDEX_PAGE, JOURNAL, drop_journal, render_feeds, render_index, write_published


@dataclass(frozen=True)
class Changed:
    record: EpisodeRecord | None
    """The date's record as stored now (None for a rebuild)."""
    files: tuple[str, ...]
    """Files of the output folder that were rewritten or removed."""
    repairs: tuple[str, ...] = ()
    """What the check put right first."""


def withdraw(out_dir: Path, date: str, options: PublishOptions, *, undo: bool = False,
             now: dt.datetime | None = None) -> Changed:
    """Take `date` out of both feeds and the index (its number and GUID stay reserved; no other
    episode changes); its folder stays under archive_policy "keep" and is deleted under
    "remove". `undo`: list it again (when its files are still there)."""
    out_dir = Path(out_dir)
    audit = check_output(out_dir)
    repairs = tuple(repair(audit, options))
    record = audit.records.get(date)
    if record is None:
        known = ", ".join(sorted(audit.records)[-5:]) or "none"
        raise InputError(f"no episode for {date} on record", where=str(out_dir / manifest_file.MANIFEST),
                         hint=f"`audiobulletin episodes list` shows them (latest: {known})")
    if undo:
        if not record.withdrawn:
            return Changed(record, (), repairs)
        if record.removed:
            raise InputError(f"{date} was withdrawn and its files removed (archive_policy = \"remove\")",
                             where=str(out_dir), hint=f"generate {date} again to publish it")
        changed = replace(record, withdrawn="")
    else:
        if record.withdrawn:
            return Changed(record, (), repairs)
        stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
        changed = replace(record, withdrawn=stamp.isoformat(), removed=record.removed
                          or options.archive_policy == "remove")
    records = {**audit.records, date: changed}
    doomed = (record.folder,) if changed.removed and not record.removed else ()
    guid = audit.podcast_guid or podcast_guid(public_url(options, FEED))
    feeds = render_feeds(out_dir, records, guid, options)
    index = render_index(out_dir, records, options)
    write_atomic(out_dir / JOURNAL, json.dumps({"date": date, "version": ""}))
    manifest_file.save(out_dir, records, guid)
    written = _write(out_dir, feeds, index)
    remove_folders(out_dir, doomed)
    drop_journal(out_dir)
    return Changed(changed, (*written, *(f"{name}/" for name in doomed)), repairs)


def rebuild(out_dir: Path, options: PublishOptions) -> Changed:
    """feed.xml, radio.xml, the artwork and index.html again from episodes.json with the current
    options (a new base_url, artwork, titles, keep_episodes); no edition, no speech, no file of
    an episode touched, nothing removed."""
    out_dir = Path(out_dir)
    audit = check_output(out_dir)
    repairs = tuple(repair(audit, options))
    if not audit.records:
        raise InputError("no episode on record to rebuild the feeds from", where=str(out_dir),
                         hint="give --out the folder `generate` wrote")
    guid = audit.podcast_guid or podcast_guid(public_url(options, FEED))
    feeds = render_feeds(out_dir, audit.records, guid, options)
    return Changed(None, _write(out_dir, feeds, render_index(out_dir, audit.records, options)), repairs)


def _write(out_dir: Path, feeds: dict[str, bytes], index: str) -> tuple[str, ...]:
    before = {name: _bytes(out_dir / name) for name in (*feeds, INDEX_PAGE)}
    write_published(out_dir, feeds, index, Steps())
    return tuple(name for name, old in before.items() if _bytes(out_dir / name) != old)


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
