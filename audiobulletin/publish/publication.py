"""Publishing one date: swap its staged folder in, then the manifest, the feeds, the index, retention.

Order matters for a failed run: everything that can fail (artwork, building both feeds, reading
every edition for the index) happens before anything is swapped in; the manifest is saved before
the feeds so a number shown in a feed is always on record; archived folders are removed only after
the feeds no longer list them. The feed file is replaced with one rename, so it is the old one or
the new one, whole.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..atomic import StagedFolder, write_atomic
from ..interrupt import deferred
from .accessible import index_html
from .artwork import channel_artwork
from .feed import FEED, feed_xml, public_url
from .manifest import (EpisodeRecord, load_manifest, load_podcast_guid, remove_folders, retain,
                       save_manifest, upsert)
from .options import PublishOptions
from .radio import RADIO_FEED, radio_feed_xml

INDEX_PAGE = "index.html"
"""The index of accessible editions in the output folder."""


def publish_episode(out_dir: Path, staged: StagedFolder, record: EpisodeRecord, options: PublishOptions,
                    ) -> EpisodeRecord:
    """Publish `staged` (the complete date folder) as `record`, with the feeds and the index of
    editions; return the record as stored (with its kept or newly assigned number and GUID).
    Call it holding `output_lock(out_dir)`."""
    out_dir = Path(out_dir)
    guid = load_podcast_guid(out_dir, public_url(options, FEED))
    records = upsert(load_manifest(out_dir), record)
    records, doomed = retain(records, options.keep_episodes, options.archive_policy)
    artwork = channel_artwork(out_dir, options.paper, options.image)
    feed = feed_xml(options, records, guid=guid, artwork=artwork)
    radio = None
    if any(r.radio for r in records.values()):
        radio = radio_feed_xml(options, records, guid=str(uuid.uuid5(uuid.UUID(guid), RADIO_FEED)),
                               artwork=artwork)
    index = index_html(out_dir, staged={record.folder: staged.path}, without=doomed)
    with deferred():  # Ctrl-C or SIGTERM waits for the switch (whole-file writes and renames) to end
        staged.commit()
        save_manifest(out_dir, records, guid)
        write_atomic(out_dir / FEED, feed)
        if radio is not None:
            write_atomic(out_dir / RADIO_FEED, radio)
        write_atomic(out_dir / INDEX_PAGE, index)
        remove_folders(out_dir, doomed)
    return records[record.date]
