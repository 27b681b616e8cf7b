"""Publishing the edition folder whole: build it beside the target, then rename it into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ...atomic import swap_in
from ...errors import PublishError


@contextmanager
def replaced_folder(target: Path):
    """Yield an empty sibling folder to fill; on success it replaces `target` whole.

    A failure leaves `target` as it was. Between the two renames `target` is briefly absent,
    never half-written.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise _write_error(target, exc) from exc
    try:
        yield staging
        os.chmod(staging, 0o755)  # mkdtemp makes it private
        swap_in(staging, target)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link when source and target share a disk (no second copy of the MP3), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_error(target: Path, exc: OSError) -> PublishError:
    return PublishError(f"could not write the accessible edition: {exc.strerror or exc}", where=str(target),
                        hint="check free space and permissions of the output folder")
