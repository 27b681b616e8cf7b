"""Where edge-tts connects: Microsoft's service by default, or a configured endpoint.

edge-tts builds its websocket URL from the module constant `edge_tts.communicate.WSS_URL`
(`wss://speech.platform.bing.com/.../edge/v1?TrustedClientToken=...`) and appends
`&ConnectionId=...&Sec-MS-GEC=<token>&Sec-MS-GEC-Version=...` on every connection; the voice list
comes from `edge_tts.voices.VOICE_LIST`. `pointed_at` swaps both for the duration of a `with`
block, so the library's protocol, token and clock-skew handling stay exactly as shipped.
"""

from __future__ import annotations

import contextlib
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from ..errors import ConfigError

EDGE_PATH = "/edge/v1"
VOICES_PATH = "/voices/list"


def check_endpoint(endpoint: str) -> str:
    """Validate a configured endpoint; return it with a `?TrustedClientToken=` query if it had none
    (edge-tts appends `&ConnectionId=...`, so the URL must already carry a query)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("ws", "wss") or not parts.netloc or not parts.path.endswith(EDGE_PATH):
        raise ConfigError(f"edge endpoint must look like wss://host/.../edge/v1, got {endpoint!r}",
                          hint="leave edge_endpoint empty to use Microsoft's service")
    if parts.query:
        return endpoint
    from edge_tts.constants import TRUSTED_CLIENT_TOKEN

    return f"{endpoint}?TrustedClientToken={TRUSTED_CLIENT_TOKEN}"


def voice_list_url(endpoint: str) -> str:
    """The voices/list URL that sits next to an edge/v1 websocket endpoint."""
    parts = urlsplit(endpoint)
    scheme = "https" if parts.scheme == "wss" else "http"
    token = parse_qs(parts.query).get("TrustedClientToken", [""])[0]
    path = parts.path[: -len(EDGE_PATH)] + VOICES_PATH
    return f"{scheme}://{parts.netloc}{path}?trustedclienttoken={token}"


@contextlib.contextmanager
def pointed_at(endpoint: str | None) -> Iterator[None]:
    """Point edge-tts at `endpoint` inside the block (None: leave it on Microsoft's service).

    The override is process-wide while the block runs: don't run two engines with different
    endpoints in parallel threads."""
    if not endpoint:
        yield
        return
    from edge_tts import communicate, voices

    url = check_endpoint(endpoint)
    saved = communicate.WSS_URL, voices.VOICE_LIST
    communicate.WSS_URL, voices.VOICE_LIST = url, voice_list_url(url)
    try:
        yield
    finally:
        communicate.WSS_URL, voices.VOICE_LIST = saved
