"""The accessible edition: the day's text and audio together, for screen readers (HTML), reading
apps with read-aloud sync (EPUB 3 Media Overlays) and hardware talking-book players (DAISY 2.02).

    write_accessible_edition(edition, timeline, episode_mp3, output/2021-06-27/accessible)
    write_index(output)            # output/index.html lists every edition found, newest first
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from ...atomic import staged_folder, write_atomic
from ...edition import Edition
from ...errors import PublishError
from ...timeline import Timeline
from .reading import ReadingEdition, read_edition

MANIFEST_NAME = "accessible-edition.json"
PAGE_NAME = "index.html"
DAISY_FOLDER = "daisy"


@dataclass(frozen=True)
class AccessibleEdition:
    """What was written, all inside `folder`."""

    folder: Path
    page: Path
    """The web page (index.html)."""
    epub: Path
    daisy_ncc: Path
    """ncc.html of the DAISY 2.02 book; its folder holds the SMIL files, text and MP3."""
    manifest: Path
    """Facts the index page reads back (title, date, file names)."""
    unplaced: tuple[str, ...] = ()
    """Spoken segments whose text was not found in the edition (left out of the overlays)."""


def write_accessible_edition(
    edition: Edition,
    timeline: Timeline,
    episode_mp3: Path,
    out_dir: Path,
    *,
    transcripts: dict[str, str] | None = None,
    index_page: Path | None = None,
    modified: dt.datetime | None = None,
) -> AccessibleEdition:
    """Write the web page, EPUB and DAISY book of one edition into `out_dir`, replacing it whole.

    transcripts: label -> transcript file (absolute, or relative to the MP3's folder), e.g.
        {"WebVTT": "episode.vtt"}; the page links to each.
    index_page: the index of editions (see write_index), linked from the page when given.
    modified: the EPUB's dcterms:modified; by default the edition's publication time (never the
        wall clock: the same edition and audio give the same book, byte for byte).
    """
    from .daisy import write_daisy
    from .epub import write_epub
    from .html import Links, edition_page

    episode_mp3 = Path(episode_mp3)
    out_dir = Path(out_dir)
    if not episode_mp3.is_file():
        raise PublishError("episode MP3 not found", where=str(episode_mp3), hint="encode the episode first")
    if out_dir.resolve() in episode_mp3.resolve().parents:
        raise PublishError("the episode MP3 is inside the accessible edition's folder, which is replaced whole",
                           where=str(out_dir), hint="give the accessible edition a folder of its own")
    reading = read_edition(edition, timeline)
    if not any(s.timed() for s in reading.sections):
        raise PublishError("no spoken sentence of the timeline was found in the edition text",
                           where=edition.source or reading.title, hint="was the timeline made from this edition?")
    epub_name = f"{reading.date.isoformat() if reading.date else 'edition'}.epub"
    resolved_out = out_dir.resolve()
    links = Links(
        audio=_href(episode_mp3.resolve(), resolved_out),
        epub=epub_name,
        daisy=f"{DAISY_FOLDER}/ncc.html",
        index=_href(index_page.resolve(), resolved_out) if index_page else None,
        transcripts=tuple(
            (label, _href((episode_mp3.parent / path).resolve(), resolved_out))
            for label, path in (transcripts or {}).items()
        ),
    )
    with staged_folder(out_dir, commit=True) as staged:
        staging = staged.path
        (staging / PAGE_NAME).write_text(edition_page(reading, links), encoding="utf-8")
        write_epub(reading, episode_mp3, staging / epub_name, modified=modified or _edition_time(reading.date))
        (staging / DAISY_FOLDER).mkdir()
        write_daisy(reading, episode_mp3, staging / DAISY_FOLDER)
        (staging / MANIFEST_NAME).write_text(_manifest(reading, links), encoding="utf-8")
    return AccessibleEdition(
        folder=out_dir,
        page=out_dir / PAGE_NAME,
        epub=out_dir / epub_name,
        daisy_ncc=out_dir / DAISY_FOLDER / "ncc.html",
        manifest=out_dir / MANIFEST_NAME,
        unplaced=reading.unplaced,
    )


def write_index(output_root: Path) -> Path:
    """Write output_root/index.html listing every accessible edition found below it (three
    levels at most: <date>/<version>/accessible/)."""
    output_root = Path(output_root)
    found = {}
    for pattern in (f"*/{MANIFEST_NAME}", f"*/*/{MANIFEST_NAME}", f"*/*/*/{MANIFEST_NAME}"):
        for manifest in output_root.glob(pattern):
            rel = manifest.parent.relative_to(output_root)
            if not any(part.startswith(".") for part in rel.parts):
                found[rel.as_posix()] = manifest.parent
    write_atomic(output_root / PAGE_NAME, index_html(output_root, found))
    return output_root / PAGE_NAME


def index_html(output_root: Path, folders: Mapping[str, Path], *, title: str | None = None,
               feed_url: str | None = None) -> str:
    """The index of the editions in `folders`: the folder as published (relative to
    `output_root`) -> where to read it now (a folder still being built, or the same folder).
    Each holds an accessible edition at its top or one level down. Rendered before anything is
    replaced, so an unreadable edition fails the run while the published files are untouched.
    `title` heads the page (the podcast's: the paper's name); `feed_url` is linked to subscribe."""
    from .html import IndexEntry, index_page

    output_root = Path(output_root)
    found: dict[Path, Path] = {}  # manifest's path as published -> where to read it now
    for name, folder in folders.items():
        for manifest in [*Path(folder).glob(MANIFEST_NAME), *Path(folder).glob(f"*/{MANIFEST_NAME}")]:
            found[Path(name) / manifest.relative_to(folder)] = manifest
    entries = []
    for rel, manifest in sorted(found.items()):
        try:
            facts = json.loads(manifest.read_text(encoding="utf-8"))
            href = quote(rel.parent.as_posix())
            entries.append(IndexEntry(
                title=facts["title"],
                date=dt.date.fromisoformat(facts["date"]) if facts.get("date") else None,
                page=f"{href}/{facts['page']}",
                epub=f"{href}/{facts['epub']}",
                daisy=f"{href}/{facts['daisy']}",
                duration_ms=int(facts["duration_ms"]),
            ))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PublishError(f"unreadable edition manifest: {exc}", where=str(output_root / rel),
                               hint="regenerate that edition or remove its folder") from exc
    return index_page(entries, title=title or "报纸有声无障碍版", feed_url=feed_url)


def _edition_time(date: dt.date | None) -> dt.datetime:
    from ..manifest import publication_time

    return publication_time(date or dt.date(2000, 1, 1))


def _href(target: Path, base: Path) -> str:
    return quote(Path(os.path.relpath(target, base)).as_posix())


def _manifest(reading: ReadingEdition, links) -> str:
    return json.dumps(
        {
            "title": reading.title,
            "paper": reading.paper,
            "date": reading.date.isoformat() if reading.date else None,
            "page": PAGE_NAME,
            "epub": links.epub,
            "daisy": links.daisy,
            "duration_ms": reading.duration_ms,
        },
        ensure_ascii=False,
        indent=2,
    ) + "\n"


__all__ = ["AccessibleEdition", "index_html", "write_accessible_edition", "write_index"]
