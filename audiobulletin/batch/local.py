"""`--executor local`: one machine, the usual worker pool.

Editions go one after another; each one's segments are spoken by the offline voice's process
pool (one model per process, built once for the whole batch), then mastered and published here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .plan import EditionKey, EditionPlan, master_step, publish_step
from .report import EditionOutcome, Tally
from .voicing import VoiceShelf, speak


@dataclass(frozen=True)
class LocalExecutor:
    workers: int
    """Speech worker processes (the offline voice's pool)."""

    name = "local"

    @property
    def engine_workers(self) -> int:
        return self.workers

    @contextlib.contextmanager
    def session(self, folders: Sequence[Path]) -> Iterator["LocalSession"]:
        shelf = VoiceShelf()
        try:
            yield LocalSession(shelf)
        finally:
            shelf.close()


@dataclass(frozen=True)
class LocalSession:
    shelf: VoiceShelf

    def run(self, plans: Iterable[EditionPlan], tally: Tally) -> Iterator[EditionOutcome]:
        for plan in plans:
            tally.started(plan.key, len(plan.requests))

            def spoken_one(index: int, key: EditionKey = plan.key) -> None:
                tally.piece_done(key)

            spoken = speak(self.shelf, plan.voicing, plan.requests, on_spoken=spoken_one)
            outcome = publish_step(master_step(plan, [spoken]))
            tally.finished(plan.key, outcome.duration)
            yield outcome
