"""Which engine speaks a script: the options' engine chain (chain.py), each engine behind the cache.

- one engine (`offline`, `edge`, `azure`, `kokoro`, a plug-in): failures stay failures (a clear
  SpeechError per segment);
- an engine with a fallback (`auto` = edge with the offline voice): the fallback re-voices every
  part (article, intro, outro) the first engine fails, never mid-article.

Requests must carry voices from the profile section named by the returned engine's `name`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from .cache import CachedEngine
from .engine import Engine, SpeechRequest

if TYPE_CHECKING:
    from ..script.segment import Segment
    from . import SpeechOptions
    from .edge import Backoff
    from .fallback import OnFallback


def build_engine(options: "SpeechOptions", segments: Sequence["Segment"], *,
                 backoff: "Backoff | None" = None, on_fallback: "OnFallback | None" = None) -> Engine:
    """The engine for `options.chain`; `segments` are the script's (the fallback groups them by
    part and takes each one's voice from the profile's section for the fallback engine, its text
    re-read for an offline voice with the lexicon when the first engine reads for an online one).
    `backoff`: shorter retry delays for the network engines, for tests; `on_fallback(part, error)`:
    told at once of each part the first engine gives up."""
    from ..script.reading import to_spoken

    chain, registry = options.chain, options.engines

    def built(name: str) -> Engine:
        setup = options.setup_for(name)
        if backoff is not None:
            setup = replace(setup, options={**setup.options, "backoff": backoff})
        return CachedEngine(registry.create(name, setup), options.cache_dir)

    primary = built(chain.primary)
    if not chain.fallback:
        return primary
    from .fallback import FallbackEngine

    try:
        fallback = built(chain.fallback)
    except BaseException:
        primary.close()
        raise
    reread = registry.info(chain.fallback).offline_reading and not registry.info(chain.primary).offline_reading

    def fallback_voice(request: SpeechRequest):
        return options.profile.voice_for(chain.fallback, segments[request.index].role)

    return FallbackEngine(primary, fallback, article_of=lambda r: segments[r.index].part,
                          offline_voice=fallback_voice, on_fallback=on_fallback,
                          offline_text=(lambda text: to_spoken(text, for_offline=True, lexicon=options.lexicon))
                          if reread else None)
