"""Which engine speaks a script: the options' `engine` choice, each engine behind the cache.

- offline: the offline voice only; nothing touches the network.
- edge: the online voices only; failures stay failures (a clear SpeechError per segment).
- auto: the online voices, and the offline voice for every part (article, intro, outro) they
  fail (never mid-article).

Requests must carry voices from the profile section named by the returned engine's `name`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .cache import CachedEngine
from .engine import Engine, SpeechRequest

if TYPE_CHECKING:
    from ..script.segment import Segment
    from . import SpeechOptions
    from .edge import Backoff


def build_engine(options: "SpeechOptions", segments: Sequence["Segment"], *,
                 edge_backoff: "Backoff | None" = None) -> Engine:
    """The engine for `options.engine`; `segments` are the script's (the fallback groups them by
    part and takes each one's offline voice from the profile, its text re-read for the offline
    voice with the lexicon). `edge_backoff`: shorter retry delays, for tests."""
    from ..script.reading import to_spoken

    lexicon = options.lexicon

    def offline() -> Engine:
        from .offline import OfflineEngine

        return CachedEngine(OfflineEngine(workers=options.workers, lexicon=lexicon), options.cache_dir)

    def edge() -> Engine:
        from .edge import Backoff, EdgeEngine

        return CachedEngine(EdgeEngine(concurrency=options.edge_concurrency,
                                       endpoint=options.edge_endpoint or None,
                                       backoff=edge_backoff or Backoff()), options.cache_dir)

    if options.engine == "offline":
        return offline()
    if options.engine == "edge":
        return edge()
    from .fallback import FallbackEngine

    def offline_voice(request: SpeechRequest):
        return options.profile.voice_for("offline", segments[request.index].role)

    return FallbackEngine(edge(), offline(), article_of=lambda r: segments[r.index].part,
                          offline_voice=offline_voice,
                          offline_text=lambda text: to_spoken(text, for_offline=True, lexicon=lexicon))
