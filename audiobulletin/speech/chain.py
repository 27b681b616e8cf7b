"""Which engines a run uses, in order, and whether it may: the `engine` and `fallback` settings,
the terms guard (`commercial = true`), all checked before any speech.

- `engine = "auto"`: edge, with the offline voice for every part it fails (as before), or with the
  `fallback` engine when one is set;
- `engine = "<name>"`: that engine only (a failed segment fails the run);
- `engine = "<name>"`, `fallback = "<other>"`: <other> re-voices every part (article, intro,
  outro) <name> fails, from its first segment to its last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..errors import ConfigError
from .engine import CommercialUse

if TYPE_CHECKING:
    from ..script.segment import Role
    from .engine import EngineSetup
    from .registry import Registry

AUTO = "auto"
AUTO_CHAIN = ("edge", "offline")


@dataclass(frozen=True)
class EngineChain:
    primary: str
    """The engine that voices the script."""
    fallback: str = ""
    """The engine that re-voices every part the primary fails ("" for none)."""

    @classmethod
    def of(cls, engine: str, fallback: str = "") -> "EngineChain":
        """From the settings' `engine` and `fallback` values."""
        engine, fallback = engine.strip(), fallback.strip()
        if not engine:
            raise ConfigError("engine is empty", hint=f"e.g. engine = \"{AUTO}\"", setting="engine")
        if engine == AUTO:
            return cls(AUTO_CHAIN[0], fallback or AUTO_CHAIN[1])
        if fallback == engine:
            raise ConfigError(f"fallback is the engine itself ({engine!r})",
                              hint="name another engine, or leave fallback empty", setting="fallback")
        return cls(engine, fallback)

    @property
    def engines(self) -> tuple[str, ...]:
        return (self.primary, self.fallback) if self.fallback else (self.primary,)

    def describe(self) -> str:
        return f"{self.primary} with {self.fallback} fallback" if self.fallback else self.primary


def check_chain(chain: EngineChain, registry: "Registry", *, commercial: bool,
                voice_for: "Callable[[str, Role], object] | None" = None,
                setup_for: "Callable[[str], EngineSetup] | None" = None) -> None:
    """Refuse, with a ConfigError (exit 3), a chain that names an unknown engine, that
    `commercial` forbids, whose engine cannot run here (not installed, a broken plug-in, settings
    its `check(setup)` refuses, e.g. azure without a key), or for which the voice profile
    (`voice_for(engine, role)`) has no voices."""
    for name in chain.engines:
        setting = "engine" if name == chain.primary else "fallback"
        registry.entry(name, setting=setting)  # an unknown name raises, listing the known engines
    if commercial:
        guard_terms(chain, registry)
    for name in chain.engines:
        entry = registry.entry(name)
        if entry.problem:
            raise ConfigError(f"engine {name!r}: {entry.problem}")
        check = getattr(entry.spec, "check", None)
        if setup_for is not None and callable(check):
            check(setup_for(name))
    if voice_for is not None:
        from ..script.segment import Role

        for name in chain.engines:
            voice_for(name, Role.BODY)


def guard_terms(chain: EngineChain, registry: "Registry") -> None:
    """`commercial = true`: every engine of the chain must have terms that allow commercial use."""
    refused = []
    for name in chain.engines:
        info = registry.info(name)
        use = info.terms.commercial_use
        if use is not CommercialUse.ALLOWED:
            verdict = "forbid commercial use" if use is CommercialUse.FORBIDDEN else "do not state commercial use"
            refused.append(f"the {name} engine's terms {verdict} ({info.terms.licence}; {info.terms.url})")
    if not refused:
        return
    raise ConfigError(f"commercial = true, but {'; and '.join(refused)}",
                      where=f"engine {chain.describe()}", hint=_alternatives(registry))


def _alternatives(registry: "Registry") -> str:
    allowed = []
    for name in registry.names():
        entry = registry.entries[name]
        if entry.info is not None and entry.info.terms.commercial_use is CommercialUse.ALLOWED:
            allowed.append(f"{name} ({entry.problem})" if entry.problem else name)
    if not allowed:
        return "no installed engine's terms allow commercial use: add a licensed vendor's plug-in"
    return (f"engines whose terms allow it: {', '.join(allowed)} (e.g. engine = \"{allowed[0].split()[0]}\"); "
            "or set commercial = false for a non-commercial publication")
