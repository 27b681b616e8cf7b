"""What the publish stage is told: the podcast's channel fields, links, retention."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ConfigError

ARCHIVE_POLICIES = ("keep", "remove")
"""What happens to an episode's folder once it drops out of the feed."""


@dataclass(frozen=True)
class PublishOptions:
    paper: str
    """Newspaper name: channel author, radio feed title, episode GUIDs."""
    base_url: str = "http://127.0.0.1:8000/"
    """Public URL of the output folder; every link starts with it (ends with "/")."""
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
    """Channel artwork file or URL; generated from the paper's name if empty."""
    keep_episodes: int = 30
    """How many episodes the feeds list."""
    archive_policy: str = "keep"
    """Older episodes: "keep" their folders or "remove" them."""
    locked: bool = True
    """podcast:locked."""

    def __post_init__(self):
        if not self.paper.strip():
            raise ConfigError("no newspaper name configured",
                              hint='set paper = "..." in the config file or pass --paper', setting="paper")
        if not self.base_url.startswith(("http://", "https://")) or not urlsplit(self.base_url).netloc:
            raise ConfigError(f"base_url must be an http:// or https:// URL with a host, got {self.base_url!r}",
                              setting="base_url")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if self.archive_policy not in ARCHIVE_POLICIES:
            raise ConfigError(f"archive_policy must be one of {', '.join(ARCHIVE_POLICIES)}, "
                              f"got {self.archive_policy!r}", setting="archive_policy")
        if self.keep_episodes < 1:
            raise ConfigError(f"keep_episodes must be >= 1, got {self.keep_episodes}", setting="keep_episodes")
        if len(self.feed_description.encode()) > 4000:
            raise ConfigError("feed_description must be at most 4000 bytes (Apple's limit)",
                              setting="feed_description")

    @property
    def title(self) -> str:
        return self.feed_title or f"{self.paper} 有声版"

    @property
    def description(self) -> str:
        return self.feed_description or f"{self.paper}每日新闻的有声版：每篇文章一个章节，附文字稿。"

    @property
    def publisher(self) -> str:
        return self.author or self.paper
