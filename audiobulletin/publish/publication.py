"""Publishing one date: one consistent switch from the old episode set to the new one.

    1. render everything that can fail (artwork, both feeds, the index of editions)
    2. write the journal (.publishing.json: which version of which date is going in)
    3. rename the built version to its content name   (nothing points at it yet)
    4. save the manifest (the previous one kept as episodes.json.1)
    5. replace feed.xml, radio.xml, index.html          (each one rename)
    6. remove the date's superseded versions and, by policy, archived dates
    7. drop the journal

A reader sees the old set until step 5 replaces a feed, and the new one after: every enclosure a
feed names exists, with the length it gives, at every instant, because nothing a feed points to
is removed before the feeds point away from it. A run that fails before step 4 takes its
version away again (the output is as it was); a run killed later leaves the journal, and the
next run's check (audit.py) finishes the switch before anything else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Mapping

from ..atomic import write_atomic, write_if_changed
from ..errors import PublishError
from ..interrupt import deferred
from . import manifest_file
from .accessible import index_html
from .artwork import channel_artwork
from .checkpoints import Steps
from .corrections import revise
from .feed import FEED, feed_xml, public_url
from .manifest import EpisodeRecord, podcast_guid, remove_folders, retain, upsert
from .options import PublishOptions
from .radio import RADIO_FEED, radio_feed_xml
from .versions import EPISODE_RECORD, StagedEpisode, remove_versions

INDEX_PAGE = "index.html"
"""The index of accessible editions in the output folder."""
JOURNAL = ".publishing.json"
"""Present only while a switch is under way (or was cut short): {"date": …, "version": …}."""


def publish_episode(out_dir: Path, staged: StagedEpisode, record: EpisodeRecord, options: PublishOptions,
                    steps: Steps | None = None, now: dt.datetime | None = None) -> EpisodeRecord:
    """Publish `staged` (a sealed version) as `record`, whose files lie in it; return the record
    as stored (with its kept or newly assigned number and GUID; as a correction made `now` if
    the date was published with other content, corrections.py). Hold `output_lock(out_dir)`."""
    out_dir = Path(out_dir)
    steps = steps or Steps.from_environment()
    if staged.version is None or record.version_folder != staged.published_folder:
        raise ValueError(f"the record's files must lie in the sealed version {staged.published_folder}")
    current, guid = manifest_file.load(out_dir) or ({}, None)
    guid = guid or podcast_guid(public_url(options, FEED))
    record = revise(current.get(record.date), record, now or dt.datetime.now(dt.timezone.utc), out_dir)
    records, doomed = retain(upsert(current, record), options.keep_episodes, options.archive_policy)
    stored = records[record.date]
    try:
        (staged.path / EPISODE_RECORD).write_text(
            json.dumps(manifest_file.record_to_json(stored), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"cannot write {EPISODE_RECORD}: {exc.strerror}", where=str(staged.path)) from None
    feeds = render_feeds(out_dir, records, guid, options)
    index = render_index(out_dir, records, options, {stored.version_folder: staged.path})

    with deferred():  # Ctrl-C or SIGTERM waits for the switch (whole-file writes and renames) to end
        _switch(out_dir, staged, records, guid, feeds, index, doomed, steps)
    return stored


def _switch(out_dir: Path, staged: StagedEpisode, records: dict[str, EpisodeRecord], guid: str,
            feeds: Mapping[str, bytes], index: str, doomed: tuple[str, ...], steps: Steps) -> None:
    """Steps 2 to 7 of the module's docstring."""
    version = staged.version
    assert version is not None  # sealed: publish_episode checked
    steps.reached(out_dir / JOURNAL)
    write_atomic(out_dir / JOURNAL, json.dumps({"date": staged.date, "version": version}))
    try:
        steps.reached(staged.date_dir / version)
        staged.place()
        manifest_file.save(out_dir, records, guid, before_write=steps.reached)
        staged.recorded = True
    except BaseException:
        staged.discard()
        drop_journal(out_dir)
        raise
    write_published(out_dir, feeds, index, steps)
    steps.reached(staged.date_dir)
    remove_versions(staged.date_dir, keep={version})
    steps.reached(out_dir)
    remove_folders(out_dir, doomed)
    steps.reached(out_dir / JOURNAL)
    drop_journal(out_dir)
    steps.reached(out_dir)  # after the last step: a kill here must change nothing


def render_feeds(out_dir: Path, records: Mapping[str, EpisodeRecord], guid: str,
                 options: PublishOptions) -> dict[str, bytes]:
    """feed.xml and (once any date has broadcast cuts) radio.xml, as they will be written."""
    artwork = channel_artwork(out_dir, options.paper, options.image)
    feeds = {FEED: feed_xml(options, dict(records), guid=guid, artwork=artwork)}
    if any(r.radio for r in records.values()):
        feeds[RADIO_FEED] = radio_feed_xml(options, dict(records), guid=str(uuid.uuid5(uuid.UUID(guid), RADIO_FEED)),
                                           artwork=artwork)
    return feeds


def render_index(out_dir: Path, records: Mapping[str, EpisodeRecord], options: PublishOptions,
                 building: Mapping[str, Path] | None = None) -> str:
    """The index of the editions whose files are published (archived ones too, while their
    folders are kept; not withdrawn ones), headed with the podcast's title and linking its feed;
    `building` maps a version folder being built to where it is now."""
    folders = {r.version_folder: Path(out_dir) / r.version_folder for r in records.values() if r.live}
    return index_html(out_dir, {**folders, **(building or {})}, title=options.title,
                      feed_url=public_url(options, FEED))


def write_published(out_dir: Path, feeds: Mapping[str, bytes], index: str, steps: Steps) -> None:
    """Replace the feeds, then the index; a file that already holds these bytes is left alone."""
    files: list[tuple[str, bytes | str]] = [*feeds.items(), (INDEX_PAGE, index)]
    for name, data in files:
        steps.reached(out_dir / name)
        write_if_changed(out_dir / name, data)


def read_journal(out_dir: Path) -> tuple[str, str] | None:
    """(date, version) of a switch that did not finish, if any."""
    try:
        raw = json.loads((Path(out_dir) / JOURNAL).read_text(encoding="utf-8"))
        return str(raw["date"]), str(raw["version"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return ("", "")  # unreadable: a switch was under way, which one is unknown


def drop_journal(out_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (Path(out_dir) / JOURNAL).unlink()
