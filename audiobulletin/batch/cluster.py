"""`--executor dask`: the batch as a task graph on a Dask cluster.

Per edition: speech tasks (runs of segments, or whole parts with a fallback engine) on any worker,
each worker holding its voice models in a worker plugin (loaded once per worker process); one
master task that Dask places near the clips it needs; one publish task, chained after the
previous publish of the same title so episodes are numbered in date order, holding a
distributed.Lock on the title's folder. A bounded window of editions is in flight, so neither the
client nor the workers hold a whole archive at once. Dask reruns the tasks of a worker that dies.

Workers must see the output folders (a shared file system), and should share the speech cache:
see docs/scaling.md.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from ..errors import ClusterError, ConfigError
from .plan import EditionKey, EditionPlan
from .report import EditionOutcome, Status, Tally
from .voicing import chunks

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = 5
"""Seconds to reach the scheduler before giving up."""
WORKER_WAIT = 60
"""Seconds to wait for the scheduler's first worker."""
EDITIONS_PER_THREAD = 2
"""Editions in flight per worker thread: enough to keep every worker busy while one masters."""


@dataclass(frozen=True)
class DaskExecutor:
    address: str
    """The scheduler, tcp://HOST:8786."""
    connect_timeout: float = CONNECT_TIMEOUT

    name = "dask"
    engine_workers = 1
    """Each Dask worker process holds one model and speaks one task at a time."""

    @contextlib.contextmanager
    def session(self, folders: Sequence[Path]) -> Iterator["DaskSession"]:
        client = connect(self.address, self.connect_timeout)
        try:
            from .dask_tasks import PLUGIN_NAME, VoicePlugin

            try:
                client.register_plugin(VoicePlugin(), name=PLUGIN_NAME)
            except Exception as exc:  # e.g. a worker without audiobulletin cannot unpickle it
                raise ClusterError(f"the workers of {self.address} cannot load audiobulletin: {_reason(exc)}",
                                   hint="install audiobulletin[cluster] on every worker (docs/scaling.md)") from None
            check_workers(client, folders)
            yield DaskSession(client)
        finally:
            client.close()


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> "Client":
    """A client of the scheduler at `address`, with at least one worker; ClusterError (one line,
    exit 12) within `timeout` seconds when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError("the dask executor needs the dask and distributed packages",
                          hint="pip install 'audiobulletin[cluster]' (on every worker too)") from None
    hint = "start it (`dask scheduler`), or give --scheduler / $DASK_SCHEDULER_ADDRESS"
    problem = _refused(address, timeout) or _not_a_scheduler(address, timeout)
    if problem:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {problem}", hint=hint)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # whatever the comm layer raises: one line, not a trace
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {_reason(exc)}", hint=hint) from None
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(f"the Dask scheduler at {address} has had no worker for {WORKER_WAIT} s",
                           hint=f"start workers: dask worker {address} --nworkers N --nthreads 1") from None
    return client


def _refused(address: str, timeout: float) -> str | None:
    """Why a plain TCP connection to a tcp:// address fails at once (nothing listens there), else
    None: the client would otherwise retry until its timeout, in case a scheduler is starting."""
    import socket
    from urllib.parse import urlsplit

    if not address.startswith("tcp://"):
        return None
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or not port:
        return None
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return "connection refused (nothing listens on that port)"
    except OSError:
        return None  # unreachable or slow: let the client try within its timeout


def _not_a_scheduler(address: str, timeout: float) -> str | None:
    """Why the peer at `address` is not a Dask scheduler answering within `timeout` (None if it
    is): asked before the client is built, which has no clean way out of a bad handshake."""
    import asyncio

    async def identity() -> object:
        from distributed.comm import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), timeout * 2))
    except ValueError as exc:
        return f"not a scheduler address ({_reason(exc)}; e.g. tcp://10.0.0.5:8786)"
    except Exception as exc:  # refused, timed out, or something else answered: say so in one line
        return _reason(exc) if isinstance(exc, (OSError, TimeoutError)) else \
            f"something answers there, but not a Dask scheduler ({type(exc).__name__})"
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        return "something answers there, but not a Dask scheduler"
    return None


def _reason(exc: BaseException) -> str:
    return str(exc).split("\n")[0] or type(exc).__name__


def check_workers(client: "Client", folders: Sequence[Path]) -> None:
    """ClusterError unless every worker runs this version of audiobulletin and sees every output
    folder (a probe file written here must be visible there)."""
    from .. import __version__
    from .dask_tasks import look

    token = uuid.uuid4().hex
    probes: list[str] = []
    try:
        for folder in folders:
            Path(folder).mkdir(parents=True, exist_ok=True)
            probe = Path(folder).resolve() / f".audiobulletin-probe-{token}"
            probes.append(str(probe))
            probe.write_bytes(b"")
        seen = client.run(look, probes)
    finally:
        for written in probes:
            Path(written).unlink(missing_ok=True)
    for worker, (version, missing) in sorted(seen.items()):
        if version != __version__:
            raise ClusterError(f"worker {worker} runs audiobulletin {version}, this machine {__version__}",
                               hint="install the same version on every worker")
        if missing:
            raise ClusterError(f"worker {worker} does not see the output folder {Path(missing[0]).parent}",
                               hint="mount the output folders on every worker at the same path (docs/scaling.md)")


@dataclass
class DaskSession:
    client: "Client"

    def run(self, plans: Iterable[EditionPlan], tally: Tally) -> Iterator[EditionOutcome]:
        from distributed import as_completed

        from .dask_tasks import master_task, publish_task, speak_task

        client = self.client
        threads = max(1, sum(client.nthreads().values()))
        window = EDITIONS_PER_THREAD * threads
        token = uuid.uuid4().hex[:8]
        last_publish: dict[str, Any] = {}
        in_flight: dict[Any, tuple[EditionKey, list[Any]]] = {}  # what the client holds per edition
        completed = as_completed(loop=client.loop)
        pending = iter(plans)

        def submit_next() -> bool:
            plan = next(pending, None)
            if plan is None:
                return False
            tag = f"{token}-{plan.key.tag()}"
            pieces = chunks(plan.requests, plan.voicing, threads)
            tally.started(plan.key, len(pieces))
            spoken = [client.submit(speak_task, plan.voicing.only(piece), list(piece), key=f"speak-{tag}-{n}")
                      for n, piece in enumerate(pieces)]
            for future in spoken:
                future.add_done_callback(lambda _, key=plan.key: tally.piece_done(key))
            mastered = client.submit(master_task, plan, *spoken, key=f"master-{tag}")
            # once mastered, the clips are in the staged version: let the workers free them
            # (should the master's result be lost, the scheduler recomputes what it needs)
            mastered.add_done_callback(lambda _, held=spoken: held.clear())
            published = client.submit(publish_task, mastered, last_publish.get(plan.key.title), key=f"publish-{tag}")
            last_publish[plan.key.title] = published
            in_flight[published] = (plan.key, [spoken, mastered])
            completed.add(published)
            return True

        while len(in_flight) < window and submit_next():
            pass
        for future in completed:
            key, _ = in_flight.pop(future)  # releases its speech and master results
            try:
                outcome = future.result()
            except Exception as exc:  # the cluster lost the work (KilledWorker, cancelled) or a bug: report it
                outcome = EditionOutcome(key.title, key.date, Status.FAILED, exit_code=1,
                                         message=f"failed on the cluster: {type(exc).__name__}: {_reason(exc)}")
            tally.finished(key, outcome.duration)
            yield outcome
            while len(in_flight) < window and submit_next():
                pass
