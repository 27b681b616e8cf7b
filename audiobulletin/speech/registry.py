"""Which engines exist: everything registered under the entry-point group `audiobulletin.engines`.

An entry point names an object with `info` (an EngineInfo whose name is the entry point's name)
and `create(setup)` returning an Engine: an `Engine` subclass for a plug-in, a `BuiltinEngine`
for the engines that come with the package. A plug-in that cannot be loaded (it raises on
import, or is not a valid engine) is kept with the reason, so the other engines still work and
whoever asks for it gets a clear error naming it.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from ..errors import ConfigError
from .engine import Engine, EngineInfo, EngineSetup

GROUP = "audiobulletin.engines"


@dataclass(frozen=True)
class Registered:
    """One registered engine: its entry point, and either what it loaded or why it failed."""

    name: str
    source: str
    """The entry point's target and its distribution, e.g. "tone_engine:ToneEngine (tone-engine 1.0)"."""
    spec: Any = None
    """Has `info` and `create`; None when it failed to load."""
    problem: str = ""
    """Why the engine cannot be used now ("" when it can)."""

    @property
    def info(self) -> EngineInfo | None:
        return self.spec.info if self.spec is not None else None


@dataclass(frozen=True)
class Registry:
    entries: Mapping[str, Registered]

    def names(self) -> list[str]:
        return sorted(self.entries)

    def entry(self, name: str, *, where: str | None = None, setting: str | None = None) -> Registered:
        """The registered engine `name`; ConfigError (exit 3) listing the known ones (`setting`:
        the setting that named it)."""
        try:
            return self.entries[name]
        except KeyError:
            raise ConfigError(f"unknown engine {name!r}", where=where, setting=setting,
                              hint=f"known engines: {', '.join(self.names())}") from None

    def info(self, name: str, *, where: str | None = None) -> EngineInfo:
        """The engine's description (its voices and terms), even when it is not installed."""
        entry = self.entry(name, where=where)
        if entry.info is None:
            raise ConfigError(f"engine {name!r}: {entry.problem}", where=where)
        return entry.info

    def create(self, name: str, setup: EngineSetup) -> Engine:
        entry = self.entry(name)
        if entry.problem or entry.spec is None:
            raise ConfigError(f"engine {name!r}: {entry.problem}")
        engine = entry.spec.create(setup)
        if not isinstance(engine, Engine) or engine.name != name:
            raise ConfigError(f"engine {name!r} ({entry.source}) built {engine!r}, "
                              f"not an Engine named {name!r}")
        return engine


def _source(entry_point: importlib.metadata.EntryPoint) -> str:
    dist = entry_point.dist
    return f"{entry_point.value} ({dist.name} {dist.version})" if dist is not None else entry_point.value


def _load(entry_point: importlib.metadata.EntryPoint) -> Registered:
    name, source = entry_point.name, _source(entry_point)
    try:
        spec = entry_point.load()
    except Exception as exc:  # a plug-in's import may raise anything: report it, keep the rest
        return Registered(name, source, problem=f"plug-in {name!r} ({entry_point.value}) failed to "
                                                f"load: {type(exc).__name__}: {exc}")
    info = getattr(spec, "info", None)
    if not isinstance(info, EngineInfo) or not callable(getattr(spec, "create", None)):
        return Registered(name, source, problem=f"plug-in {name!r} ({entry_point.value}) is not an "
                                                "engine: it needs `info` (an EngineInfo) and `create(setup)`")
    if info.name != name:
        return Registered(name, source, problem=f"plug-in {name!r} ({entry_point.value}) calls itself "
                                                f"{info.name!r}: the entry point must use that name")
    missing = getattr(spec, "missing", None)
    return Registered(name, source, spec, missing() if callable(missing) else "")


def discover(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None) -> Registry:
    """Load every registered engine (the installed ones unless `entry_points` is given)."""
    from .builtin import BUILTIN

    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=GROUP)
    by_name: dict[str, list[importlib.metadata.EntryPoint]] = {}
    for entry_point in entry_points:
        same = by_name.setdefault(entry_point.name, [])
        if all(e.value != entry_point.value for e in same):  # a path listed twice is one plug-in
            same.append(entry_point)
    entries: dict[str, Registered] = {}
    for name, candidates in by_name.items():
        if len(candidates) > 1:
            sources = " and ".join(_source(e) for e in candidates)
            entries[name] = Registered(name, sources, problem=f"engine {name!r} is registered twice: {sources}")
        else:
            entries[name] = _load(candidates[0])
    for name, spec in BUILTIN.items():  # the package used from a checkout without installing it
        if name not in entries:
            entries[name] = Registered(name, f"audiobulletin.speech.builtin:{name}", spec, spec.missing())
    return Registry(MappingProxyType(entries))
