"""Signals that end a run early: Ctrl-C (SIGINT) and SIGTERM.

Both unwind the run like an exception, so every `finally` runs (voice workers killed, staged
folders removed, the output lock released) and the previous output stays as it was. The command
line then exits 130 or 143 (128 + the signal's number), as shells and service managers expect.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that the same cleanup runs."""


def exit_code(interrupt: KeyboardInterrupt) -> int:
    return EXIT_TERMINATED if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED


def raise_on_sigterm() -> None:
    """From now on SIGTERM raises Terminated in the main thread. Call it from the program's
    entry point only (a library must not take over a host program's signals)."""
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block: a few renames that must happen together. A signal
    that arrives meanwhile is delivered when the block ends. Only the main thread may change
    signal handlers; in another thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda number, frame: caught.append(number)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # None: a handler set outside Python, which we cannot restore
                signal.signal(signum, handler)
    if caught:
        signal.raise_signal(caught[0])
