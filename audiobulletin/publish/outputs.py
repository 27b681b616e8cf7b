"""Every file a publication wrote, by what it is for: the run summary names them all."""

from __future__ import annotations

from pathlib import Path

from .accessible import DAISY_FOLDER, PAGE_NAME
from .episode_files import CHAPTERS_NAME, SRT_NAME, TEXT_NAME, VTT_NAME
from .feed import FEED
from .publication import INDEX_PAGE
from .radio import RADIO_FEED

ACCESSIBLE_DIR = "accessible"
"""The accessible edition's folder beside the MP3."""
RADIO_DIR = "radio"
"""Mastering's folder of broadcast WAVs beside the MP3."""


def published_files(out_dir: Path, audio: Path) -> dict[str, tuple[Path, ...]]:
    """What is published for the episode whose MP3 is `audio`, and the folder-wide files:
    {"feed": …, "episode": …, "transcripts": …, "radio": …, "accessible": …, "index": …};
    only files that exist."""
    out_dir, folder = Path(out_dir), Path(audio).parent
    accessible = folder / ACCESSIBLE_DIR
    groups = {
        "feed": (out_dir / FEED,),
        "episode": (Path(audio),),
        "transcripts": tuple(folder / name for name in (VTT_NAME, SRT_NAME, TEXT_NAME, CHAPTERS_NAME)),
        "radio": (out_dir / RADIO_FEED, *sorted((folder / RADIO_DIR).glob("*.wav"))),
        "accessible": (accessible / PAGE_NAME, *sorted(accessible.glob("*.epub")),
                       accessible / DAISY_FOLDER / "ncc.html"),
        "index": (out_dir / INDEX_PAGE,),
    }
    return {what: tuple(p for p in paths if p.is_file()) for what, paths in groups.items()}
