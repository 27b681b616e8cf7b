"""Worker processes die with the process that started them, however it dies.

A parent killed with SIGKILL runs no cleanup, and its pool workers would go on speaking into a
closed pipe, burning every core. Two guards, set up first thing in each worker:

- Linux: prctl(PR_SET_PDEATHSIG, SIGKILL), so the kernel kills the worker when its parent goes.
  (Strictly, when the parent *thread* that started it ends: start the pool from the thread that
  uses and closes it, as SpeakerPool's callers do.)
- Everywhere: a daemon thread that watches the parent's pid and ends the process once the worker
  has been handed to another parent (init or a subreaper).
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.25


def die_with_parent(parent_pid: int) -> None:
    """Call in the worker: end this process as soon as `parent_pid` is no longer its parent."""
    _ask_kernel()
    if os.getppid() != parent_pid:  # the parent died before the kernel was asked
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="watch-parent", daemon=True).start()


def _ask_kernel() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no prctl in this libc: the watcher alone
        return False


def _watch(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os._exit(1)
