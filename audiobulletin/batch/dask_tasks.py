"""What runs on the Dask workers: the voice plugin and the three task functions.

Imported only by the dask executor (and by the workers, which unpickle these functions by name),
so `audiobulletin` itself never needs `distributed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from distributed import Lock, WorkerPlugin, get_worker

from ..speech.engine import SpeechRequest
from .plan import EditionPlan, MasterResult, gathered, master_step, publish_step, started_at
from .report import EditionOutcome
from .voicing import Spoken, VoiceShelf, Voicing, speak

PLUGIN_NAME = "audiobulletin-voices"
LOCK_PREFIX = "audiobulletin-publish:"


class VoicePlugin(WorkerPlugin):
    """Each worker process's engines, built on first use and kept: the voice model loads once per
    worker process, not once per task. Registering it again (a later batch) keeps the loaded one."""

    idempotent = True
    name = PLUGIN_NAME

    def setup(self, worker) -> None:
        self.shelf = VoiceShelf()

    def teardown(self, worker) -> None:
        self.shelf.close()


def _shelf() -> VoiceShelf:
    return get_worker().plugins[PLUGIN_NAME].shelf  # type: ignore[attr-defined]


def speak_task(voicing: Voicing, requests: Sequence[SpeechRequest]) -> Spoken:
    return speak(_shelf(), voicing, requests)


def master_task(plan: EditionPlan, *pieces: Spoken) -> MasterResult:
    """Assemble and master what the speech tasks returned, through the same spool, assembly and
    streaming mastering as `generate` (pipeline.voice_into)."""
    return master_step(plan, gathered(pieces), started_at(pieces))


def publish_task(mastered: MasterResult, previous: EditionOutcome | None) -> EditionOutcome:
    """`previous`: the same title's publication before this one (only waited for: episode numbers
    follow the dates)."""
    return publish_step(mastered, hold=lambda folder: Lock(LOCK_PREFIX + str(Path(folder).resolve())))


def look(paths: list[str]) -> tuple[str, list[str]]:
    """On a worker: its audiobulletin version, and which of `paths` it cannot see."""
    from .. import __version__

    return __version__, [p for p in paths if not Path(p).exists()]


def shelf_counts(dask_worker) -> dict[str, object]:
    """On a worker (client.run): how often it built each engine, and how many speech tasks it ran."""
    shelf = dask_worker.plugins[PLUGIN_NAME].shelf
    return {"built": dict(shelf.built), "tasks": shelf.tasks}
