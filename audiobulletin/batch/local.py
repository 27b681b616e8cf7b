"""`--executor local`: one machine, the usual worker pool.

Editions go one after another; each one's segments are spoken by the offline voice's process
pool (one model per process, built once for the whole batch) straight into the edition's spool,
assembled and mastered as they arrive (pipeline.voice_into, as `generate` does), then published.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..pipeline import Settle
from ..speech import ClipSpool, Speech
from .plan import EditionKey, EditionPlan, master_step, publish_step
from .report import EditionOutcome, Tally
from .voicing import VoiceShelf, merged, speak


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

            def live(clips: ClipSpool, settle: Settle, plan: EditionPlan = plan) -> Speech:
                def spoken_one(index: int, key: EditionKey = plan.key) -> None:
                    settle(index)  # laid out, and its chapter mastered, while later ones are spoken
                    tally.piece_done(key)

                return merged([speak(self.shelf, plan.voicing, plan.requests, spoken_one, store=clips)], clips)

            outcome = publish_step(master_step(plan, live))
            tally.finished(plan.key, outcome.duration)
            yield outcome
