"""Publishing without half-written files: build beside the target, then rename into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ...errors import PublishError


def write_text_atomic(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def replaced_folder(target: Path):
    """Yield an empty sibling folder to fill; on success it replaces `target` whole.

    A failure leaves `target` as it was. Between the two renames `target` is briefly absent,
    never half-written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, retired / target.name)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(f"could not write the accessible edition: {exc}", where=str(target)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link when source and target share a disk (no second copy of the MP3), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
