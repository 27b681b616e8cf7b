"""Settings: defaults < config file < environment (AUDIOBULLETIN_*) < command-line flags.

Settings only gathers and types the values. Each stage validates its own options (ParseOptions,
SpeechOptions, MasterOptions, PublishOptions ...), which `pipeline.stage_options` builds from
Settings before any speech; no stage imports this module.

The config file in use (`find_config`): `--config FILE`, else $AUDIOBULLETIN_CONFIG, else
./audiobulletin.toml, else audiobulletin.toml in the user config folder (platformdirs:
~/.config/audiobulletin/ on Linux); none of them is fine (defaults). Paths in a config file are
relative to that file.

The voice profile and lexicon, unless set (`voices_file`): voices/default.toml and
voices/lexicon.toml beside the config file in use, else in the working folder, else the ones
shipped in the package (audiobulletin/voices/, the repository's top-level voices/ folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .parse import MAX_EDITION_BYTES
from .tomlfile import located, read_toml

CONFIG_NAME = "audiobulletin.toml"
PROFILE_NAME, LEXICON_NAME = "default.toml", "lexicon.toml"


def user_config_file() -> Path:
    """audiobulletin.toml in the user config folder (e.g. ~/.config/audiobulletin/ on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("audiobulletin")) / CONFIG_NAME


def find_config(config: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The config file in use: `config` (--config), else $AUDIOBULLETIN_CONFIG, else
    ./audiobulletin.toml, else the user config folder's; None when there is none. An explicit
    file is returned even if missing (reading it then says so)."""
    env = os.environ if env is None else env
    if config is not None:
        return Path(config)
    if env.get("AUDIOBULLETIN_CONFIG"):
        return Path(env["AUDIOBULLETIN_CONFIG"])
    for candidate in (Path(CONFIG_NAME), user_config_file()):
        if candidate.is_file():
            return candidate
    return None


def packaged_voices_file(name: str) -> Path:
    """voices/<name> as shipped in the package."""
    from importlib.resources import files

    return Path(str(files("audiobulletin.voices").joinpath(name)))


def voices_file(name: str, config_file: Path | None = None) -> Path | None:
    """voices/<name> beside `config_file`, else in the working folder, else the packaged one;
    None if none exists. Local files win, so a newsroom's own profile replaces the shipped one."""
    local = [Path(config_file).resolve().parent / "voices"] if config_file else []
    for folder in (*local, Path.cwd() / "voices"):
        if (folder / name).is_file():
            return folder / name
    packaged = packaged_voices_file(name)
    return packaged if packaged.is_file() else None


def _default_profile(config_file: Path | None = None) -> Path:
    # never None: a missing file is reported where the profile is loaded
    return voices_file(PROFILE_NAME, config_file) or packaged_voices_file(PROFILE_NAME)


def _default_lexicon(config_file: Path | None = None) -> Path | None:
    return voices_file(LEXICON_NAME, config_file)


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
    """Voice profile (TOML) mapping roles to voices; default voices/default.toml (`voices_file`)."""
    lexicon: Path | None = field(default_factory=_default_lexicon)
    """Pronunciation lexicon (TOML); default voices/lexicon.toml (`voices_file`); "" for none."""
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
    max_edition_bytes: int = MAX_EDITION_BYTES
    """Largest edition file read (a day's paper is 50-300 KB of text); a larger one is refused."""
    earliest_year: int = 1900
    """Edition dates before this year are refused as typos."""
    max_days_ahead: int = 366
    """Edition dates more than this many days after today are refused as typos."""
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
    file and line), for error messages; filled by `load_settings`."""

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
    """Build settings from the config file (`find_config`), the environment, then flags (None
    means "not given"). With a config file, the default profile and lexicon are looked up beside
    it first (`voices_file`)."""
    env = os.environ if env is None else env
    names = {f.name for f in fields(Settings)} - {"origin", "engine_env"}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    path = find_config(config, env)
    if path is not None:
        values["profile"], values["lexicon"] = _default_profile(path), _default_lexicon(path)
        data = read_toml(path, "config file")
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(unknown)}", where=located(path, unknown[0]),
                              hint="see README: Configuration")
        base = Path(path).resolve().parent
        for key, raw in data.items():
            origin[key] = located(path, key)  # file:line, for messages
            value = _coerce(key, raw, origin[key])
            if isinstance(value, Path) and not value.is_absolute():
                value = base / value  # paths in a config file are relative to that file
            values[key] = value
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



def setting_names() -> frozenset[str]:
    """The names a config file may set."""
    return frozenset(f.name for f in fields(Settings)) - {"origin", "engine_env"}


def overlay(settings: Settings, raw: Mapping[str, Any], *, origin: Mapping[str, str], base: Path) -> Settings:
    """`settings` with `raw` values (as read from a TOML file) on top: each coerced to its
    setting's type, relative paths taken from `base`; `origin[name]` says where each came from."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = origin.get(key, str(base))
        if key not in setting_names():
            raise ConfigError(f"unknown setting {key!r}", where=where, hint="see README: Configuration")
        value = _coerce(key, value, where)
        if isinstance(value, Path) and not value.is_absolute():
            value = Path(base) / value
        values[key] = value
    return replace(settings, **values, origin={**settings.origin, **{k: origin.get(k, str(base)) for k in raw}})
