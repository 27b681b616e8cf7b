"""Online Microsoft voices through edge-tts, hardened against the ways the service fails.

One `asyncio.run` per `render`; a semaphore bounds open connections; every attempt (connect,
stream, decode) has a timeout; 403/429/5xx, dropped connections, NoAudioReceived and audio that
is clearly shorter than its text are retried with exponential backoff and jitter. When attempts
keep failing with no success between them, the engine stops calling the service for the rest of
the run, so a dead service costs seconds, not a retry cycle per segment; a voice that never gets
audio is not asked for again either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import SpeechError
from ..script.sentences import speakable
from .engine import Engine, OnResult, SpeechRequest
from .voice import Clip, Voice

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
OUTPUT_FORMAT = "audio-24khz-48kbitrate-mono-mp3"
TICKS_PER_SECOND = 10_000_000  # boundary offsets and durations are in 100 ns units
MIN_SECONDS_PER_UNIT = 0.1
"""Mandarin news is read at 4-5 characters a second; half that speed or faster means lost audio."""
BOUNDARY_SLACK_SECONDS = 0.3
"""Audio may end this much before the last sentence boundary (MP3 framing) without being cut."""
RETRIABLE_STATUS = {403, 408, 429}  # and every 5xx


@dataclass(frozen=True)
class Backoff:
    """Delay before retry n: min(cap, first * 2**n), minus up to `jitter` of it at random.
    With jitter <= 0.5 a delay is never shorter than the one before, until the cap."""

    first: float = 1.0
    """Seconds before the first retry."""
    cap: float = 30.0
    """Longest delay between two attempts."""
    jitter: float = 0.5
    """Fraction of each delay that is random (spreads out parallel retries)."""

    def __post_init__(self):
        if self.first < 0 or self.cap < self.first or not 0 <= self.jitter <= 0.5:
            raise ValueError("backoff needs 0 <= first <= cap and 0 <= jitter <= 0.5")

    def delay(self, retry: int, rng: random.Random, at_least: float = 0.0) -> float:
        full = min(self.cap, self.first * 2 ** retry)
        return min(self.cap, max(at_least, full * (1 - self.jitter * rng.random())))


@dataclass(frozen=True)
class Retry:
    """One retry the engine made (for the run summary and the tests)."""

    index: int
    reason: str
    delay: float


@dataclass
class EdgeStats:
    """What the last `render` did."""

    attempts: int = 0
    retries: list[Retry] = field(default_factory=list)
    gave_up: str = ""
    """Why the engine stopped calling the service, if it did."""


class _Failure(Exception):
    """One failed attempt, classified: `retriable`, and a short `reason` for messages."""

    def __init__(self, reason: str, retriable: bool = True, kind: str = "", retry_after: float = 0.0):
        super().__init__(reason)
        self.reason, self.retriable, self.kind, self.retry_after = reason, retriable, kind, retry_after


@dataclass
class _Run:
    """State of one render, shared by its tasks: what the service has shown so far."""

    semaphore: asyncio.Semaphore
    rng: random.Random
    stats: EdgeStats
    failed_in_a_row: int = 0
    """Failed attempts since the last success, across all requests."""
    no_audio_in_a_row: dict[str, int] = field(default_factory=dict)
    """Per voice: attempts answered with no audio since that voice last worked."""
    rejected_voices: dict[str, str] = field(default_factory=dict)
    """Voice name -> why it is not asked for again in this run."""

    def refusal(self, voice: str) -> str:
        return self.rejected_voices.get(voice) or self.stats.gave_up


def speakable_units(text: str) -> float:
    """Roughly how many syllables `text` has: a Han character or digit is one, a Latin letter a
    third (words and acronyms), punctuation none."""
    units = 0.0
    for ch in text:
        if ch.isascii():
            units += 1 if ch.isdigit() else (1 / 3 if ch.isalpha() else 0)
        elif ch.isalnum():
            units += 1
    return units


def truncation_problem(text: str, rate: int, seconds: float, boundary_end: float) -> str | None:
    """Why `seconds` of audio is clearly too short for `text` at `rate`% (None if plausible):
    shorter than its own sentence boundaries say, or too fast for its character count."""
    if boundary_end and seconds + BOUNDARY_SLACK_SECONDS < boundary_end:
        return f"audio cut short: {seconds:.1f} s, but its sentence boundaries run to {boundary_end:.1f} s"
    need = speakable_units(text) * MIN_SECONDS_PER_UNIT / (1 + rate / 100)
    if seconds < need:
        return (f"audio cut short: {seconds:.1f} s for {len(text)} characters "
                f"(at least {need:.1f} s expected)")
    return None


def prosody(voice: Voice) -> dict[str, str]:
    """The Voice's prosody as edge-tts's strings: rate "+0%", volume "+0%", pitch "+0Hz"."""
    return {"rate": f"{voice.rate:+d}%", "volume": f"{voice.volume:+d}%", "pitch": f"{voice.pitch:+d}Hz"}


def rejected_voice_message(name: str) -> str:
    from .catalogue import zh_cn_names

    known = zh_cn_names()
    status = "is not in the shipped catalogue" if name not in known else "may have been withdrawn"
    return (f"the online service gives no audio for voice {name!r}: it {status}; "
            f"zh-CN voices: {', '.join(known)}")


def invalid_voice_message(name: str, reason: str) -> str:
    from .catalogue import zh_cn_names

    return f"{name!r} is not an online voice name ({reason}); zh-CN voices: {', '.join(zh_cn_names())}"


class EdgeEngine(Engine):
    """Microsoft's online neural voices (unofficial service: see docs/online-voices.md)."""

    name = "edge"

    def __init__(self, concurrency: int = 4, timeout: float = 30.0, retries: int = 4,
                 endpoint: str | None = None, backoff: Backoff = Backoff(), give_up_after: int = 12,
                 seed: int | None = None):
        if not 1 <= concurrency <= 32:
            raise ValueError(f"concurrency must be 1..32, got {concurrency}")
        if timeout <= 0 or retries < 0 or give_up_after < 1:
            raise ValueError("timeout must be > 0, retries >= 0, give_up_after >= 1")
        self.concurrency = concurrency
        self.timeout = timeout
        """Seconds for one attempt: connect, stream all audio, decode."""
        self.retries = retries
        """Extra attempts per request after the first fails."""
        self.endpoint = endpoint
        """Websocket URL ending in /edge/v1; None for Microsoft's service."""
        self.backoff = backoff
        self.give_up_after = give_up_after
        """After this many failed attempts in a row (any requests, no success between), stop calling
        the service for the rest of the run: it is down, or refusing us."""
        self.seed = seed
        self.stats = EdgeStats()

    def version(self) -> str:
        # The service's voices are what they are today: the cache key names what we ask for and how
        # we decode it. Bump the suffix when either changes. (The edge-tts version is left out: it
        # only carries the request.)
        return f"{OUTPUT_FORMAT}>s16le-{SAMPLE_RATE}-mono/1"

    def engine_input(self, request: SpeechRequest) -> str:
        """The SSML edge-tts sends for the request (one document per 4 KB part of the text)."""
        import edge_tts
        from edge_tts.communicate import mkssml

        try:
            tone = prosody(request.voice)
            communicate = edge_tts.Communicate(request.text, request.voice.name, rate=tone["rate"],
                                               volume=tone["volume"], pitch=tone["pitch"])
        except ValueError:  # not a voice name edge-tts accepts: rendering will say so
            return request.text
        return "".join(mkssml(communicate.tts_config, part) for part in communicate.texts)

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        from .edge_endpoint import pointed_at

        self.stats = EdgeStats()
        if not requests:
            return
        with pointed_at(self.endpoint):
            asyncio.run(self._render(list(requests), on_result))

    async def _render(self, requests: list[SpeechRequest], on_result: OnResult) -> None:
        run = _Run(asyncio.Semaphore(self.concurrency), random.Random(self.seed), self.stats)

        async def one(request: SpeechRequest) -> None:
            on_result(request, await self._speak(request, run))

        await asyncio.gather(*(one(r) for r in requests))

    async def _speak(self, request: SpeechRequest, run: _Run) -> Clip | SpeechError:
        voice = request.voice
        where = f"segment {request.index}"
        if not speakable(request.text):  # the service answers "……" or "——" with no audio
            return Clip(pcm=b"", sample_rate=SAMPLE_RATE, engine=self.name, skipped=(request.text,))
        if voice.engine != self.name:
            return SpeechError(f"voice {voice.name!r} is for the {voice.engine} engine", where=where)
        failures: list[_Failure] = []
        for attempt in range(self.retries + 1):
            if run.refusal(voice.name):
                break
            if failures:
                last = failures[-1]
                delay = self.backoff.delay(attempt - 1, run.rng, at_least=last.retry_after)
                run.stats.retries.append(Retry(request.index, last.reason, delay))
                log.info("%s: %s; retry %d of %d in %.2f s", where, last.reason, attempt,
                         self.retries, delay)
                await asyncio.sleep(delay)
            async with run.semaphore:
                # checked after the wait: what other requests learnt meanwhile applies here too
                if run.refusal(voice.name):
                    break
                run.stats.attempts += 1
                try:
                    clip = await asyncio.wait_for(self._attempt(request), self.timeout)
                except _Failure as failure:
                    failures.append(failure)
                except Exception as exc:  # everything the network and the library raise
                    failures.append(self._classify(exc))
                else:
                    run.failed_in_a_row = 0
                    run.no_audio_in_a_row[voice.name] = 0
                    return clip
            self._learn(failures[-1], voice.name, run)
            if not failures[-1].retriable:
                break
        return self._error(request, failures, run)

    def _learn(self, failure: _Failure, voice: str, run: _Run) -> None:
        """Count a failed attempt towards rejecting its voice or giving up on the service."""
        if failure.kind == "bad-voice":
            run.rejected_voices[voice] = invalid_voice_message(voice, failure.reason)
            return
        if failure.kind == "no-audio":
            run.no_audio_in_a_row[voice] = run.no_audio_in_a_row.get(voice, 0) + 1
            if run.no_audio_in_a_row[voice] > self.retries and voice not in run.rejected_voices:
                run.rejected_voices[voice] = rejected_voice_message(voice)
                return  # a voice problem, not a service problem
        run.failed_in_a_row += 1
        if run.failed_in_a_row >= self.give_up_after and not run.stats.gave_up:
            run.stats.gave_up = (f"the online service failed {run.failed_in_a_row} attempts in a row "
                                 f"(last: {failure.reason}); not calling it again in this run")
            log.warning(run.stats.gave_up)

    def _error(self, request: SpeechRequest, failures: list[_Failure], run: _Run) -> SpeechError:
        where = f"segment {request.index}"
        voice = request.voice.name
        if voice in run.rejected_voices:
            return SpeechError(run.rejected_voices[voice], where=where,
                               hint="pick another voice in the voice profile; "
                                    "`audiobulletin voices --online` lists what the service has now")
        hint = "check the network, or use --engine auto or --engine offline"
        if not failures:
            return SpeechError(run.stats.gave_up, where=where, hint=hint)
        return SpeechError(f"online voice {voice} failed after {len(failures)} attempt(s): "
                           f"{failures[-1].reason}", where=where, hint=hint)

    async def _attempt(self, request: SpeechRequest) -> Clip:
        import edge_tts

        voice = request.voice
        whole_seconds = max(1, math.ceil(self.timeout))  # edge-tts wants int seconds
        try:
            tone = prosody(voice)
            communicate = edge_tts.Communicate(request.text, voice.name, rate=tone["rate"], volume=tone["volume"],
                                               pitch=tone["pitch"],
                                               boundary="SentenceBoundary",
                                               connect_timeout=whole_seconds,
                                               receive_timeout=whole_seconds)
        except ValueError as exc:  # edge-tts validates the voice name (prosody strings are ours)
            raise _Failure(str(exc), retriable=False, kind="bad-voice") from None
        mp3 = bytearray()
        boundary_end = 0.0
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                mp3 += chunk["data"]
            elif chunk["type"] in ("SentenceBoundary", "WordBoundary"):
                boundary_end = max(boundary_end, (chunk["offset"] + chunk["duration"]) / TICKS_PER_SECOND)
        pcm = await decode_mp3(bytes(mp3))
        seconds = len(pcm) / 2 / SAMPLE_RATE
        problem = truncation_problem(request.text, voice.rate, seconds, boundary_end)
        if problem:
            raise _Failure(problem, kind="truncated")
        return Clip(pcm=pcm, sample_rate=SAMPLE_RATE, engine=self.name)

    def _classify(self, exc: BaseException) -> _Failure:
        import aiohttp
        from edge_tts import exceptions as edge_errors

        if isinstance(exc, aiohttp.ClientResponseError):  # includes a refused websocket handshake
            status = exc.status
            detail = {403: " (token or clock skew; edge-tts already retried once)",
                      429: " (too many requests)"}.get(status, "")
            retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
            return _Failure(f"HTTP {status}{detail}", retriable=status in RETRIABLE_STATUS or status >= 500,
                            kind="http", retry_after=float(retry_after) if retry_after.isdigit() else 0.0)
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return _Failure(f"no complete answer within {self.timeout:g} s", kind="timeout")
        if isinstance(exc, edge_errors.NoAudioReceived):
            return _Failure("no audio received", kind="no-audio")
        if isinstance(exc, edge_errors.SkewAdjustmentError):
            return _Failure("HTTP 403 without a usable Date header (clock skew)", kind="http")
        if isinstance(exc, (aiohttp.ClientError, edge_errors.EdgeTTSException, OSError)):
            return _Failure(connection_problem(exc), kind="connection")
        raise exc  # a bug, not a service failure


def connection_problem(exc: BaseException) -> str:
    """A failed connection in plain words: aiohttp's own text carries the connector's repr
    (`ssl:<ssl.SSLContext object at 0x…>`), which tells a newsroom nothing."""
    import socket

    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError):  # DNS, TLS and refused connections
        where = f"{exc.host}:{exc.port}"
        if isinstance(exc, (aiohttp.ClientConnectorCertificateError, aiohttp.ClientConnectorSSLError)):
            return f"unreachable: {where} refused the secure connection (TLS certificate or handshake)"
        if isinstance(exc.os_error, socket.gaierror) or isinstance(exc, aiohttp.ClientConnectorDNSError):
            return f"unreachable: the host name {exc.host} cannot be resolved (no network or DNS)"
        return f"unreachable: {where}: {_os_reason(exc.os_error)}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the service closed the connection"
    if isinstance(exc, OSError):
        return f"connection failed: {_os_reason(exc)}"
    return f"connection failed: {exc or type(exc).__name__}"


def _os_reason(error: BaseException) -> str:
    """ECONNREFUSED -> "connection refused": the system's words for the error number (asyncio's
    strerror is "Connect call failed ('127.0.0.1', 9)"), never the exception's repr."""
    import os

    number = getattr(error, "errno", None)
    reason = (os.strerror(number) if isinstance(number, int) and number > 0 else None) \
        or getattr(error, "strerror", None) or str(error) or type(error).__name__
    return reason[:1].lower() + reason[1:]


async def decode_mp3(mp3: bytes) -> bytes:
    """MP3 bytes -> mono 16-bit PCM at SAMPLE_RATE, with the ffmpeg that imageio-ffmpeg ships."""
    from ..ffmpeg import ffmpeg_exe, last_line

    if not mp3:
        raise _Failure("no audio received", kind="no-audio")
    process = await asyncio.create_subprocess_exec(
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "mp3",
        "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        pcm, errors = await process.communicate(mp3)
    except BaseException:  # cancelled by the attempt's timeout: don't leave ffmpeg behind
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0 or not pcm:
        raise _Failure(f"undecodable audio: {last_line(errors)}", kind="bad-audio")
    return pcm
