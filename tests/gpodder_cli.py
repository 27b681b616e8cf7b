"""gPodder's command-line client (`gpo`), as a listener's podcast app, with its home, database and
downloads in a test's temporary folder. `.ci/install-publish.sh` installs it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

from needs import need_program


def gpodder(tmp_path: Path) -> Callable[..., str]:
    """A `gpo(*args)` that runs one gPodder command, asserts it succeeded and returns what it
    printed; episodes are downloaded below `tmp_path / "downloads"`."""
    program = need_program("gpo", "gPodder's command-line client", ".ci/install-publish.sh")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), GPODDER_HOME=str(tmp_path / "gpodder"),
               GPODDER_DOWNLOAD_DIR=str(tmp_path / "downloads"))

    def gpo(*args: str) -> str:
        done = subprocess.run([program, *args], env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    return gpo
