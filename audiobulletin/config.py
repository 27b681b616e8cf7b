"""Settings: defaults < config file < environment (AUDIOBULLETIN_*) < command-line flags.

Settings only gathers and types the values. Each stage validates its own options (ParseOptions,
SpeechOptions, MasterOptions, PublishOptions ...), which `pipeline.stage_options` builds from
Settings before any speech; no stage imports this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .tomlfile import read_toml

CONFIG_NAME = "audiobulletin.toml"


def _in_voices(name: str) -> Path:
    """voices/<name> of the working folder, else the one next to the package (a source checkout)."""
    here = Path("voices") / name
    return here if here.exists() else Path(__file__).resolve().parent.parent / "voices" / name


def _default_profile() -> Path:
    return _in_voices("default.toml")


def _default_lexicon() -> Path | None:
    path = _in_voices("lexicon.toml")
    return path if path.exists() else None


@dataclass(frozen=True)
class Settings:
    paper: str = ""
    """Newspaper name, spoken in the intro and used as album/author (e.g. 太原日报)."""
    base_url: str = "http://127.0.0.1:8000/"
    """Public URL where the output folder is served; enclosure and feed links start with it."""
    feed_title: str = ""
    """Podcast title; default "<paper> 有声版"."""
    feed_description: str = ""
    """Podcast description (<= 4000 bytes)."""
    author: str = ""
    """Podcast author; default the paper's name."""
    owner_email: str = ""
    """Contact for podcast directories (itunes:owner)."""
    category: str = "News"
    """Apple Podcasts category."""
    language: str = "zh-cn"
    """Feed language code."""
    explicit: bool = False
    """Whether episodes carry explicit content."""
    image: str = ""
    """Channel artwork (square PNG/JPEG, 1400-3000 px); generated from the paper's name if empty."""
    profile: Path = field(default_factory=_default_profile)
    """Voice profile (TOML) mapping roles to voices."""
    lexicon: Path | None = field(default_factory=_default_lexicon)
    """Pronunciation lexicon (TOML): voices/lexicon.toml when present."""
    engine: str = "auto"
    """Speech engine: auto (edge, with the offline voice for any part it fails), or a registered
    engine's name: offline, edge, azure, kokoro, a plug-in's (`audiobulletin voices`)."""
    fallback: str = ""
    """Engine that re-voices every part (article, intro, outro) `engine` fails; empty: none
    (with auto: offline)."""
    commercial: bool = False
    """A commercial publication: refuse engines whose terms forbid or do not state commercial use."""
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    """Parallel offline-voice worker processes (one model each)."""
    bitrate_kbps: int = 64
    """MP3 bit rate (64-96 for speech)."""
    target_lufs: float = -19.0
    """Podcast loudness target, integrated LUFS (mono speech)."""
    keep_episodes: int = 30
    """How many episodes the feed lists; older ones are archived."""
    episodes: str = "auto"
    """Feed items per edition: "edition" (one episode), "section" (one per section of an edition
    in sections, the whole edition in the accessible formats), or "auto" (one episode under 40
    minutes, one per section from 40 minutes on)."""
    archive_policy: str = "keep"
    """Archived episodes: "keep" their files (old links still work) or "remove" them."""
    locked: bool = True
    """podcast:locked: forbid other podcast hosts from importing the feed."""
    cache_dir: Path | None = None
    """Speech cache folder; default the user cache dir."""
    edge_endpoint: str = ""
    """Websocket URL for the online voices (…/edge/v1); empty = Microsoft's service."""
    edge_concurrency: int = 4
    """Parallel requests to the online voice service (more invites HTTP 429 and blocks)."""
    azure_key: str = field(default="", repr=False)
    """Azure AI Speech resource key (better in $AUDIOBULLETIN_AZURE_KEY than in a file)."""
    azure_region: str = ""
    """Azure region of the Speech resource, e.g. eastasia."""
    azure_endpoint: str = ""
    """Full synthesis URL instead of the region's (…/cognitiveservices/v1)."""
    azure_token: str = field(default="", repr=False)
    """A bearer token instead of the key (STS or Microsoft Entra), valid for the whole run."""
    azure_concurrency: int = 4
    """Parallel requests to Azure AI Speech."""
    engine_env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """AUDIOBULLETIN_* environment variables that are no setting: plug-in engines' options
    (AUDIOBULLETIN_<ENGINE>_<OPTION>); filled by `load_settings`."""

    origin: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Setting name -> where its value came from (a flag, an environment variable, the config
    file), for error messages; filled by `load_settings`."""

    def source_of(self, name: str) -> str | None:
        return self.origin.get(name)


def _coerce(name: str, raw: Any, where: str) -> Any:
    """Turn a config-file or environment value into the field's type."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if "bool" in kind:
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("1", "true", "yes", "on"):
                return True
            if str(raw).lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if "int" in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
        if "Path" in kind:
            return Path(str(raw)).expanduser() if str(raw) else None
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} has an invalid value {raw!r}", where=where) from None


def load_settings(config: Path | None = None, env: Mapping[str, str] | None = None,
                  **flags: Any) -> Settings:
    """Build settings from the config file (explicit, $AUDIOBULLETIN_CONFIG or ./audiobulletin.toml),
    the environment, then flags (None means "not given")."""
    env = os.environ if env is None else env
    names = {f.name for f in fields(Settings)} - {"origin", "engine_env"}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    path = config or (Path(env["AUDIOBULLETIN_CONFIG"]) if env.get("AUDIOBULLETIN_CONFIG") else None)
    if path is None and Path(CONFIG_NAME).exists():
        path = Path(CONFIG_NAME)
    if path is not None:
        data = read_toml(path, "config file")
        unknown = set(data) - names
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(sorted(unknown))}", where=str(path),
                              hint="see README: Configuration")
        base = Path(path).resolve().parent
        for key, raw in data.items():
            value = _coerce(key, raw, str(path))
            if isinstance(value, Path) and not value.is_absolute():
                value = base / value  # paths in a config file are relative to that file
            values[key] = value
            origin[key] = str(path)
    for key in names:
        raw = env.get(f"AUDIOBULLETIN_{key.upper()}")
        if raw is not None:
            values[key] = _coerce(key, raw, f"$AUDIOBULLETIN_{key.upper()}")
            origin[key] = f"${'AUDIOBULLETIN_' + key.upper()}"
    given = {k: v for k, v in flags.items() if v is not None}
    values.update(given)
    origin.update({k: f"--{k.replace('_', '-')}" for k in given})
    known = {f"AUDIOBULLETIN_{key.upper()}" for key in names} | {"AUDIOBULLETIN_CONFIG"}
    engine_env = {k: v for k, v in env.items() if k.startswith("AUDIOBULLETIN_") and k not in known}
    return Settings(**values, origin=origin, engine_env=engine_env)

