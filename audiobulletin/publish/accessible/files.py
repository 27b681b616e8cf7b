"""Files of the accessible edition that are not text: the episode's audio, linked or copied."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link when source and target share a disk (no second copy of the MP3), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
