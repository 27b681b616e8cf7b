"""Run a command in a pseudo-terminal, as a person at a terminal would, and keep what it wrote
with the time each piece arrived (the progress display draws differently on a terminal)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
from dataclasses import dataclass


@dataclass
class PtyRun:
    returncode: int
    chunks: list[tuple[float, bytes]]
    """(seconds since start, bytes) as read from the terminal."""

    @property
    def text(self) -> str:
        return b"".join(c for _, c in self.chunks).decode("utf-8", "replace")


def run_in_pty(args: list[str], *, env: dict[str, str], cwd: str | None = None, columns: int = 120,
               timeout: float = 600) -> PtyRun:
    """Run `args` with stdin, stdout and stderr on a new terminal `columns` wide; the process is
    killed (its whole group) if it outlives `timeout` or the caller fails."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    start = time.monotonic()
    process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env={**env, "COLUMNS": str(columns)},
                               cwd=cwd, start_new_session=True)
    os.close(slave)
    chunks: list[tuple[float, bytes]] = []
    try:
        while True:
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"{args[0]} ran longer than {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the terminal's last writer has gone
                    data = b""
                if not data:
                    break
                chunks.append((time.monotonic() - start, data))
            elif process.poll() is not None:
                break
        returncode = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
    return PtyRun(returncode, chunks)
