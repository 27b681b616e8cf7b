"""Azure AI Speech: Microsoft's licensed, paid service, with the same Mandarin neural voices as
the online engine (Xiaoxiao, Yunyang, Yunxi, ...) under commercial terms.

Why the REST synthesis endpoint and not the Speech SDK (azure-cognitiveservices-speech):
- one HTTPS POST per segment through aiohttp, which the project already uses; the SDK is a
  native library per platform (tens of MB, with its own OpenSSL and audio-system needs);
- the REST protocol is plain, documented HTTP, so the tests run this very client against a local
  server that speaks it, faults included (tests/azure_server.py); the SDK talks a private
  websocket protocol that nothing local can stand in for;
- timeouts, retries honouring Retry-After and the concurrency bound stay ours, in the same asyncio
  shape as the edge engine.
What REST lacks is the SDK's word-boundary events: the truncation check uses the RIFF header's
length and the duration against the text's syllables instead. Segments are sentences, far below
REST's limit of 10 minutes of audio per request.

One `asyncio.run` per `render`, one HTTP session, a semaphore bounding requests in flight; every
attempt has a timeout; 408, 429, 5xx, dropped connections and audio that is cut short are retried
with exponential backoff (at least as long as Retry-After asks). 401/403 (key, region or endpoint
wrong) stop the engine for the rest of the run; 400 (the SSML or voice refused) fails that
segment only. The key is sent in a header and never appears in logs, errors or reprs.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Sequence
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from ..errors import ConfigError, SpeechError
from ..script.sentences import speakable
from .edge import Backoff, Retry, truncation_problem
from .engine import Engine, OnResult, SpeechRequest
from .voice import Clip, Voice

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
OUTPUT_FORMAT = "riff-24khz-16bit-mono-pcm"
"""WAV (RIFF) at 24 kHz: no decoder needed, and the header says how much audio to expect."""
USER_AGENT = "audiobulletin"
REGION = re.compile(r"^[a-z][a-z0-9]{1,39}$")  # eastus, westeurope, chinaeast2 ...
SILENCE_MS = 50
"""Silence the service leaves before and after each segment: the script's own pauses follow it."""
MAX_RETRY_AFTER_SECONDS = 60.0
"""A 429 asking for a longer wait is not retried: the quota is gone for longer than a run waits."""
ERROR_BODY_CHARS = 200


def region_endpoint(region: str) -> str:
    return f"https://{region}.tts.speech.microsoft.com/cognitiveservices/v1"


@dataclass(frozen=True)
class AzureAccess:
    """Where the service is and how to prove we may use it. Secrets stay out of `repr`."""

    endpoint: str
    """The synthesis URL (…/cognitiveservices/v1)."""
    key: str = field(default="", repr=False)
    """Speech resource key, sent as Ocp-Apim-Subscription-Key."""
    token: str = field(default="", repr=False)
    """Or a bearer token (STS or Microsoft Entra), valid for the length of the run."""

    @classmethod
    def configure(cls, *, key: str = "", region: str = "", endpoint: str = "",
                  token: str = "") -> "AzureAccess":
        """From the settings; ConfigError (before any speech) when something is missing."""
        hint = ("set azure_key (or $AUDIOBULLETIN_AZURE_KEY) and azure_region, e.g. eastus, "
                "from the Speech resource's Keys and Endpoint page; or choose another engine")
        if not key and not token:
            raise ConfigError("the azure engine needs a Speech resource key", hint=hint)
        if endpoint:
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
                raise ConfigError("azure_endpoint must be an https URL like "
                                  f"{region_endpoint('eastus')}, got {endpoint!r}")
            return cls(endpoint, key=key, token=token)
        if not region:
            raise ConfigError("the azure engine needs its region (or a full endpoint)", hint=hint)
        if not REGION.match(region):
            raise ConfigError(f"azure_region must be a region name like eastus, got {region!r}")
        return cls(region_endpoint(region), key=key, token=token)

    def headers(self) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {
            "Ocp-Apim-Subscription-Key": self.key}
        return {**auth, "Content-Type": "application/ssml+xml", "X-Microsoft-OutputFormat": OUTPUT_FORMAT,
                "User-Agent": USER_AGENT}


def language_of(voice_name: str) -> str:
    """zh-CN-XiaoxiaoNeural -> zh-CN (also for dialect voices: zh-CN-liaoning-…)."""
    return "-".join(voice_name.split("-")[:2])


def ssml(text: str, voice: Voice) -> str:
    """The request body: the voice, its prosody, and exact silence at both ends."""
    prosody = f"rate='{voice.rate:+d}%' pitch='{voice.pitch:+d}Hz' volume='{voice.volume:+d}%'"
    return ("<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' "
            "xmlns:mstts='https://www.w3.org/2001/mstts' "
            f"xml:lang={quoteattr(language_of(voice.name))}>"
            f"<voice name={quoteattr(voice.name)}>"
            f"<mstts:silence type='Leading-exact' value='{SILENCE_MS}ms'/>"
            f"<mstts:silence type='Tailing-exact' value='{SILENCE_MS}ms'/>"
            f"<prosody {prosody}>{escape(text)}</prosody></voice></speak>")


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """Retry-After as seconds: delta-seconds or an HTTP date (0 when absent or unreadable)."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Failure(Exception):
    """One failed attempt: a short `reason`; `retriable`; `fatal` stops the engine for the run."""

    def __init__(self, reason: str, *, retriable: bool = True, fatal: bool = False, retry_after: float = 0.0):
        super().__init__(reason)
        self.reason, self.retriable, self.fatal, self.retry_after = reason, retriable, fatal, retry_after


def pcm_from_riff(body: bytes) -> bytes:
    """The 16-bit mono 24 kHz samples of a RIFF/WAVE reply; _Failure if it is anything else or
    holds fewer bytes than its data chunk declares (a reply cut short in transit)."""
    if len(body) < 12 or body[:4] != b"RIFF" or body[8:12] != b"WAVE":
        raise _Failure(f"the reply is not RIFF audio ({len(body)} bytes)")
    offset, fmt = 12, None
    while offset + 8 <= len(body):
        chunk, size = body[offset:offset + 4], struct.unpack_from("<I", body, offset + 4)[0]
        start = offset + 8
        if chunk == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body, start)
        elif chunk == b"data":
            if fmt is None or fmt[0] != 1 or fmt[1] != 1 or fmt[2] != SAMPLE_RATE or fmt[5] != 16:
                raise _Failure(f"unexpected audio format {fmt} (want PCM, mono, {SAMPLE_RATE} Hz, 16 bit)",
                               retriable=False)
            data = body[start:]
            streaming = size in (0, 0xFFFFFFFF)  # a streamed reply may not know its length up front
            if not streaming and len(data) < size:
                raise _Failure(f"audio cut short: {len(data)} of {size} bytes arrived")
            data = data if streaming else data[:size]
            return data[: len(data) - len(data) % 2]
        offset = start + size + (size & 1)
    raise _Failure("the reply has no audio data chunk")


@dataclass
class AzureStats:
    """What the last `render` did."""

    attempts: int = 0
    retries: list[Retry] = field(default_factory=list)
    gave_up: str = ""
    """Why the engine stopped calling the service, if it did."""


@dataclass
class _Run:
    semaphore: asyncio.Semaphore
    rng: random.Random
    stats: AzureStats
    failed_in_a_row: int = 0


class AzureEngine(Engine):
    """Azure AI Speech neural voices over the REST API (see the module docstring)."""

    name = "azure"

    def __init__(self, access: AzureAccess, *, concurrency: int = 4, timeout: float = 30.0,
                 retries: int = 4, backoff: Backoff = Backoff(), give_up_after: int = 12,
                 max_retry_after: float = MAX_RETRY_AFTER_SECONDS, seed: int | None = None):
        if not 1 <= concurrency <= 32:
            raise ValueError(f"concurrency must be 1..32, got {concurrency}")
        if timeout <= 0 or retries < 0 or give_up_after < 1:
            raise ValueError("timeout must be > 0, retries >= 0, give_up_after >= 1")
        self.access = access
        self.concurrency = concurrency
        self.timeout = timeout
        """Seconds for one attempt: connect, send, receive all audio."""
        self.retries = retries
        """Extra attempts per request after the first fails."""
        self.backoff = backoff
        self.give_up_after = give_up_after
        """After this many failed attempts in a row (no success between), stop calling the service."""
        self.max_retry_after = max_retry_after
        self.seed = seed
        self.stats = AzureStats()

    def version(self) -> str:
        # The service's voices are what they are; the key names what we ask for and how we read it.
        return f"{OUTPUT_FORMAT}/silence-{SILENCE_MS}/1"

    def engine_input(self, request: SpeechRequest) -> str:
        """The SSML document posted for the request."""
        return ssml(request.text, request.voice)

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        self.stats = AzureStats()
        if requests:
            asyncio.run(self._render(list(requests), on_result))

    async def _render(self, requests: list[SpeechRequest], on_result: OnResult) -> None:
        import aiohttp

        run = _Run(asyncio.Semaphore(self.concurrency), random.Random(self.seed), self.stats)
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(connector=connector, headers=self.access.headers()) as session:
            async def one(request: SpeechRequest) -> None:
                on_result(request, await self._speak(session, request, run))

            await asyncio.gather(*(one(r) for r in requests))

    async def _speak(self, session, request: SpeechRequest, run: _Run) -> Clip | SpeechError:
        voice = request.voice
        where = f"segment {request.index}"
        if not speakable(request.text):  # nothing to say: don't pay for silence
            return Clip(pcm=b"", sample_rate=SAMPLE_RATE, engine=self.name, skipped=(request.text,))
        if voice.engine != self.name:
            return SpeechError(f"voice {voice.name!r} is for the {voice.engine} engine", where=where)
        failures: list[_Failure] = []
        for attempt in range(self.retries + 1):
            if run.stats.gave_up:
                break
            if failures:
                last = failures[-1]
                delay = max(last.retry_after, self.backoff.delay(attempt - 1, run.rng))
                run.stats.retries.append(Retry(request.index, last.reason, delay))
                log.info("%s: %s; retry %d of %d in %.2f s", where, last.reason, attempt, self.retries, delay)
                await asyncio.sleep(delay)
            async with run.semaphore:
                if run.stats.gave_up:  # learnt by another request while this one waited
                    break
                run.stats.attempts += 1
                try:
                    clip = await asyncio.wait_for(self._attempt(session, request), self.timeout)
                except _Failure as failure:
                    failures.append(failure)
                except Exception as exc:  # everything the network and aiohttp raise
                    failures.append(self._classify(exc))
                else:
                    run.failed_in_a_row = 0
                    return clip
            self._learn(failures[-1], run)
            if not failures[-1].retriable:
                break
        return self._error(request, failures, run)

    def _learn(self, failure: _Failure, run: _Run) -> None:
        run.failed_in_a_row += 1
        if run.stats.gave_up:
            return
        if failure.fatal:
            run.stats.gave_up = f"{failure.reason}; not calling the service again in this run"
        elif run.failed_in_a_row >= self.give_up_after:
            run.stats.gave_up = (f"the Azure service failed {run.failed_in_a_row} attempts in a row "
                                 f"(last: {failure.reason}); not calling it again in this run")
        if run.stats.gave_up:
            log.warning(run.stats.gave_up)

    def _error(self, request: SpeechRequest, failures: list[_Failure], run: _Run) -> SpeechError:
        where = f"segment {request.index}"
        hint = "check azure_key, azure_region and the network, or add fallback = \"offline\""
        if not failures:
            return SpeechError(run.stats.gave_up, where=where, hint=hint)
        return SpeechError(f"Azure voice {request.voice.name} failed after {len(failures)} attempt(s): "
                           f"{failures[-1].reason}", where=where, hint=hint)

    async def _attempt(self, session, request: SpeechRequest) -> Clip:
        body = ssml(request.text, request.voice).encode("utf-8")
        async with session.post(self.access.endpoint, data=body) as response:
            if response.status != 200:
                raise self._refusal(response.status, response.headers.get("Retry-After"),
                                    (await response.text(errors="replace"))[:ERROR_BODY_CHARS])
            audio = await response.read()
        pcm = pcm_from_riff(audio)
        seconds = len(pcm) / 2 / SAMPLE_RATE
        problem = truncation_problem(request.text, request.voice.rate, seconds, 0.0)
        if problem:
            raise _Failure(problem)
        return Clip(pcm=pcm, sample_rate=SAMPLE_RATE, engine=self.name)

    def _refusal(self, status: int, retry_after: str | None, detail: str) -> _Failure:
        detail = " ".join(detail.split())
        said = f": {detail}" if detail else ""
        if status in (401, 403):
            return _Failure(f"HTTP {status}: the service refused the key or token for this region or "
                            f"endpoint{said}", retriable=False, fatal=True)
        if status == 400:
            return _Failure(f"HTTP 400: the service refused the request (SSML or voice name){said}",
                            retriable=False)
        wait = retry_after_seconds(retry_after)
        if status == 429 and wait > self.max_retry_after:
            return _Failure(f"HTTP 429: the service asks to wait {wait:.0f} s (quota used up?)",
                            retriable=False)
        retriable = status in (408, 429) or status >= 500
        reason = {429: "HTTP 429 (too many requests)"}.get(status, f"HTTP {status}{said}")
        return _Failure(reason, retriable=retriable, retry_after=wait)

    def _classify(self, exc: BaseException) -> _Failure:
        import aiohttp

        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return _Failure(f"no complete answer within {self.timeout:g} s")
        if isinstance(exc, aiohttp.ClientPayloadError):
            return _Failure("audio cut short: the connection ended mid-reply")
        if isinstance(exc, (aiohttp.ClientError, OSError)):
            return _Failure(f"connection failed: {exc or type(exc).__name__}")
        raise exc  # a bug, not a service failure
