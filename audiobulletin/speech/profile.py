"""Voice profiles (voices/*.toml): role -> Voice, per engine, validated on load.

A section per engine name ([offline], [edge], [azure], a plug-in's name ...): any registered
engine; its voices are checked against the engine's own list or name pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from ..errors import ConfigError
from ..script.segment import Role
from ..tomlfile import located, read_toml
from .voice import Voice

if TYPE_CHECKING:
    from .registry import Registry

_FIELDS = {"voice", "rate", "pitch", "volume"}
_ABOUT = {"name", "description"}


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    voices: Mapping[tuple[str, Role], Voice]
    """(engine, role) -> Voice; every engine present has at least a `body` voice."""
    source: str = ""

    def voice_for(self, engine: str, role: Role) -> Voice:
        try:
            heading = self.voices.get((engine, Role.HEADLINE)) if role is Role.SECTION else None
            return self.voices.get((engine, role)) or heading or self.voices[(engine, Role.BODY)]
        except KeyError:
            raise ConfigError(f"the voice profile has no [{engine}] body voice",
                              where=self.source or self.name,
                              hint=f"add `body = {{ voice = \"...\" }}` under [{engine}]") from None


def load_profile(path: Path, registry: "Registry | None" = None) -> VoiceProfile:
    """Read and check a profile; `registry`: the engines that exist (default: the installed ones)."""
    from .registry import discover

    registry = registry or discover()
    data = read_toml(path, "voice profile")
    where = str(path)
    voices: dict[tuple[str, Role], Voice] = {}
    for engine, section in data.items():
        if engine in _ABOUT:
            continue
        if engine not in registry.entries:
            raise ConfigError(f"unknown engine section [{engine}]", where=where,
                              hint=f"known engines: {', '.join(registry.names())}")
        if not isinstance(section, dict):
            raise ConfigError(f"[{engine}] must be a table", where=where)
        info = registry.entries[engine].info  # None: a plug-in that failed to load (said when used)
        for role_name, spec in section.items():
            entry = f"{located(path, role_name, engine)} [{engine}] {role_name}"
            try:
                role = Role(role_name)
            except ValueError:
                raise ConfigError(f"unknown role {role_name!r}", where=entry,
                                  hint="roles: " + ", ".join(r.value for r in Role)) from None
            if not isinstance(spec, dict) or "voice" not in spec:
                raise ConfigError("needs at least `voice = \"...\"`", where=entry)
            unknown = set(spec) - _FIELDS
            if unknown:
                raise ConfigError(f"unknown field(s) {', '.join(sorted(unknown))}", where=entry,
                                  hint="fields: voice, rate, pitch, volume")
            try:
                voice = Voice(engine=engine, name=str(spec["voice"]),
                              **{k: spec[k] for k in ("rate", "pitch", "volume") if k in spec})
            except ValueError as exc:
                raise ConfigError(str(exc), where=entry) from None
            problem = info.voice_problem(voice.name) if info else None
            if problem:
                raise ConfigError(problem, where=entry,
                                  hint=f"`audiobulletin voices --engine {engine}` lists its voices")
            voices[(engine, role)] = voice
        if section and (engine, Role.BODY) not in voices:
            raise ConfigError(f"[{engine}] needs a `body` voice (other roles fall back to it)", where=where)
    return VoiceProfile(name=str(data.get("name", Path(path).stem)), voices=MappingProxyType(voices),
                        source=where)
