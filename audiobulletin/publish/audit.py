"""The output folder's check before any speech: manifest, feeds and files agree, or the run stops.

`generate` runs it holding the lock, before parsing the edition; `episodes check` shows it.

- The manifest is read and checked whole (manifest_file.py); damage stops the run (exit 6).
- History that is not on record stops the run: a folder with published episodes (date folders,
  feed.xml, radio.xml) but no manifest, a feed item or a date folder the manifest does not hold.
  Publishing now would drop them from the feeds; `episodes recover` rebuilds the manifest.
- Every file the manifest lists (the MP3, the broadcast WAVs) must exist with the size it gives.
  A date whose whole folder is gone (deleted by hand) is no damage: it is left out of the feeds,
  with a warning, instead of publishing dead links (its number and GUID stay reserved; `generate`
  of the date publishes it again). Every date folder gone at once (a disk not mounted) is a
  problem.
- What an interrupted publication left is repaired: feeds that disagree with the manifest are
  rewritten from it, then versions and staging folders that nothing points to are removed, and
  the journal is dropped (see publication.py for the order that makes this safe).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..atomic import STAGING_MARK, live_shared
from ..errors import PublishError
from . import manifest_file
from .checkpoints import Steps
from .feed import FEED, public_url
from .manifest import EpisodeRecord, podcast_guid
from .options import PublishOptions
from .publication import drop_journal, read_journal, render_feeds, render_index, write_published
from .published_feed import PublishedFeed, UnreadableFeed, read_feed
from .radio import RADIO_FEED
from .versions import is_date_folder

MANIFEST = manifest_file.MANIFEST


@dataclass(frozen=True)
class Problem:
    """A disagreement that only a person (or `episodes recover`) can settle."""

    message: str
    where: str


@dataclass
class Audit:
    out_dir: Path
    records: dict[str, EpisodeRecord]
    podcast_guid: str | None
    problems: list[Problem] = field(default_factory=list)
    """History at risk: the run stops before any speech."""
    stale: list[str] = field(default_factory=list)
    """Why the feeds must be rewritten from the manifest."""
    leftovers: list[Path] = field(default_factory=list)
    """Versions, staging folders and dates that nothing points to: removed by `repair`."""
    interrupted: str | None = None
    """The date whose publication was cut short (the journal), if any."""
    missing: list[str] = field(default_factory=list)
    """Dates whose folder was deleted by hand: `repair` leaves them out of the feeds."""

    @property
    def clean(self) -> bool:
        return not (self.problems or self.stale or self.leftovers or self.missing or self.interrupted is not None)

    def warnings(self) -> list[str]:
        """What a person should know about the folder, one line each."""
        return [f"{date}/ is missing from {self.out_dir}: the date is left out of the feeds (its number and "
                f"GUID stay reserved; generate the date again to publish it)" for date in self.missing]

    def raise_problems(self) -> None:
        if not self.problems:
            return
        first = self.problems[0]
        more = (f" ({len(self.problems) - 1} more: `audiobulletin episodes check --out {self.out_dir}`)"
                if len(self.problems) > 1 else "")
        raise PublishError(first.message + more, where=first.where, hint=manifest_file.recover_hint(self.out_dir))

    def repairs(self) -> list[str]:
        """What `repair` does, one line each."""
        lines = []
        if self.interrupted is not None:
            lines.append(f"finish the interrupted publication of {self.interrupted or 'an episode'}")
        lines += [f"rewrite the feeds from {MANIFEST} ({why})" for why in self.stale[:1]]
        lines += [f"leave {date} out of the feeds (its folder is missing)" for date in self.missing]
        lines += [f"remove {path.relative_to(self.out_dir)} (nothing points to it)" for path in self.leftovers]
        return lines


def check_output(out_dir: Path) -> Audit:
    """Compare the manifest, the feeds and the files of `out_dir` (read-only)."""
    out_dir = Path(out_dir)
    loaded = manifest_file.load(out_dir)
    records, guid = loaded or ({}, None)
    audit = Audit(out_dir, records, guid)
    journal = read_journal(out_dir)
    if journal is not None:
        audit.interrupted = journal[0]
    feeds = _feeds(audit)
    entries = _entries(out_dir)
    dates = sorted(p for p in entries if p.is_dir() and is_date_folder(p.name))
    audit.leftovers += [p for p in entries if _is_scratch(p.name)]
    shown = [p for p in dates if _shows_something(p)]  # only hidden entries: staging, nothing published
    if loaded is None and (shown or any(f.items for f in feeds)):
        audit.problems.append(Problem(
            f"{MANIFEST} is missing, but the folder holds published episodes ({_summary(shown, feeds)}): "
            "publishing now would drop them from the feeds", str(out_dir)))
        return audit  # every date and feed item would repeat it
    _check_feeds(audit, feeds)
    _check_files(audit)
    _check_dates(audit, dates, journal)
    return audit


def repair(audit: Audit, options: PublishOptions) -> list[str]:
    """Put right what `check_output` found repairable (never when it found problems); return
    what was done."""
    audit.raise_problems()
    if audit.clean:
        return []
    done = audit.repairs()
    out_dir = audit.out_dir
    if audit.missing:  # on record as removed: no feed lists them, their numbers stay taken
        audit.records = {**audit.records, **{d: replace(audit.records[d], removed=True) for d in audit.missing}}
        guid = audit.podcast_guid or podcast_guid(public_url(options, FEED))
        manifest_file.save(out_dir, audit.records, guid)
        audit.podcast_guid = guid
    if audit.stale or audit.interrupted is not None or audit.leftovers or audit.missing:
        guid = audit.podcast_guid or podcast_guid(public_url(options, FEED))
        rewrite = bool(audit.stale or audit.missing) or audit.interrupted is not None
        feeds = render_feeds(out_dir, audit.records, guid, options) if rewrite else {}
        write_published(out_dir, feeds, render_index(out_dir, audit.records, options), Steps())
    for path in audit.leftovers:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise PublishError(f"cannot remove {path.name}: {exc.strerror}", where=str(path.parent)) from None
    drop_journal(out_dir)
    return done


def _is_scratch(name: str) -> bool:
    """A temp file or folder that an atomic write or a staged folder leaves only when killed."""
    return name.startswith(".") and (name.endswith((".part", ".link")) or STAGING_MARK in name or ".old-" in name)


def _shows_something(folder: Path) -> bool:
    """Whether a date folder holds anything but hidden entries (a version being built, by this
    machine or by a batch's worker)."""
    return any(not e.name.startswith(".") for e in _entries(folder))


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _feeds(audit: Audit) -> list[PublishedFeed]:
    feeds = []
    for name in (FEED, RADIO_FEED):
        try:
            feed = read_feed(audit.out_dir / name)
        except UnreadableFeed as exc:
            audit.stale.append(f"{name} is damaged ({exc})")
            continue
        if feed is not None:
            feeds.append(feed)
    live = [r for r in audit.records.values() if not r.removed]
    if live and FEED not in {f.name for f in feeds} and not any(FEED in s for s in audit.stale):
        audit.stale.append(f"{FEED} is missing")
    if any(r.radio for r in live) and RADIO_FEED not in {f.name for f in feeds} \
            and not any(RADIO_FEED in s for s in audit.stale):
        audit.stale.append(f"{RADIO_FEED} is missing")
    return feeds


def _summary(dates: list[Path], feeds: list[PublishedFeed]) -> str:
    parts = [f"{f.name} lists {len(f.items)}" for f in feeds if f.items]
    if dates:
        parts.append(f"date folders {dates[0].name}" + (f" … {dates[-1].name}" if len(dates) > 1 else ""))
    return "; ".join(parts)


def _check_feeds(audit: Audit, feeds: list[PublishedFeed]) -> None:
    """Every feed item must be an episode on record; one that points elsewhere than the record
    (an interrupted switch) makes the feeds stale."""
    episodes = {r.guid: (r.audio, r.audio_bytes) for r in audit.records.values()}
    # a date published section by section: its feed items are its sections
    episodes |= {r.section_guid(s): (s.file, s.bytes) for r in audit.records.values() for s in r.sections}
    cuts = {r.item_guid(f"radio/{c.number:02d}"): (c.file, c.bytes) for r in audit.records.values() for c in r.radio}
    gone = {r.guid for r in audit.records.values() if not r.live}
    gone |= {r.section_guid(s) for r in audit.records.values() if not r.live for s in r.sections}
    gone |= {r.item_guid(f"radio/{c.number:02d}") for r in audit.records.values() if not r.live for c in r.radio}
    for feed in feeds:
        known = episodes if feed.name == FEED else cuts
        for item in feed.items:
            expected = known.get(item.guid)
            if expected is None:
                audit.problems.append(Problem(
                    f"{feed.name} lists {item.title or item.url!r} (GUID {item.guid}), which {MANIFEST} does not "
                    f"hold", str(audit.out_dir / feed.name)))
            elif item.guid in gone and not audit.stale:  # withdrawn or removed, the feeds not yet rewritten
                audit.stale.append(f"{feed.name} still lists {item.title or item.url!r}, which is out of the feeds")
            elif (feed.local_path(item.url), item.length) != expected and not audit.stale:
                audit.stale.append(f"{feed.name} still points at {item.url}")


def _check_files(audit: Audit) -> None:
    live = [r for r in audit.records.values() if not r.removed]
    gone = [r for r in live if not (audit.out_dir / r.folder).is_dir()]
    if gone and len(gone) < len(live):  # some dates deleted by hand: not all of them (a disk not mounted)
        audit.missing = sorted(r.date for r in gone)
    for record in live:
        if record.date in audit.missing:
            continue
        for rel, size in [(record.audio, record.audio_bytes), *((c.file, c.bytes) for c in record.radio),
                          *((s.file, s.bytes) for s in record.sections)]:
            path = audit.out_dir / rel
            try:
                actual = path.stat().st_size
            except OSError:
                audit.problems.append(Problem(f"{rel} is missing ({MANIFEST} lists it with {size} bytes)",
                                              str(audit.out_dir)))
                continue
            if actual != size:
                audit.problems.append(Problem(f"{rel} has {actual} bytes, {MANIFEST} says {size}",
                                              str(audit.out_dir)))


def _check_dates(audit: Audit, dates: list[Path], journal: tuple[str, str] | None) -> None:
    for folder in dates:
        entries = _entries(folder)
        live = [e for e in entries if live_shared(e)]  # a batch's edition, staged outside the lock
        hidden = [e for e in entries if e.name.startswith(".") and e not in live]
        shown = [e for e in entries if not e.name.startswith(".")]
        audit.leftovers += hidden  # staging and set-aside folders: we hold the lock, so no run owns them
        record = audit.records.get(folder.name)
        if record is None:
            if live:
                continue  # the date's first version is being built
            if not shown or (journal is not None and journal[0] == folder.name):
                audit.leftovers.append(folder)  # the first publication of this date never finished
            else:
                audit.problems.append(Problem(f"{folder.name}/ holds a published episode that {MANIFEST} does "
                                              "not list", str(audit.out_dir)))
        elif record.removed:
            if journal is not None and shown:
                audit.leftovers.append(folder)  # retention removed it from the feeds, then was cut short
        elif record.version is not None:
            audit.leftovers += [e for e in shown if e.name != record.version]
    # a date folder listed among the leftovers takes its hidden entries with it
    folders = {p for p in audit.leftovers if p.parent == audit.out_dir}
    audit.leftovers = [p for p in audit.leftovers if p.parent not in folders]
