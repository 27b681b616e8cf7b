"""The Kokoro-82M v1.0 Mandarin engine (Apache-2.0 weights), offline, on onnxruntime.

An optional extra: `pip install 'audiobulletin[kokoro]'`. Text arrives already read by the shared
normaliser (as for the offline voice: Simplified characters, letters in words); the frontend
(kokoro_frontend.py) turns it into phoneme calls of at most 510 tokens; each call's audio is trimmed
of the model's own silence and the calls are joined with short pauses into one 24 kHz clip. Like
the offline voice, every worker process loads the model once (workers.py).
"""

from __future__ import annotations

import hashlib
import inspect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import AudioBulletinError, ConfigError, SpeechError
from .engine import Result, SpeechRequest
from .kokoro_model import SAMPLE_RATE
from .model_audio import pause, to_pcm16, trim_silence
from .voice import Clip, Voice
from .workers import LocalVoiceEngine

ENGINE = "kokoro"
WARM_UP_VOICE = "zf_xiaoxiao"


@dataclass(frozen=True)
class KokoroSettings:
    """What a worker process needs to build the same voice as every other worker."""

    model: Path
    """The joined ONNX model (kokoro_model.model_path)."""
    vocab: Path
    lexicon: tuple[tuple[str, str], ...] = ()
    threads: int = 1
    """onnxruntime threads per worker: one process per core scales better than threads."""

    def pinyin_lexicon(self):
        """The lexicon's [pinyin] entries as the shared reader takes them (ConfigError if malformed)."""
        from ..script.reading.lexicon import Lexicon

        return Lexicon(pinyin={word: tuple(p.lower().split()) for word, p in self.lexicon})

    def frontend(self):
        """The text frontend with this lexicon (ConfigError if it names a syllable misaki cannot read)."""
        from .kokoro_frontend import KokoroFrontend, syllable_ipa
        from .kokoro_model import load_vocab

        lexicon = self.pinyin_lexicon()
        for word, syllables in lexicon.pinyin.items():
            unknown = [s for s in syllables if syllable_ipa(s) is None]
            if unknown:
                raise ConfigError(f"the kokoro engine cannot read the syllable {', '.join(unknown)}",
                                  where=f"lexicon [pinyin] {word}", hint="check the spelling and tone")
        return KokoroFrontend(load_vocab(self.vocab), lexicon)


def speed_and_gain(voice: Voice) -> tuple[float, float]:
    """Voice rate % and volume % -> Kokoro's speed factor and an output gain."""
    return 1 + voice.rate / 100, 1 + voice.volume / 100


def frontend_fingerprint() -> str:
    """sha256 over the code and packages that turn text into phonemes and phonemes into audio:
    a change in any of them may change the sound, so it changes every cache key."""
    import importlib.metadata

    from ..script.reading import lexicon
    from . import kokoro_frontend, mandarin_frontend, pinyin

    digest = hashlib.sha256()
    for module in (kokoro_frontend, mandarin_frontend, pinyin, lexicon):
        digest.update(Path(inspect.getfile(module)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    for package in ("misaki", "pypinyin", "jieba", "cn2an", "onnxruntime"):
        digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


class KokoroSynthesizer:
    """The model loaded in this process: SpeechRequest -> Clip. Loading takes a few seconds."""

    def __init__(self, settings: KokoroSettings):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: no banner on stderr
        try:
            self.session = onnxruntime.InferenceSession(str(settings.model), options,
                                                        providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own types for a bad file
            raise SpeechError(f"cannot load the Kokoro model: {type(error).__name__}: {error}",
                              where=str(settings.model),
                              hint="delete the file: it is joined again from the installed parts") from None
        self.frontend = settings.frontend()
        self._styles: dict = {}
        self._speak("预热。", Voice(ENGINE, WARM_UP_VOICE), where="warm-up")  # loads jieba (~1 s)

    def render(self, request: SpeechRequest) -> Result:
        """The clip, or the SpeechError that says why this request cannot be spoken."""
        where = f"segment {request.index}"
        voice = request.voice
        if voice.engine != ENGINE:
            return SpeechError(f"the kokoro engine cannot speak the {voice.engine} voice {voice.name}",
                               where=where, hint=f"take the voice from the profile's [{ENGINE}] section")
        if voice.pitch:
            return SpeechError(f"the kokoro engine cannot change pitch (voice {voice.name}, "
                               f"pitch {voice.pitch:+d} Hz)", where=where,
                               hint=f"remove `pitch` from the profile's [{ENGINE}] section")
        try:
            return self._speak(request.text, voice, where)
        except AudioBulletinError as error:
            return error if isinstance(error, SpeechError) else SpeechError(error.message, where=where)
        except Exception as error:  # one odd text must not end the run: report it with the segment
            return SpeechError(f"the kokoro voice failed on {request.text[:40]!r}: "
                               f"{type(error).__name__}: {error}", where=where)

    def _style(self, name: str):
        if name not in self._styles:
            from .kokoro_model import load_voice

            self._styles[name] = load_voice(name)
        return self._styles[name]

    def _speak(self, text: str, voice: Voice, where: str) -> Clip:
        import numpy as np

        styles = self._style(voice.name)
        speed, gain = speed_and_gain(voice)
        plan = self.frontend.plan(text)
        parts = []
        for call in plan.calls:
            ids = self.frontend.ids(call.phonemes)
            audio = self.session.run(None, {
                "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
                "style": styles[len(ids) - 1:len(ids)],
                "speed": np.array([speed], dtype=np.float32)})[0]
            audio = trim_silence(np.asarray(audio, dtype=np.float32).ravel(), SAMPLE_RATE)
            if not audio.size:
                raise SpeechError(f"the kokoro voice returned silence for {call.phonemes[:40]!r}",
                                  where=where)
            parts.append(audio)
            if call.pause_after_ms:
                parts.append(pause(call.pause_after_ms, SAMPLE_RATE))
        if not parts:
            raise SpeechError(f"nothing the kokoro voice can say in {text[:60]!r}", where=where,
                              hint="write Latin letters and symbols out in Chinese, or use another engine")
        return Clip(to_pcm16(np.concatenate(parts) * gain), SAMPLE_RATE, engine=ENGINE,
                    skipped=plan.skipped)


class KokoroEngine(LocalVoiceEngine):
    """Kokoro-82M v1.0, offline. `workers` processes (None: one per core; 1: in this process).
    `model_dir`: where the joined model is kept (default: the user cache folder)."""

    name = ENGINE

    def __init__(self, workers: int | None = None, lexicon: Mapping[str, str] | None = None,
                 model_dir: Path | None = None):
        from .kokoro_model import find_files

        workers = (os.cpu_count() or 1) if workers is None else workers
        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"kokoro engine workers must be a whole number >= 1, got {workers!r}")
        self.workers = workers
        self.files = find_files()  # ConfigError now, before any speech, if the extra is missing
        self.model_dir = model_dir
        self.lexicon = tuple(sorted((lexicon or {}).items()))
        KokoroSettings(Path(), self.files.vocab, self.lexicon).pinyin_lexicon()  # malformed: fail here
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            from .kokoro_model import MODEL_SHA256, voices_fingerprint

            parts = [f"kokoro-v1.0-int8-{MODEL_SHA256[:12]}",
                     f"vocab-{self.files.vocab_fingerprint()[:8]}",
                     f"voices-{voices_fingerprint()[:8]}", f"frontend-{frontend_fingerprint()[:8]}"]
            if self.lexicon:
                parts.append(f"lexicon-{hashlib.sha256(repr(self.lexicon).encode()).hexdigest()[:8]}")
            self._version = "/".join(parts)
        return self._version

    def settings(self) -> KokoroSettings:
        """What every worker loads; joins the model into the cache folder first if needed."""
        from .kokoro_model import model_path

        return KokoroSettings(model_path(self.files, self.model_dir), self.files.vocab, self.lexicon)

    def speaker_factory(self, *, for_pool: bool):
        import functools

        settings = self.settings()
        if for_pool:
            settings.frontend()  # a lexicon syllable misaki cannot read fails here, not in a worker
        return functools.partial(KokoroSynthesizer, settings)
