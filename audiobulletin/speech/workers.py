"""A process pool in which every worker loads one voice once and speaks chunks of requests.

Model inference holds the GIL only briefly but a LiteRT interpreter is not thread-safe and one
thread per interpreter is what scales on small machines: so one process per core, one model each.
Requests travel in chunks (fewer, larger messages); chunks shrink towards the end of the run so
the workers finish together.

Workers never outlive the run: each dies with its parent (lifeline.py), and a render that does
not finish (Ctrl-C, SIGTERM, an error while storing a result) kills them at once rather than
waiting for the chunks they are speaking.
"""

from __future__ import annotations

import abc
import concurrent.futures
from typing import Callable, Protocol, Sequence

from ..errors import SpeechError
from .engine import Engine, OnResult, Result, SpeechRequest

MAX_CHUNK = 8


class Speaker(Protocol):
    def render(self, request: SpeechRequest) -> Result: ...


# The one voice of a worker process, built by its initializer. Only ever set inside a worker.
_speaker: Speaker | None = None


def _start_worker(make_speaker: Callable[[], Speaker], parent_pid: int) -> None:
    import signal

    from .lifeline import die_with_parent

    global _speaker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent(parent_pid)
    _speaker = make_speaker()


def _speak_chunk(chunk: Sequence[SpeechRequest]) -> list[Result]:
    speaker = _speaker
    assert speaker is not None, "_start_worker runs first in every worker"
    return [speaker.render(request) for request in chunk]


def plan_chunks(requests: Sequence[SpeechRequest], workers: int,
                most: int = MAX_CHUNK) -> list[Sequence[SpeechRequest]]:
    """Consecutive chunks of at most `most` requests, about a quarter of each worker's remaining
    share, so the last chunks are small."""
    chunks, start = [], 0
    while start < len(requests):
        size = max(1, min(most, (len(requests) - start) // (workers * 4)))
        chunks.append(requests[start:start + size])
        start += size
    return chunks


class SpeakerPool:
    """`workers` processes, each holding the Speaker `make_speaker()` builds (it must pickle)."""

    def __init__(self, workers: int, make_speaker: Callable[[], Speaker]):
        import multiprocessing
        import os

        self.workers = workers
        # spawn: a clean interpreter per worker, whatever threads or models the parent holds.
        self._executor = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(make_speaker, os.getpid()))

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        """Speak every request; `on_result` runs here, in the calling thread, as chunks finish.
        If the render is left early (Ctrl-C, SIGTERM, `on_result` raised) the workers are killed
        at once: waiting for the chunks they are speaking would take seconds, for nobody."""
        from concurrent.futures.process import BrokenProcessPool

        pending = {}
        try:
            for chunk in plan_chunks(requests, self.workers):  # submit starts the workers
                pending[self._executor.submit(_speak_chunk, chunk)] = chunk
            while pending:
                # Not as_completed(): it keeps every future, and so every chunk's clips, until
                # the last one is done: a whole edition's audio in memory. A finished chunk is
                # dropped here as soon as `on_result` has taken its clips.
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    chunk = pending.pop(future)
                    for request, result in zip(chunk, future.result()):
                        on_result(request, result)
        except BrokenProcessPool:
            raise SpeechError("an offline voice worker process died (out of memory, or the model "
                              "failed to load in it)", hint="run again with one worker to see "
                              "the error") from None
        except BaseException:
            # Not future.cancel(): the pool's own thread fails the pending futures once it sees
            # the workers gone, and a future cancelled here would make it raise (Python 3.11).
            self.kill()
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def kill(self) -> None:
        """Stop every worker now, even mid-chunk, and wait until they are gone."""
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=5)


class LocalVoiceEngine(Engine):
    """An engine whose model runs on this machine: in this process when `workers` is 1, else in a
    SpeakerPool started on the first render (and started afresh after a worker died)."""

    workers: int = 1
    _local: Speaker | None = None
    _pool: SpeakerPool | None = None

    @abc.abstractmethod
    def speaker_factory(self, *, for_pool: bool) -> Callable[[], Speaker]:
        """A picklable callable that loads the model and returns a Speaker. `for_pool`: check
        here what would otherwise fail in every worker (models present, lexicon readable)."""

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        if not requests:
            return
        if self.workers == 1:
            if self._local is None:
                self._local = self.speaker_factory(for_pool=False)()
            for request in requests:
                on_result(request, self._local.render(request))
            return
        if self._pool is None:
            self._pool = SpeakerPool(self.workers, self.speaker_factory(for_pool=True))
        try:
            self._pool.render(requests, on_result)
        except SpeechError:  # a worker died: the next render starts a fresh pool
            self.close()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._local = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
