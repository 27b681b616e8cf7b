"""What the publish stage is told: the podcast's channel fields, links, retention."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..cleantext import uncarried
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
        problem = base_url_problem(self.base_url)
        if problem:
            raise ConfigError(f"base_url must be an http:// or https:// URL with a host ({problem}), "
                              f"got {self.base_url!r}", setting="base_url",
                              hint='e.g. base_url = "https://media.example.com/podcast/"')
        for name in ("paper", "feed_title", "feed_description", "author", "owner_email", "category", "language"):
            bad = uncarried(getattr(self, name))
            if bad:
                raise ConfigError(f"{name} holds characters no feed can carry ({bad})", setting=name)
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


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot prefix every published link (None if it can)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not url.lower().startswith(("http://", "https://")):
        return "the scheme is not http or https"
    if not parts.hostname:
        return "no host"
    if any(c.isspace() for c in url) or uncarried(url):
        return "spaces or control characters"
    if parts.query or parts.fragment:
        return "a query or fragment would end up in the middle of every link"
    return None
