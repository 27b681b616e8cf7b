"""Tools from outside Python that some tests run (gPodder, Chromium, Java, Node, fonts). CI installs
them all (.ci/run), so there a missing tool fails the test: a broken install step must not pass as
"skipped". On a developer's machine the test skips, naming the command that installs it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(present: object, what: str, install: str) -> None:
    """Skip (fail under CI=true) unless `present` is truthy."""
    if present:
        return
    message = f"{what} is not installed (run {install})"
    if under_ci():
        pytest.fail(f"{message}; CI=true, so this test must run", pytrace=False)
    pytest.skip(message)


def need_program(name: str, what: str, install: str) -> str:
    """The path of program `name` (a command on PATH or an absolute path)."""
    found = str(name) if Path(name).is_absolute() and Path(name).exists() else shutil.which(name)
    need(found, f"{what} ({name})", install)
    assert found is not None
    return found


def need_file(path: Path, what: str, install: str) -> Path:
    need(path.exists(), f"{what} ({path})", install)
    return path
