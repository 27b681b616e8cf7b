"""Settings: defaults < config file < environment (AUDIOBULLETIN_*) < command-line flags.

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .tomlfile import read_toml

ENGINE_CHOICES = ("auto", "edge", "offline")
ARCHIVE_POLICIES = ("keep", "remove")
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
    """Speech engine: auto (online, offline fallback per article), edge, or offline."""
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    """Parallel offline-voice worker processes (one model each)."""
    bitrate_kbps: int = 64
    """MP3 bit rate (64-96 for speech)."""
    target_lufs: float = -19.0
    """Podcast loudness target, integrated LUFS (mono speech)."""
    keep_episodes: int = 30
    """How many episodes the feed lists; older ones are archived."""
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

    def __post_init__(self):
        if self.engine not in ENGINE_CHOICES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINE_CHOICES)}, got {self.engine!r}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(f"base_url must start with http:// or https://, got {self.base_url!r}")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if not 1 <= self.workers <= 64:
            raise ConfigError(f"workers must be 1..64, got {self.workers}")
        if not 1 <= self.edge_concurrency <= 16:
            raise ConfigError(f"edge_concurrency must be 1..16, got {self.edge_concurrency}")
        if self.edge_endpoint:
            from .speech.edge_endpoint import check_endpoint

            check_endpoint(self.edge_endpoint)
        from .master.model import MP3_BITRATES  # mastering's own list: refuse a bad rate before speech

        if self.bitrate_kbps not in MP3_BITRATES:
            raise ConfigError(f"bitrate_kbps must be one of {', '.join(map(str, MP3_BITRATES))}, "
                              f"got {self.bitrate_kbps}")
        if not -40 <= self.target_lufs <= -5:
            raise ConfigError(f"target_lufs must be -40..-5, got {self.target_lufs}")
        if self.archive_policy not in ARCHIVE_POLICIES:
            raise ConfigError(f"archive_policy must be one of {', '.join(ARCHIVE_POLICIES)}, "
                              f"got {self.archive_policy!r}")
        if self.keep_episodes < 1:
            raise ConfigError(f"keep_episodes must be >= 1, got {self.keep_episodes}")
        if len(self.feed_description.encode()) > 4000:
            raise ConfigError("feed_description must be at most 4000 bytes (Apple's limit)")

    @property
    def title(self) -> str:
        return self.feed_title or f"{self.paper} 有声版"

    @property
    def description(self) -> str:
        return self.feed_description or f"{self.paper}每日新闻的有声版：每篇文章一个章节，附文字稿。"

    def require_paper(self) -> str:
        if not self.paper.strip():
            raise ConfigError("no newspaper name configured",
                              hint=f'set paper = "..." in {CONFIG_NAME} or pass --paper')
        return self.paper


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
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = find_config(config, env)
    if path is not None:
        values["profile"], values["lexicon"] = _default_profile(path), _default_lexicon(path)
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
    for key in names:
        raw = env.get(f"AUDIOBULLETIN_{key.upper()}")
        if raw is not None:
            values[key] = _coerce(key, raw, f"$AUDIOBULLETIN_{key.upper()}")
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        return Settings(**values)
    except ConfigError as exc:
        if path is not None and exc.where is None:
            raise ConfigError(exc.message, where=str(path), hint=exc.hint) from None
        raise

