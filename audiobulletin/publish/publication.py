"""Publishing one date: swap its staged folder in, then the manifest, the feeds, retention.

Order matters for a failed run: everything that can fail slowly (artwork, building both feeds)
happens before anything is swapped in; the manifest is saved before the feeds so a number shown
in a feed is always on record; archived folders are removed only after the feeds no longer list
them. The feed file is replaced with one rename, so it is the old one or the new one, whole.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..atomic import swap_in, write_atomic
from ..config import Settings
from .artwork import channel_artwork
from .feed import FEED, feed_xml, public_url
from .manifest import (EpisodeRecord, load_manifest, load_podcast_guid, remove_folders, retain,
                       save_manifest, upsert)
from .radio import RADIO_FEED, radio_feed_xml


def publish_episode(out_dir: Path, staging: Path, record: EpisodeRecord, settings: Settings,
                    ) -> EpisodeRecord:
    """Publish `staging` (the complete date folder) as `record`; return the record as stored
    (with its kept or newly assigned number and GUID). Call it holding `output_lock(out_dir)`."""
    out_dir = Path(out_dir)
    guid = load_podcast_guid(out_dir, public_url(settings, FEED))
    records = upsert(load_manifest(out_dir), record)
    records, doomed = retain(records, settings.keep_episodes, settings.archive_policy)
    artwork = channel_artwork(out_dir, settings.paper, settings.image)
    feed = feed_xml(settings, records, guid=guid, artwork=artwork)
    radio = None
    if any(r.radio for r in records.values()):
        radio = radio_feed_xml(settings, records, guid=str(uuid.uuid5(uuid.UUID(guid), RADIO_FEED)),
                               artwork=artwork)
    swap_in(staging, out_dir / record.folder)
    save_manifest(out_dir, records, guid)
    write_atomic(out_dir / FEED, feed)
    if radio is not None:
        write_atomic(out_dir / RADIO_FEED, radio)
    remove_folders(out_dir, doomed)
    return records[record.date]
