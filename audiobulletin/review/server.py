"""`audiobulletin review`: the review desk as a local web page (aiohttp, like `serve`).

Bound to 127.0.0.1 only, every URL under a random token (`/<token>/`): a request without it gets
403, so another page in the editor's browser, or another user of the machine, cannot drive the
desk. The desk is not thread-safe and its work (readings, synthesis) blocks, so it runs in one
worker thread; the event loop only moves bytes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import secrets
from typing import Callable, Iterator

from ..errors import AudioBulletinError
from ..publish.server import listen, run_until_interrupted, running_in_thread, url_of
from . import page
from .desk import Desk, Preview, wav_bytes

HOST = "127.0.0.1"
DEFAULT_PORT = 8123
_HEADERS = {"Content-Security-Policy": page.CONTENT_SECURITY_POLICY, "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
FORM_FIELDS = ("section", "written", "say", "scope", "example")


def make_app(desk: Desk, token: str):
    from aiohttp import web

    worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="review-desk")

    async def on_desk(function: Callable, *args):
        return await asyncio.get_running_loop().run_in_executor(worker, function, *args)

    @web.middleware
    async def guarded(request: web.Request, handler):
        first = request.rel_url.raw_path.split("/")[1]  # the raw path always starts with "/"
        if not secrets.compare_digest(first.encode(), token.encode()):
            return web.Response(status=403, text="forbidden: open the address `audiobulletin review` printed\n")
        response = await handler(request)
        response.headers.update(_HEADERS)
        return response

    def html(text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")

    async def index(request: web.Request) -> web.Response:
        return html(await on_desk(page.page, desk))

    async def audio(request: web.Request) -> web.Response:
        try:
            clip = await on_desk(desk.play, int(request.match_info["index"]))
        except AudioBulletinError as exc:
            return web.Response(status=503, text=exc.one_line())
        return web.Response(body=wav_bytes(clip), content_type="audio/wav",
                            headers={"X-Audio-Seconds": f"{clip.duration:.2f}",
                                     "X-From-Cache": "yes" if clip.cached else "no"})

    def wants_json(request: web.Request) -> bool:
        return "application/json" in request.headers.get("Accept", "")

    async def lexicon_action(request: web.Request, save: bool) -> web.Response:
        data = await request.post()
        form = {name: str(data.get(name, "")) for name in FORM_FIELDS}

        def act() -> tuple[Preview | None, str, str, dict[str, str]]:
            try:
                entry = desk.entry(**form)
                if not save:
                    preview = desk.preview(entry)
                    return preview, page.preview_message(preview), "", {}
                saved = desk.save(entry)
                preview = saved.preview
                backup = f"，旧文件备份为 {saved.backup.name}" if saved.backup else ""
                message = (f"已保存“{preview.entry.written}”到 {desk.lexicon_path.name} 第 {preview.entry.line} 行"
                           f"{backup}；{len(preview.changes)} 段的读法已更新")
                fragments = {f"s{c.index}": page.segment_html(desk, desk.readings.rows[c.index])
                             for c in preview.changes if c.index < len(desk.readings.rows)}
                fragments |= {"entries": page.entries_html(desk), "warnings": page.warnings_html(desk)}
                return preview, message, "", fragments
            except AudioBulletinError as exc:  # bad entry, broken file, a syllable the voice lacks
                return None, "", f"{'没有保存' if save else '无法预览'}：{exc.one_line()}", {}

        preview, message, error, fragments = await on_desk(act)
        if wants_json(request):
            return web.json_response({"ok": not error, "error": error, "message": message,
                                      "preview": page.preview_html(preview), "fragments": fragments},
                                     status=400 if error else 200)
        return html(await on_desk(lambda: page.page(desk, form=form, preview=preview, message=message,
                                                    error=error)), status=400 if error else 200)

    async def preview(request: web.Request) -> web.Response:
        return await lexicon_action(request, save=False)

    async def save(request: web.Request) -> web.Response:
        return await lexicon_action(request, save=True)

    async def closed(app) -> None:
        worker.shutdown(wait=True)

    app = web.Application(middlewares=[guarded])
    prefix = f"/{token}"
    app.router.add_get(f"{prefix}/", index)
    app.router.add_get(prefix + r"/audio/{index:\d+}.wav", audio)
    app.router.add_post(f"{prefix}/preview", preview)
    app.router.add_post(f"{prefix}/save", save)
    app.on_cleanup.append(closed)
    return app


async def _serve(desk: Desk, token: str, sock, stop: asyncio.Event) -> None:
    from aiohttp import web

    runner = web.AppRunner(make_app(desk, token), access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        await stop.wait()
    finally:
        await runner.cleanup()


def serve_review(desk: Desk, port: int = DEFAULT_PORT, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the desk on 127.0.0.1 until interrupted; `on_ready` gets the URL with its token."""
    token = secrets.token_urlsafe(18)
    sock = listen(HOST, port)
    run_until_interrupted(lambda stop: _serve(desk, token, sock, stop), sock,
                          on_ready and (lambda: on_ready(f"{url_of(sock)}{token}/")))


@contextlib.contextmanager
def reviewing(desk: Desk, port: int = 0) -> Iterator[str]:
    """Serve the desk from a background thread for the block; yields the URL with its token."""
    token = secrets.token_urlsafe(18)
    sock = listen(HOST, port)
    with running_in_thread(lambda stop: _serve(desk, token, sock, stop), sock, "audiobulletin-review"):
        yield f"{url_of(sock)}{token}/"
