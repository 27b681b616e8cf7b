"""A stand-in for Azure AI Speech's text-to-speech REST API on 127.0.0.1, for tests.

It implements the protocol as Microsoft documents it ("Text to speech REST API"):
POST /cognitiveservices/v1 with `Ocp-Apim-Subscription-Key: <key>` or `Authorization: Bearer
<token>` (tokens from POST /sts/v1.0/issueToken, which takes the key), `Content-Type:
application/ssml+xml`, `X-Microsoft-OutputFormat`, `User-Agent`, and an SSML body. It answers 200
with the audio in the asked format (RIFF or raw 16-bit PCM, a 240 Hz tone as long as the text
would take to read, streamed in chunks), 400 for malformed SSML, an unknown voice or output format,
or a missing User-Agent, 401 for a missing or wrong key or token, 415 for another content type.
Faults are injected per request (`plan`) or per text (`fail_when`): 400, 429 with Retry-After, 500,
502, 503, a slow answer, audio cut short (a complete reply with too little audio), a dropped
connection mid-reply. It records what it was asked and how many requests ran at once.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import struct
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from local_server import LocalServer, closed_port, speakable_chars

BAD_REQUEST = "400"  # 400, as for SSML the service will not read
TOO_MANY = "429"  # 429 Too Many Requests with Retry-After
SERVER_ERROR = "500"
BAD_GATEWAY = "502"
UNAVAILABLE = "503"
SLOW = "slow"  # wait `slow_seconds` before answering
CUT_SHORT = "cut-short"  # a well-formed 200 reply holding only `cut_fraction` of the audio
DROP = "drop"  # send the header and half the audio, then drop the connection
HTTP_FAULTS = {BAD_REQUEST: 400, TOO_MANY: 429, SERVER_ERROR: 500, BAD_GATEWAY: 502, UNAVAILABLE: 503}

KEY = "test-key-0123456789abcdef"
PATH = "/cognitiveservices/v1"
TOKEN_PATH = "/sts/v1.0/issueToken"
SAMPLE_RATE = 24000
FORMATS = {"riff-24khz-16bit-mono-pcm": True, "raw-24khz-16bit-mono-pcm": False}  # name -> RIFF header
SSML_NS = "{http://www.w3.org/2001/10/synthesis}"
MSTTS_NS = "{https://www.w3.org/2001/mstts}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHUNK_BYTES = 8 * 1024


@dataclass(frozen=True)
class Received:
    """One synthesis request as the server read it."""

    voice: str
    lang: str
    rate: str
    pitch: str
    volume: str
    text: str
    output_format: str
    auth: str
    """"key" or "bearer"."""
    user_agent: str
    silences: tuple[tuple[str, str], ...] = ()
    """(type, value) of every mstts:silence element."""


@dataclass
class Stats:
    requests: int = 0
    """Every POST to the synthesis path, refused or not."""
    received: list[Received] = field(default_factory=list)
    """Every request whose SSML was accepted."""
    statuses: list[int] = field(default_factory=list)
    active: int = 0
    max_active: int = 0


class SsmlRefused(Exception):
    """Why the SSML gets a 400."""


def closed_port_endpoint() -> str:
    return f"http://127.0.0.1:{closed_port()}{PATH}"


def tone_pcm(seconds: float) -> bytes:
    """A 240 Hz tone (exactly 100 samples a period at 24 kHz)."""
    period = struct.pack("<100h", *(round(8000 * math.sin(2 * math.pi * n / 100)) for n in range(100)))
    samples = round(seconds * SAMPLE_RATE)
    return (period * (samples // 100 + 1))[: 2 * samples]


def riff_header(data_bytes: int) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, SAMPLE_RATE * 2, 2, 16)
    return (b"RIFF" + struct.pack("<I", min(0xFFFFFFFF, 36 + data_bytes)) + b"WAVE"
            + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data_bytes))


def parse_ssml(body: bytes) -> tuple[str, str, dict[str, str], str, tuple[tuple[str, str], ...]]:
    """(voice, xml:lang, prosody attributes, text, silences); SsmlRefused when the service would
    answer 400."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SsmlRefused(f"SSML is not well-formed XML: {exc}") from None
    if root.tag != f"{SSML_NS}speak" or root.get("version") != "1.0" or not root.get(XML_LANG):
        raise SsmlRefused("the root must be <speak version='1.0' xml:lang='…'> in the SSML namespace")
    voice = root.find(f"{SSML_NS}voice")
    if voice is None or not voice.get("name"):
        raise SsmlRefused("no <voice name='…'>")
    silences = tuple((s.get("type", ""), s.get("value", "")) for s in voice.iter(f"{MSTTS_NS}silence"))
    prosody = voice.find(f"{SSML_NS}prosody")
    attributes = dict(prosody.attrib) if prosody is not None else {}
    text = "".join((prosody if prosody is not None else voice).itertext())
    return voice.get("name"), root.get(XML_LANG), attributes, text, silences


def rate_percent(rate: str) -> int:
    return int(rate.rstrip("%")) if rate else 0


class AzureServer(LocalServer):
    """`with AzureServer() as server: ... server.endpoint ...`.

    Settings (attributes a test may change; `reset()` restores the constructor's values):
    seconds_per_char  audio per speakable character; lead_seconds  silence before and after;
    known_voices  voices it has (None: any); first_byte_seconds  wait before every answer;
    slow_seconds  how long SLOW waits; cut_fraction  how much audio CUT_SHORT sends; retry_after
    the Retry-After header of a 429 ("" for none).
    """

    def __init__(self, *, key: str = KEY, seconds_per_char: float = 0.2, lead_seconds: float = 0.05,
                 known_voices: set[str] | None = None, first_byte_seconds: float = 0.0,
                 slow_seconds: float = 3.0, cut_fraction: float = 0.3, retry_after: str = "0"):
        self.key = key
        self._settings = dict(seconds_per_char=seconds_per_char, lead_seconds=lead_seconds,
                              known_voices=known_voices, first_byte_seconds=first_byte_seconds,
                              slow_seconds=slow_seconds,
                              cut_fraction=cut_fraction, retry_after=retry_after)
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self.reset()

    # --- control (test thread) ---

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    @property
    def token_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{TOKEN_PATH}"

    def plan(self, *faults: str) -> None:
        """The next requests get these faults, in order; later ones are served normally."""
        with self._lock:
            self._plan.extend(faults)

    def fail_when(self, substring: str, fault: str) -> None:
        """Every request whose text contains `substring` gets `fault`."""
        with self._lock:
            self._rules.append((substring, fault))

    def reset(self) -> None:
        with self._lock:
            self.stats, self._plan, self._rules = Stats(), [], []
            for name, value in self._settings.items():
                setattr(self, name, value)

    def texts(self) -> list[str]:
        with self._lock:
            return [r.text for r in self.stats.received]

    def seconds_for(self, text: str, rate: int = 0) -> float:
        """How long the audio for `text` is: silence at both ends and a pace per character."""
        return 2 * self.lead_seconds + speakable_chars(text) * self.seconds_per_char / (1 + rate / 100)

    # --- server (its own thread and event loop) ---

    def routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self._synthesize)
        app.router.add_post(TOKEN_PATH, self._issue_token)

    async def _issue_token(self, request: web.Request) -> web.Response:
        if request.headers.get("Ocp-Apim-Subscription-Key") != self.key:
            return web.Response(status=401, text="Access denied due to invalid subscription key.")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return web.Response(text=token)

    def _auth(self, request: web.Request) -> str | None:
        if request.headers.get("Ocp-Apim-Subscription-Key") == self.key:
            return "key"
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            return "bearer" if scheme == "Bearer" and token in self._tokens else None

    def _respond(self, stats: Stats, status: int, text: str = "", headers: dict | None = None) -> web.Response:
        with self._lock:
            stats.statuses.append(status)
        return web.Response(status=status, text=text, headers=headers)

    async def _synthesize(self, request: web.Request) -> web.StreamResponse:
        stats = self.stats  # a reset() during a slow answer must not skew the new counts
        with self._lock:
            stats.requests += 1
            fault = self._plan.pop(0) if self._plan else None
        body = await request.read()
        auth = self._auth(request)
        if auth is None:
            return self._respond(stats, 401, '{"error":{"code":"401","message":"Access denied due to '
                                             'invalid subscription key or wrong API endpoint."}}')
        if request.headers.get("Content-Type", "").split(";")[0].strip() != "application/ssml+xml":
            return self._respond(stats, 415, "Content-Type must be application/ssml+xml")
        output_format = request.headers.get("X-Microsoft-OutputFormat", "")
        if output_format not in FORMATS:
            return self._respond(stats, 400, f"unsupported X-Microsoft-OutputFormat {output_format!r}")
        user_agent = request.headers.get("User-Agent", "")
        if not user_agent:
            return self._respond(stats, 400, "User-Agent is required")
        try:
            voice, lang, prosody, text, silences = parse_ssml(body)
        except SsmlRefused as refused:
            return self._respond(stats, 400, str(refused))
        if self.known_voices is not None and voice not in self.known_voices:
            return self._respond(stats, 400, f"Unsupported voice {voice}.")
        received = Received(voice, lang, prosody.get("rate", ""), prosody.get("pitch", ""),
                            prosody.get("volume", ""), text, output_format, auth, user_agent, silences)
        with self._lock:
            stats.received.append(received)
            fault = fault or next((f for needle, f in self._rules if needle in text), None)
        if fault in HTTP_FAULTS:
            headers = {"Retry-After": self.retry_after} if fault == TOO_MANY and self.retry_after else None
            said = "The SSML could not be read." if fault == BAD_REQUEST else ""
            return self._respond(stats, HTTP_FAULTS[fault], said, headers)
        with self._lock:
            stats.active += 1
            stats.max_active = max(stats.max_active, stats.active)
        try:
            return await self._stream(request, received, fault, stats)
        except ConnectionResetError:  # the client gave up (its timeout) while we were answering
            return web.Response(status=499)
        finally:
            with self._lock:
                stats.active -= 1

    async def _stream(self, request: web.Request, received: Received, fault: str | None,
                      stats: Stats) -> web.StreamResponse:
        await asyncio.sleep(self.slow_seconds if fault == SLOW else self.first_byte_seconds)
        pcm = tone_pcm(self.seconds_for(received.text, rate_percent(received.rate)))
        if fault == CUT_SHORT:
            pcm = pcm[: int(len(pcm) * self.cut_fraction) // 2 * 2]
        audio = (riff_header(len(pcm)) if FORMATS[received.output_format] else b"") + pcm
        response = web.StreamResponse(status=200, headers={"Content-Type": "audio/x-wav"})
        response.enable_chunked_encoding()  # the service streams its replies
        await response.prepare(request)
        with self._lock:
            stats.statuses.append(200)
        end = len(audio) // 2 if fault == DROP else len(audio)
        for start in range(0, end, CHUNK_BYTES):
            await response.write(audio[start:min(end, start + CHUNK_BYTES)])
        if fault == DROP:
            request.transport.abort()  # no final chunk: the client sees a reply cut in transit
            return response
        await response.write_eof()
        return response


# pytest fixtures: one server per test session, its faults and counts reset for every test.
# conftest.py registers them (pytest_plugins): a test just names `azure_server`.

@pytest.fixture(scope="session")
def azure_server_session():
    from audiobulletin.speech.catalogue import load_catalogue

    with AzureServer(known_voices={v.short_name for v in load_catalogue()}) as server:
        yield server


@pytest.fixture
def azure_server(azure_server_session):
    azure_server_session.reset()
    yield azure_server_session
    azure_server_session.reset()
