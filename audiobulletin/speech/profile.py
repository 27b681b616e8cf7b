"""Voice profiles (voices/*.toml): role -> Voice, per engine, validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..errors import ConfigError
from ..script.segment import Role
from ..tomlfile import located, read_toml
from .voice import Voice

ENGINES = ("offline", "edge")
_FIELDS = {"voice", "rate", "pitch", "volume"}


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    voices: Mapping[tuple[str, Role], Voice]
    """(engine, role) -> Voice; every engine present has at least a `body` voice."""
    source: str = ""

    def voice_for(self, engine: str, role: Role) -> Voice:
        try:
            return self.voices.get((engine, role)) or self.voices[(engine, Role.BODY)]
        except KeyError:
            raise ConfigError(f"the voice profile has no [{engine}] body voice",
                              where=self.source or self.name,
                              hint=f"add `body = {{ voice = \"...\" }}` under [{engine}]") from None


def load_profile(path: Path) -> VoiceProfile:
    data = read_toml(path, "voice profile")
    where = str(path)
    voices: dict[tuple[str, Role], Voice] = {}
    for engine in ENGINES:
        section = data.get(engine, {})
        if not isinstance(section, dict):
            raise ConfigError(f"[{engine}] must be a table", where=where)
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
                voices[(engine, role)] = Voice(engine=engine, name=str(spec["voice"]),
                                               **{k: spec[k] for k in ("rate", "pitch", "volume") if k in spec})
            except ValueError as exc:
                raise ConfigError(str(exc), where=entry) from None
            if engine == "edge":
                _check_edge_voice(voices[(engine, role)].name, entry)
            elif engine == "offline":
                _check_offline_voice(voices[(engine, role)].name, entry)
        if section and (engine, Role.BODY) not in voices:
            raise ConfigError(f"[{engine}] needs a `body` voice (other roles fall back to it)", where=where)
    unknown_sections = set(data) - set(ENGINES) - {"name", "description"}
    if unknown_sections:
        raise ConfigError(f"unknown section(s) {', '.join(sorted(unknown_sections))}", where=where,
                          hint="sections: " + ", ".join(ENGINES))
    return VoiceProfile(name=str(data.get("name", Path(path).stem)), voices=MappingProxyType(voices),
                        source=where)


def _check_offline_voice(name: str, where: str) -> None:
    """The offline engine has the voices it ships; any other name would leave that role silent."""
    from .offline import VOICES

    if name not in VOICES:
        raise ConfigError(f"the offline engine has no voice {name!r}", where=where,
                          hint=f"offline voices: {', '.join(VOICES)}")


def _check_edge_voice(name: str, where: str) -> None:
    from .catalogue import voice_name_problem, zh_cn_names

    problem = voice_name_problem(name)
    if problem:
        raise ConfigError(problem, where=where,
                          hint=f"zh-CN voices: {', '.join(zh_cn_names())} (`audiobulletin voices`)")
