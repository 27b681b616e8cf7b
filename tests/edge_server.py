"""A stand-in for Microsoft's read-aloud service on 127.0.0.1, for tests and benchmarks.

It speaks the websocket protocol the real edge-tts client uses: it checks the connect URL's
token parameters, reads the speech.config and ssml messages, and answers turn.start,
audio.metadata sentence boundaries, binary audio frames carrying real MP3 (a tone cut from an
ffmpeg-encoded stream at frame boundaries), the empty end-of-audio frame and turn.end. It also
serves GET .../voices/list. Faults are injected per connection (`plan`) or per text (`fail_when`),
and it records what it was asked and how many connections were open at once.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate

import pytest
from aiohttp import web

from local_server import LocalServer, closed_port, speakable_chars

# Faults. The HTTP ones can only come from `plan` (they happen before the text is known).
FORBIDDEN = "403"  # refuse the websocket handshake with 403 (what a bad Sec-MS-GEC token gets)
TOO_MANY = "429"  # refuse with 429 Too Many Requests
SERVER_ERROR = "503"  # refuse with 503
DROP = "drop"  # accept, stream half the audio, then drop the TCP connection
NO_AUDIO = "no-audio"  # turn.start then turn.end, no audio (what an unknown voice gets)
CUT_SHORT = "cut-short"  # all boundaries, only `cut_fraction` of the audio, then a normal turn.end
SLOW = "slow"  # wait `slow_seconds` before answering
HTTP_FAULTS = {FORBIDDEN: 403, TOO_MANY: 429, SERVER_ERROR: 503}

SAMPLE_RATE = 24000
FRAME_BYTES = 144  # one 576-sample MP3 frame at 48 kbit/s, 24 kHz, no padding
FRAME_SECONDS = 576 / SAMPLE_RATE
TICKS = 10_000_000  # boundary offsets are in 100 ns units
LEAD_SECONDS = 0.1  # silence before the first word, as the real service has
CHUNK_BYTES = 4 * 1024
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Received:
    """One synthesis request as the server saw it."""

    voice: str
    rate: str
    pitch: str
    volume: str
    text: str


@dataclass
class Stats:
    connections: int = 0
    """Every connection attempt, refused or not."""
    requests: list[Received] = field(default_factory=list)
    """Every SSML request received (accepted connections)."""
    active: int = 0
    max_active: int = 0


def closed_port_endpoint() -> str:
    """An endpoint on 127.0.0.1 where nothing listens: the service is unreachable."""
    return f"ws://127.0.0.1:{closed_port()}/edge/v1"


def tone_mp3(seconds: float) -> bytes:
    """CBR MP3 with no bit reservoir, so any whole number of frames is itself a valid MP3."""
    from audiobulletin import ffmpeg

    tone = f"sine=frequency=220:sample_rate={SAMPLE_RATE}:duration={seconds}"
    return ffmpeg.run(["-f", "lavfi", "-i", tone, "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k",
                       "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "-"])


def _short_voice_name(ssml_voice: str) -> str:
    """'Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)' -> 'zh-CN-XiaoxiaoNeural'."""
    match = re.search(r"\((\S+), (\S+)\)$", ssml_voice)
    return f"{match[1]}-{match[2]}" if match else ssml_voice


def _text_message(request_id: str, path: str, body: dict) -> str:
    return (f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
            f"Path:{path}\r\n\r\n{json.dumps(body, ensure_ascii=False)}")


def _audio_frame(request_id: str, data: bytes) -> bytes:
    content_type = "Content-Type:audio/mpeg\r\n" if data else ""
    header = f"X-RequestId:{request_id}\r\n{content_type}X-StreamId:1\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + data


class EdgeServer(LocalServer):
    """Runs in a background thread: `with EdgeServer() as server: ... server.endpoint ...`.

    Settings (attributes a test may change; `reset()` restores the constructor's values):
    seconds_per_char  audio per speakable character (0.2 s: a newsreader's pace)
    first_byte_seconds  wait before turn.start; realtime_factor  stream audio at this multiple of
    real time (None: at once); slow_seconds  how long a SLOW fault waits; cut_fraction  how much
    audio a CUT_SHORT fault sends; known_voices  the voices it has (None: any), others get no
    audio; voice_list  what voices/list returns; clock_offset_seconds  how far its clock is ahead
    of the client's (Sec-MS-GEC tokens are checked against it). max_seconds bounds any one answer.
    """

    def __init__(self, *, seconds_per_char: float = 0.2, first_byte_seconds: float = 0.0,
                 realtime_factor: float | None = None, slow_seconds: float = 5.0,
                 cut_fraction: float = 0.3, known_voices: set[str] | None = None,
                 voice_list: list[dict] | None = None, max_seconds: float = 40.0,
                 clock_offset_seconds: float = 0.0):
        self._settings = dict(seconds_per_char=seconds_per_char, first_byte_seconds=first_byte_seconds,
                              realtime_factor=realtime_factor, slow_seconds=slow_seconds,
                              cut_fraction=cut_fraction, known_voices=known_voices,
                              voice_list=voice_list or [], clock_offset_seconds=clock_offset_seconds)
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self.reset()
        self._tone = b""

    # --- control (test thread) ---

    @property
    def endpoint(self) -> str:
        return f"ws://127.0.0.1:{self.port}/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=test"

    def plan(self, *faults: str) -> None:
        """The next connections get these faults, in order; later ones are served normally."""
        with self._lock:
            self._plan.extend(faults)

    def fail_when(self, substring: str, fault: str) -> None:
        """Every request whose text contains `substring` gets `fault` (not an HTTP fault)."""
        assert fault not in HTTP_FAULTS, "HTTP faults happen before the text is known: use plan()"
        with self._lock:
            self._rules.append((substring, fault))

    def reset(self) -> None:
        """Forget the counts and faults; put the settings back to the constructor's."""
        with self._lock:
            self.stats, self._plan, self._rules = Stats(), [], []
            for name, value in self._settings.items():
                setattr(self, name, value)

    def texts(self) -> list[str]:
        with self._lock:
            return [r.text for r in self.stats.requests]

    def seconds_for(self, text: str, rate_percent: int = 0) -> float:
        """How long the server's audio for `text` is (lead silence + per speakable character)."""
        spoken = speakable_chars(text) * self.seconds_per_char / (1 + rate_percent / 100)
        return LEAD_SECONDS + spoken

    def start(self) -> "EdgeServer":
        self._tone = tone_mp3(self.max_seconds)
        return super().start()

    # --- server (its own thread and event loop) ---

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/consumer/speech/synthesize/readaloud/edge/v1", self._synthesize)
        app.router.add_get("/consumer/speech/synthesize/readaloud/voices/list", self._voices)

    async def _voices(self, request: web.Request) -> web.Response:
        return web.json_response(self.voice_list)

    def _next_planned(self) -> str | None:
        with self._lock:
            self.stats.connections += 1
            return self._plan.pop(0) if self._plan else None

    def _now(self) -> float:
        return time.time() + self.clock_offset_seconds

    def _token_ok(self, query) -> bool:
        from edge_tts.drm import generate_sec_ms_gec_v2

        if not (query.get("TrustedClientToken") and query.get("ConnectionId")
                and query.get("Sec-MS-GEC-Version")):
            return False
        now = self._now()  # accept this 5-minute window and the one before (clock edges)
        return query.get("Sec-MS-GEC") in {generate_sec_ms_gec_v2(now), generate_sec_ms_gec_v2(now - 300)}

    def _rule_for(self, text: str) -> str | None:
        with self._lock:
            return next((fault for needle, fault in self._rules if needle in text), None)

    async def _synthesize(self, request: web.Request) -> web.StreamResponse:
        fault = self._next_planned()
        if not self._token_ok(request.query):
            # like the real service: a stale token (client clock off) gets 403 with the server's
            # Date, from which edge-tts corrects its clock skew and retries once
            return web.Response(status=403, text="bad Sec-MS-GEC token",
                                headers={"Date": formatdate(self._now(), usegmt=True)})
        if fault in HTTP_FAULTS:
            return web.Response(status=HTTP_FAULTS[fault], headers={"Retry-After": "0"})
        stats = self.stats  # a reset() during a slow answer must not skew the new counts
        with self._lock:
            stats.active += 1
            stats.max_active = max(stats.max_active, stats.active)
        try:
            return await self._converse(request, fault, stats)
        except ConnectionResetError:  # the client gave up (its timeout) while we were talking
            return web.Response(status=499)
        finally:
            with self._lock:
                stats.active -= 1

    async def _converse(self, request: web.Request, fault: str | None,
                        stats: Stats) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=True)
        await ws.prepare(request)
        config = await ws.receive_str(timeout=10)
        assert "Path:speech.config" in config, config
        message = await ws.receive_str(timeout=10)
        headers, _, ssml = message.partition("\r\n\r\n")
        assert "Path:ssml" in headers, headers
        received = self._parse_ssml(ssml)
        with self._lock:
            stats.requests.append(received)
        fault = fault or self._rule_for(received.text)
        request_id = uuid.uuid4().hex

        if fault == SLOW:
            await asyncio.sleep(self.slow_seconds)
        if self.first_byte_seconds:
            await asyncio.sleep(self.first_byte_seconds)
        await ws.send_str(_text_message(request_id, "turn.start", {"context": {"serviceTag": "test"}}))
        voice_known = self.known_voices is None or received.voice in self.known_voices
        if fault != NO_AUDIO and voice_known:
            if not await self._stream_audio(ws, request, request_id, received, fault):
                return ws  # dropped
        await ws.send_str(_text_message(request_id, "turn.end", {}))
        await ws.close()
        return ws

    async def _stream_audio(self, ws, request, request_id: str, received: Received,
                            fault: str | None) -> bool:
        rate = int(received.rate.rstrip("%"))
        seconds = self.seconds_for(received.text, rate)
        assert seconds <= self.max_seconds, f"text too long for this server's {self.max_seconds} s of tone"
        frames = max(1, round(seconds / FRAME_SECONDS))
        audio = self._tone[: frames * FRAME_BYTES]
        boundaries = self._boundaries(received.text, rate)
        if fault == CUT_SHORT:
            audio = audio[: max(1, int(frames * self.cut_fraction)) * FRAME_BYTES]
        dropping = fault == DROP
        if dropping:
            audio = audio[: max(1, frames // 2) * FRAME_BYTES]
        sent = 0
        while sent < len(audio):
            chunk = audio[sent: sent + CHUNK_BYTES]
            chunk_end = (sent + len(chunk)) / FRAME_BYTES * FRAME_SECONDS
            while boundaries and boundaries[0]["Data"]["Offset"] / TICKS < chunk_end:
                await ws.send_str(_text_message(request_id, "audio.metadata",
                                                {"Metadata": [boundaries.pop(0)]}))
            await ws.send_bytes(_audio_frame(request_id, chunk))
            sent += len(chunk)
            if self.realtime_factor:
                await asyncio.sleep(len(chunk) / FRAME_BYTES * FRAME_SECONDS / self.realtime_factor)
        if dropping:
            request.transport.abort()  # no close frame, no turn.end: a dropped connection
            return False
        for meta in boundaries:  # a cut-short stream still announces every sentence
            await ws.send_str(_text_message(request_id, "audio.metadata", {"Metadata": [meta]}))
        await ws.send_bytes(_audio_frame(request_id, b""))
        return True

    def _boundaries(self, text: str, rate: int) -> list[dict]:
        per_char = self.seconds_per_char / (1 + rate / 100)
        offset, out = LEAD_SECONDS, []
        for sentence in filter(str.strip, SENTENCE_END.split(text)):
            duration = speakable_chars(sentence) * per_char
            out.append({"Type": "SentenceBoundary", "Data": {
                "Offset": round(offset * TICKS), "Duration": round(duration * TICKS),
                "text": {"Text": sentence, "Length": len(sentence), "BoundaryType": "SentenceBoundary"}}})
            offset += duration
        return out

    @staticmethod
    def _parse_ssml(ssml: str) -> Received:
        root = ET.fromstring(ssml)
        ns = "{http://www.w3.org/2001/10/synthesis}"
        voice = root.find(f"{ns}voice")
        prosody = voice.find(f"{ns}prosody")
        return Received(voice=_short_voice_name(voice.get("name")), rate=prosody.get("rate"),
                        pitch=prosody.get("pitch"), volume=prosody.get("volume"),
                        text="".join(prosody.itertext()))


# pytest fixtures: one server per test session, its faults and counts reset for every test.
# conftest.py registers them (pytest_plugins): a test just names `edge_server`.

@pytest.fixture(scope="session")
def edge_server_session():
    from audiobulletin.speech.catalogue import load_catalogue

    known = {v.short_name for v in load_catalogue()}
    with EdgeServer(known_voices=known, slow_seconds=3.0) as server:
        yield server


@pytest.fixture
def edge_server(edge_server_session):
    edge_server_session.reset()
    yield edge_server_session
    edge_server_session.reset()
