"""Which engine speaks a script: the settings' `engine` choice, each engine behind the cache.

- offline: the offline voice only; nothing touches the network.
- edge: the online voices only; failures stay failures (a clear SpeechError per segment).
- auto: the online voices, and the offline voice for every article they fail (never mid-article).
- kokoro: the Kokoro-82M offline voice only (the optional extra `[kokoro]`).

Requests must carry voices from the profile section named by the returned engine's `name`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .cache import CachedEngine
from .engine import Engine, SpeechRequest

if TYPE_CHECKING:
    from ..config import Settings
    from ..profile import VoiceProfile
    from ..script.reading import Lexicon
    from ..script.segment import Segment
    from .edge import Backoff


def article_key(segment: "Segment"):
    """Fallback unit: the article, or the role for the intro and the outro (voiced separately)."""
    return segment.article if segment.article is not None else segment.role.value


def build_engine(settings: "Settings", profile: "VoiceProfile", segments: Sequence["Segment"], *,
                 lexicon: "Lexicon | None" = None, edge_backoff: "Backoff | None" = None) -> Engine:
    """The engine for `settings.engine`; `segments` are the script's (the fallback groups them by
    article and takes each one's offline voice from `profile`, its text re-read for the offline
    voice with `lexicon`). `edge_backoff`: shorter retry delays, for tests."""
    from ..script.reading import to_spoken

    cache_dir = settings.cache_dir  # None: the user cache dir

    def offline() -> Engine:
        from .offline import OfflineEngine

        pinyin = lexicon.pinyin_strings() if lexicon else None
        return CachedEngine(OfflineEngine(workers=settings.workers, lexicon=pinyin), cache_dir)

    def edge() -> Engine:
        from .edge import Backoff, EdgeEngine

        return CachedEngine(EdgeEngine(concurrency=settings.edge_concurrency,
                                       endpoint=settings.edge_endpoint or None,
                                       backoff=edge_backoff or Backoff()), cache_dir)

    if settings.engine == "offline":
        return offline()
    if settings.engine == "kokoro":
        from .kokoro import KokoroEngine

        pinyin = lexicon.pinyin_strings() if lexicon else None
        return CachedEngine(KokoroEngine(workers=settings.workers, lexicon=pinyin), cache_dir)
    if settings.engine == "edge":
        return edge()
    from .fallback import FallbackEngine

    def offline_voice(request: SpeechRequest):
        return profile.voice_for("offline", segments[request.index].role)

    return FallbackEngine(edge(), offline(), article_of=lambda r: article_key(segments[r.index]),
                          offline_voice=offline_voice,
                          offline_text=lambda text: to_spoken(text, for_offline=True, lexicon=lexicon))
