"""A content-addressed cache of spoken segments, shared by every engine.

Key: sha256 of (engine name, engine version, every voice field, the request's engine input: the
text, pinyin or SSML the engine will actually speak), so a lexicon fix re-voices only the segments
whose engine input it changes. One file per clip (format and checks: cache_entry.py), written to a
temp file in the same folder and renamed, so a run killed at any moment, or several runs writing
one entry at once, leave only whole entries: a rerun synthesises only what is missing. Every read
is checked (checksum over header and audio, schema, rate, width, length, key); an entry that fails
is removed, noted, and spoken again. Using an entry refreshes its modification time, so
`prune --older-than` removes what has not been used lately.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..atomic import write_atomic
from ..errors import PublishError, SpeechError
from .cache_entry import EntryDamaged, EntryOutdated, entry_bytes, read_entry, read_header
from .engine import Engine, OnResult, SpeechRequest
from .voice import Clip

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


def cache_key(engine_name: str, engine_version: str, request: SpeechRequest,
              engine_input: str | None = None) -> str:
    """`engine_input`: what the engine makes of the request (Engine.engine_input); None: its text."""
    fields = [engine_name, engine_version, dataclasses.asdict(request.voice),
              normalise_text(request.text if engine_input is None else engine_input)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Discarded:
    """An entry that failed its checks and was removed (a run then synthesises the segment again)."""

    path: Path
    reason: str

    def one_line(self) -> str:
        return f"{self.path}: {self.reason}"


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
    unusable: int = 0
    """Entries whose header fails its checks or is from an older version (`verify` also checks
    the audio)."""


@dataclass(frozen=True)
class PruneResult:
    removed: int
    """Entries (and stale temp files) removed, or that would be with dry_run."""
    freed_bytes: int
    kept: int = 0
    """Entries that stay."""


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    damaged: tuple[Discarded, ...]
    stale_temp: int
    """Temp files of dead runs."""
    repaired: bool
    """Whether the damaged entries and stale temp files were removed."""


class SpeechCache:
    """The folder of cached clips. `discarded` lists the entries `get` threw away."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.discarded: list[Discarded] = []

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> Clip | None:
        """The entry's clip if it passes every check; None if missing or outdated. A damaged or
        unreadable entry is removed and noted in `discarded`, and counts as missing."""
        path = self.path(key)
        try:
            with open(path, "rb") as f:
                try:
                    clip = read_entry(f, key)
                except EntryOutdated:  # replaced when the segment is stored again
                    return None
                except EntryDamaged as damage:
                    self._discard(path, damage.reason, os.fstat(f.fileno()))
                    return None
        except FileNotFoundError:
            return None
        except OSError as exc:  # permissions, a folder in its place, the disk
            self._discard(path, f"unreadable ({exc.strerror or exc})")
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for prune
        return clip

    def put(self, key: str, clip: Clip, request: SpeechRequest, made_by: str = "") -> None:
        """Store `clip` as the answer to `key`; `made_by` names the engine and its version."""
        data = entry_bytes(key, clip, text=request.text, voice=dataclasses.asdict(request.voice), made_by=made_by)
        try:
            write_atomic(self.path(key), data)
        except (OSError, PublishError) as exc:  # write_atomic reports OS errors as PublishError
            raise self._unwritable(exc) from None

    def check_writable(self) -> None:
        """Fail now, before any synthesis, if entries could not be stored (SpeechError)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError as exc:
            raise self._unwritable(exc) from None

    def _unwritable(self, exc: Exception) -> SpeechError:
        reason = exc.message if isinstance(exc, PublishError) else getattr(exc, "strerror", None) or str(exc)
        return SpeechError(f"cannot write to the speech cache: {reason}", where=str(self.root),
                           hint="set cache_dir (or $AUDIOBULLETIN_CACHE_DIR) to a writable folder")

    def _discard(self, path: Path, reason: str, seen: os.stat_result | None = None) -> None:
        """Remove a failed entry, unless another run has just replaced it with a new one."""
        with contextlib.suppress(OSError):
            if seen is None or os.path.samestat(seen, os.stat(path)):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        self.discarded.append(Discarded(path, reason))

    def _files(self) -> Iterator[os.DirEntry]:
        try:
            if not self.root.is_dir():
                return
            for sub in os.scandir(self.root):
                if sub.is_dir() and len(sub.name) == 2:
                    yield from (e for e in os.scandir(sub.path)
                                if e.name.endswith((SUFFIX, TEMP_SUFFIX)) and e.is_file())
        except OSError as exc:
            raise SpeechError(f"cannot read the speech cache: {exc.strerror or exc}",
                              where=str(exc.filename or self.root),
                              hint="check the folder's permissions, or set cache_dir to another folder") from None

    def info(self) -> CacheInfo:
        entries = size = partial = unusable = 0
        seconds = 0.0
        oldest: float | None = None
        by_engine: dict[str, int] = {}
        for entry in self._files():
            try:
                stat = entry.stat()
                if entry.name.endswith(TEMP_SUFFIX):
                    partial += 1
                    continue
                with open(entry.path, "rb") as f:
                    header = read_header(f)
            except FileNotFoundError:  # removed by a run meanwhile
                continue
            except (OSError, EntryDamaged):
                unusable += 1
                continue
            entries += 1
            size += stat.st_size
            seconds += header.seconds
            by_engine[header.engine] = by_engine.get(header.engine, 0) + 1
            oldest = stat.st_mtime if oldest is None else min(oldest, stat.st_mtime)
        return CacheInfo(self.root, entries, size, seconds, by_engine, oldest, partial, unusable)

    def verify(self, repair: bool = False, now: float | None = None) -> VerifyResult:
        """Check every entry in full (schema, length, checksum, key); with `repair`, remove the
        damaged ones and the temp files of dead runs."""
        now = time.time() if now is None else now
        checked, stale, damaged = 0, 0, []
        for entry in self._files():
            path = Path(entry.path)
            if entry.name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                        stale += 1
                        if repair:
                            _remove(path)
                continue
            checked += 1
            try:
                with open(path, "rb") as f:
                    read_entry(f, entry.name[:-len(SUFFIX)])
                continue
            except FileNotFoundError:
                checked -= 1
                continue
            except EntryDamaged as damage:
                reason = damage.reason
            except OSError as exc:
                reason = f"unreadable ({exc.strerror or exc})"
            damaged.append(Discarded(path, reason))
            if repair:
                _remove(path)
        return VerifyResult(checked, tuple(damaged), stale, repair)

    def prune(self, older_than_seconds: float, now: float | None = None, *, dry_run: bool = False) -> PruneResult:
        """Remove entries not used for `older_than_seconds`, and temp files of dead runs;
        `dry_run`: only count what would go."""
        now = time.time() if now is None else now
        removed = freed = kept = 0
        for entry in self._files():
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue
            limit = STALE_TEMP_SECONDS if entry.name.endswith(TEMP_SUFFIX) else older_than_seconds
            if now - stat.st_mtime > limit and (dry_run or _remove(Path(entry.path))):
                removed += 1
                freed += stat.st_size
            elif not entry.name.endswith(TEMP_SUFFIX):
                kept += 1
        return PruneResult(removed, freed, kept)


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

    def engine_input(self, request: SpeechRequest) -> str:
        return self.inner.engine_input(request)

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        version = self.inner.version()
        keys = {r.index: cache_key(self.inner.name, version, r, self.inner.engine_input(r)) for r in requests}
        if len(keys) != len(requests):
            raise ValueError("request indices must be unique within a render")
        missing = []
        for request in requests:
            clip = self.cache.get(keys[request.index])
            if clip is None:
                missing.append(request)
            else:
                on_result(request, dataclasses.replace(clip, cached=True))
        self.hits, self.misses = len(requests) - len(missing), len(missing)
        if not missing:
            return
        self.cache.check_writable()  # before minutes of synthesis, not after the first clip
        made_by = f"{self.inner.name} {version}"

        def store(request: SpeechRequest, result) -> None:
            if isinstance(result, Clip):
                self.cache.put(keys[request.index], result, request, made_by)
            on_result(request, result)

        self.inner.render(missing, store)

    def fallbacks(self):
        return self.inner.fallbacks()

    def discarded(self) -> Sequence[Discarded]:
        return tuple(self.cache.discarded)

    def close(self) -> None:
        self.inner.close()
