"""A content-addressed cache of spoken segments, shared by every engine.

Key: sha256 of (engine name, engine version, every voice field, normalised text). One file per
clip, written to a temp file in the same folder and renamed, so a run killed at any moment leaves
only whole entries: a rerun synthesises only what is missing. Using an entry refreshes its
modification time, so `prune --older-than` removes what has not been used lately.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..atomic import write_atomic
from ..errors import PublishError, SpeechError
from .engine import Engine, OnResult, SpeechRequest
from .voice import Clip

MAGIC = b"AUDIOBULLETIN-CLIP 1\n"
SUFFIX = ".clip"
TEMP_SUFFIX = ".part"  # write_atomic's temp files: ".<name>.<random>.part"
STALE_TEMP_SECONDS = 3600  # a temp file this old belongs to a run that died


def default_cache_dir() -> Path:
    """The user cache dir (e.g. ~/.cache/audiobulletin/speech on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("audiobulletin")) / "speech"


def normalise_text(text: str) -> str:
    """NFC, whitespace runs collapsed: spellings that sound the same share an entry."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cache_key(engine_name: str, engine_version: str, request: SpeechRequest) -> str:
    fields = [engine_name, engine_version, dataclasses.asdict(request.voice),
              normalise_text(request.text)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    root: Path
    entries: int
    bytes: int
    seconds: float
    """Audio held, in seconds."""
    by_engine: dict[str, int]
    """Entries per engine name."""
    oldest: float | None
    """Modification time (last use) of the least recently used entry."""
    partial: int
    """Temp files left by runs that were killed while writing."""


@dataclass(frozen=True)
class PruneResult:
    removed: int
    """Entries (and stale temp files) removed, or that would be with dry_run."""
    freed_bytes: int
    kept: int = 0
    """Entries that stay."""


class SpeechCache:
    """The folder of cached clips."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> Clip | None:
        path = self.path(key)
        try:
            with open(path, "rb") as f:
                header, pcm = _read_entry(f)
            clip = Clip(pcm=pcm, sample_rate=header["sample_rate"], engine=header["engine"],
                        skipped=tuple(header["skipped"]), cached=True)
        except (OSError, ValueError, KeyError):  # missing; or damaged (should not happen): synthesise
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for prune
        return clip

    def put(self, key: str, clip: Clip, request: SpeechRequest) -> None:
        header = {"sample_rate": clip.sample_rate, "engine": clip.engine, "skipped": list(clip.skipped),
                  "pcm_bytes": len(clip.pcm), "text": request.text,
                  "voice": dataclasses.asdict(request.voice)}
        try:
            head = MAGIC + json.dumps(header, ensure_ascii=False).encode() + b"\n"
            write_atomic(self.path(key), head + clip.pcm)
        except (OSError, PublishError) as exc:  # write_atomic reports OS errors as PublishError
            reason = exc.message if isinstance(exc, PublishError) else exc.strerror or str(exc)
            raise SpeechError(f"cannot write to the speech cache: {reason}", where=str(self.root),
                              hint="set cache_dir (or $AUDIOBULLETIN_CACHE_DIR) to a writable folder") from None

    def _files(self) -> Iterator[os.DirEntry]:
        if not self.root.is_dir():
            return
        for sub in os.scandir(self.root):
            if sub.is_dir() and len(sub.name) == 2:
                yield from (e for e in os.scandir(sub.path)
                            if e.name.endswith((SUFFIX, TEMP_SUFFIX)) and e.is_file())

    def info(self) -> CacheInfo:
        entries = size = partial = 0
        seconds = 0.0
        oldest: float | None = None
        by_engine: dict[str, int] = {}
        for entry in self._files():
            stat = entry.stat()
            if entry.name.endswith(TEMP_SUFFIX):
                partial += 1
                continue
            try:
                with open(entry.path, "rb") as f:
                    header = _read_header(f)
            except (OSError, ValueError):
                continue
            entries += 1
            size += stat.st_size
            seconds += header["pcm_bytes"] / 2 / header["sample_rate"]
            by_engine[header["engine"]] = by_engine.get(header["engine"], 0) + 1
            oldest = stat.st_mtime if oldest is None else min(oldest, stat.st_mtime)
        return CacheInfo(self.root, entries, size, seconds, by_engine, oldest, partial)

    def prune(self, older_than_seconds: float, now: float | None = None, *, dry_run: bool = False) -> PruneResult:
        """Remove entries not used for `older_than_seconds`, and temp files of dead runs;
        `dry_run`: only count what would go."""
        now = time.time() if now is None else now
        removed = freed = kept = 0
        for entry in self._files():
            stat = entry.stat()
            limit = STALE_TEMP_SECONDS if entry.name.endswith(TEMP_SUFFIX) else older_than_seconds
            if now - stat.st_mtime > limit and (dry_run or _remove(Path(entry.path))):
                removed += 1
                freed += stat.st_size
            elif not entry.name.endswith(TEMP_SUFFIX):
                kept += 1
        return PruneResult(removed, freed, kept)


def _read_header(f) -> dict:
    if f.read(len(MAGIC)) != MAGIC:
        raise ValueError("not a cache entry")
    return json.loads(f.readline())


def _read_entry(f) -> tuple[dict, bytes]:
    header = _read_header(f)
    pcm = f.read()
    if len(pcm) != header["pcm_bytes"]:
        raise ValueError("truncated cache entry")
    return header, pcm


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except OSError:
        return False


class CachedEngine(Engine):
    """Any engine, with the cache in front: hits are answered at once, misses go to `inner` and are
    stored as each one arrives (so a killed run keeps everything finished before it died)."""

    def __init__(self, inner: Engine, cache_dir: Path | None = None):
        self.inner = inner
        self.name = inner.name
        self.cache = SpeechCache(cache_dir or default_cache_dir())
        self.hits = self.misses = 0
        """Counts from the last render."""

    def version(self) -> str:
        return self.inner.version()

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        version = self.inner.version()
        keys = {r.index: cache_key(self.inner.name, version, r) for r in requests}
        if len(keys) != len(requests):
            raise ValueError("request indices must be unique within a render")
        missing = []
        for request in requests:
            clip = self.cache.get(keys[request.index])
            if clip is None:
                missing.append(request)
            else:
                on_result(request, clip)
        self.hits, self.misses = len(requests) - len(missing), len(missing)
        if not missing:
            return

        def store(request: SpeechRequest, result) -> None:
            if isinstance(result, Clip):
                self.cache.put(keys[request.index], result, request)
            on_result(request, result)

        self.inner.render(missing, store)

    def fallbacks(self):
        return self.inner.fallbacks()

    def close(self) -> None:
        self.inner.close()
