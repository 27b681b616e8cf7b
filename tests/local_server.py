"""An aiohttp application on 127.0.0.1 in a background thread: the base of the local stand-ins
for the speech services (edge_server.py, azure_server.py)."""

from __future__ import annotations

import asyncio
import socket
import threading

from aiohttp import web


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: the service is unreachable."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def speakable_chars(text: str) -> int:
    """Characters the stand-ins give audio for (letters, digits, Han)."""
    return sum(ch.isalnum() for ch in text)


class LocalServer:
    """`with Server() as server: ... server.port ...`; subclasses add their routes in `routes`."""

    port = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def start(self):
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        self._loop = loop = asyncio.new_event_loop()
        app = web.Application()
        self.routes(app)
        runner = web.AppRunner(app, handle_signals=False)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()
