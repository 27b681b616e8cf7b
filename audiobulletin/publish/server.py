"""Serve an output folder over HTTP for podcast apps and radio stations on a LAN.

aiohttp does the HTTP: its FileResponse answers HEAD, byte ranges (206, and 416 past the end),
ETag/Last-Modified and conditional GET (304, 412). This module maps a URL path to a file inside
the folder and refuses everything else with 404: `..` in any spelling, absolute paths, hidden
files (locks, staging folders, temp files) and symlinks that lead out of the tree. It also fills
aiohttp's gaps:

- `If-Range` is read only as a date, so a resumed download carrying the ETag of an episode since
  regenerated would get a range of the new file spliced onto the old one;
- `Range` as RFC 9110 14.2 wants it: a unit other than bytes, several ranges, or a malformed range
  are ignored (200, the whole file); `bytes=-0` (a suffix of nothing) is unsatisfiable (416);
- a malformed request is answered 400 and logged as one line, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable, Iterator
from urllib.parse import unquote

if TYPE_CHECKING:
    import asyncio

from ..errors import InputError, PublishError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".xml": "application/rss+xml",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".txt": "text/plain",
    ".epub": "application/epub+zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".html": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".smil": "application/smil+xml",
    ".smi": "application/smil+xml",
    ".css": "text/css",
}
_TEXT_TYPES = ("text/", "application/rss+xml", "application/json", "application/x-subrip",
               "application/xhtml+xml", "application/smil+xml")
# Feeds and chapter/transcript files change in place: make clients revalidate (cheap with ETag).
_REVALIDATE = (".xml", ".json", ".vtt", ".srt", ".txt", ".html")


def content_type(path: Path) -> str:
    """The Content-Type for a published file (UTF-8 declared for text)."""
    kind = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


def resolve(root: Path, raw_path: str) -> Path | None:
    """The file that the (still percent-encoded) URL path names inside `root`, or None.

    `root` must be resolved already. Each segment is decoded on its own, so an encoded slash
    cannot join segments, and any segment that is empty, hidden or dot-dot is refused.
    """
    parts = raw_path.split("/")[1:]
    if parts and parts[-1] == "":
        parts = parts[:-1] + ["index.html"]  # a folder: its index page, never a listing
    names = [unquote(p, errors="strict") for p in parts]
    if not names or any(not n or n.startswith(".") or "/" in n or "\\" in n or "\0" in n for n in names):
        return None
    candidate = root.joinpath(*names)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if root not in real.parents or not real.is_file():  # a symlink out of the tree, or a folder
        return None
    return real


def make_app(root: Path):
    """The aiohttp application serving `root` (GET and HEAD only)."""
    from aiohttp import web

    root = Path(root).resolve()

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            path = resolve(root, request.rel_url.raw_path)
        except UnicodeDecodeError:
            path = None
        if path is None:
            raise web.HTTPNotFound()
        if range_verdict(request.headers.get("Range")) == "unsatisfiable" \
                and not _stale_if_range(request.headers.get("If-Range"), path):
            raise web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{path.stat().st_size}"})
        headers = {"Content-Type": content_type(path)}
        if path.suffix.lower() in _REVALIDATE:
            headers["Cache-Control"] = "no-cache"
        return FileResponse(path, headers=headers)

    class FileResponse(web.FileResponse):
        def __init__(self, path: Path, **kwargs):
            super().__init__(path, **kwargs)
            self.served_path = path

        async def prepare(self, request):
            drop: tuple[str, ...] = ()
            if _stale_if_range(request.headers.get("If-Range"), self.served_path):
                # RFC 9110 13.1.5: the validator does not match, so send the whole file (200).
                drop = ("range", "if-range")
            elif range_verdict(request.headers.get("Range")) == "ignore":
                drop = ("range",)
            if drop:
                kept = {k: v for k, v in request.headers.items() if k.lower() not in drop}
                request = request.clone(headers=kept)
            return await super().prepare(request)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)  # also answers HEAD
    return app


_BYTE_RANGE = re.compile(r"(?:(\d+)-(\d*)|-(\d+))")


def range_verdict(value: str | None) -> str:
    """How to answer a Range header (RFC 9110 14.2): "serve" one byte range as asked (aiohttp
    does it, 416 past the end), "ignore" it (absent, another unit, several ranges, malformed:
    send the whole file with 200), or "unsatisfiable" (a zero-length suffix, `bytes=-0`: 416)."""
    if not value:
        return "ignore"
    unit, _, spec = value.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return "ignore"
    found = _BYTE_RANGE.fullmatch(spec.strip())
    if not found:
        return "ignore"
    first, last, suffix = found.groups()
    if suffix is not None:
        return "unsatisfiable" if int(suffix) == 0 else "serve"
    if last and int(last) < int(first):
        return "ignore"  # an invalid range-spec: the header is ignored, not refused
    return "serve"


class OneLineLog(logging.LoggerAdapter):
    """aiohttp's server log without tracebacks: a malformed request (the client's fault, already
    answered 400 and in the access log) is logged at debug level, anything else as one line."""

    def log(self, level, msg, *args, **kwargs):
        from aiohttp.http_exceptions import HttpProcessingError

        error = kwargs.pop("exc_info", None)
        if error is True:
            import sys

            error = sys.exc_info()[1]
        if isinstance(error, BaseException):
            if isinstance(error, HttpProcessingError):
                level = logging.DEBUG
            reason = " ".join(str(getattr(error, "message", "") or error).split())
            text = msg % args if args else str(msg)
            msg, args = f"{text}: {type(error).__name__}: {reason}"[:300], ()  # no args: no %-formatting
        self.logger.log(level, msg, *args, **kwargs)


def file_etag(path: Path) -> str:
    """The strong ETag aiohttp's FileResponse sends for `path` (mtime and size, in hex)."""
    st = path.stat()
    return f'"{st.st_mtime_ns:x}-{st.st_size:x}"'


def _stale_if_range(value: str | None, path: Path) -> bool:
    """An entity-tag If-Range that is weak or not the file's current ETag."""
    if not value or not value.strip().startswith(('"', "W/")):
        return False  # absent, or a date (aiohttp handles those)
    try:
        return value.strip() != file_etag(path)
    except OSError:
        return True


def check_root(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise InputError("is not a folder to serve", where=str(root),
                         hint="give the output folder of `audiobulletin generate`")
    return root.resolve()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free one); PublishError if it cannot bind."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        raise PublishError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                           hint="choose another --port or --host") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


async def _serve(root: Path, sock: socket.socket, stop: asyncio.Event) -> None:
    from aiohttp import web

    runner = web.AppRunner(make_app(root), logger=OneLineLog(logging.getLogger("aiohttp.server"), {}))
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve `root` until interrupted (Ctrl-C); `on_ready` gets the base URL once listening."""
    root = check_root(root)
    sock = listen(host, port)
    run_until_interrupted(lambda stop: _serve(root, sock, stop), sock,
                          on_ready and (lambda: on_ready(url_of(sock))))


@contextlib.contextmanager
def serving(root: Path, host: str = DEFAULT_HOST, port: int = 0) -> Iterator[str]:
    """Serve `root` from a background thread for the block; yields the base URL (tests, CI)."""
    root = check_root(root)
    sock = listen(host, port)
    with running_in_thread(lambda stop: _serve(root, sock, stop), sock, "audiobulletin-serve"):
        yield url_of(sock)


ServeUntil = Callable[["asyncio.Event"], Awaitable[None]]
"""A server's coroutine, given the event that stops it."""


def run_until_interrupted(serve_until: ServeUntil, sock: socket.socket,
                          on_ready: Callable[[], None] | None = None) -> None:
    """Run a server in this thread until Ctrl-C; `sock` (its listening socket) is closed after."""
    import asyncio

    async def main() -> None:
        stop = asyncio.Event()
        if on_ready:
            on_ready()
        await serve_until(stop)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


@contextlib.contextmanager
def running_in_thread(serve_until: ServeUntil, sock: socket.socket, name: str) -> Iterator[None]:
    """Run a server in a background thread for the block; stopped, and `sock` closed, after."""
    import asyncio
    import threading

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(started.set)
        loop.run_until_complete(serve_until(stop))

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    started.wait(30)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        loop.close()
        sock.close()
