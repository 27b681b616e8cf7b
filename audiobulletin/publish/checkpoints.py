"""The steps of the publish switch, numbered, so a test can stop the process between any two.

    AUDIOBULLETIN_TEST_FAULT=kill@5     SIGKILL this process as it reaches the 5th step
    AUDIOBULLETIN_TEST_FAULT=enospc@5   fail the 5th step's write with "No space left on device"

For the kill matrix in tests/test_publish_faults.py only; unset, each step costs a comparison.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

from ..atomic import write_error

FAULT_ENV = "AUDIOBULLETIN_TEST_FAULT"


class Steps:
    """Counts the steps of one publication and acts on the one the environment names."""

    def __init__(self, spec: str | None = None):
        self.count = 0
        self.kind, self.at = "", 0
        if spec:
            kind, _, at = spec.partition("@")
            if kind not in ("kill", "enospc") or not at.isdigit():
                raise ValueError(f"{FAULT_ENV} must be kill@N or enospc@N, got {spec!r}")
            self.kind, self.at = kind, int(at)

    @classmethod
    def from_environment(cls) -> "Steps":
        return cls(os.environ.get(FAULT_ENV))

    def reached(self, target: Path) -> None:
        """Called just before each step, which writes, renames or removes `target`."""
        self.count += 1
        if self.count != self.at:
            return
        if self.kind == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise write_error(Path(target), OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
