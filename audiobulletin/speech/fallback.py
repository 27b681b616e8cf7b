"""`--engine auto`: the online voice first, the offline voice for whole articles it fails.

A listener must never hear the voice change in the middle of an article, so results are held per
article until every segment of it has succeeded online; an article with any failure (after the
online engine's own retries) is voiced again, entirely, by the offline engine with the profile's
offline voice for each segment's role.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Mapping, Sequence

from ..errors import AudioBulletinError, SpeechError
from .engine import Engine, OnResult, Result, SpeechRequest
from .voice import Clip, Voice

ArticleOf = Mapping[int, Hashable] | Callable[[SpeechRequest], Hashable]
"""request.index -> article key (a mapping), or request -> article key (a callable)."""
OnFallback = Callable[[Any, AudioBulletinError], None]
"""Told, once per article, as soon as the online engine gives it up (the run shows it at once)."""


@dataclass(frozen=True)
class FallbackReport:
    """Which engine voiced each article, and why the ones that fell back did."""

    engines: Mapping[Hashable, str]
    """Article key -> name of the engine that voiced it."""
    reasons: Mapping[Hashable, str] = field(default_factory=dict)
    """Article key -> the online failure that sent it to the offline engine."""
    failed: tuple[int, ...] = ()
    """Request indices that no engine could voice (their results were SpeechErrors)."""

    def articles(self, engine: str) -> list[Hashable]:
        return [article for article, name in self.engines.items() if name == engine]

    def summary(self) -> str:
        by_engine: dict[str, list[str]] = defaultdict(list)
        for article, name in self.engines.items():
            by_engine[name].append(str(article))
        parts = [f"{name}: {', '.join(keys)}" for name, keys in by_engine.items()]
        return "articles by engine — " + "; ".join(parts)


class _CallbackFailed(Exception):
    """The caller's on_result raised: not an engine failure, so never a reason to fall back."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.error = error


def render_with_fallback(requests: Sequence[SpeechRequest], on_result: OnResult, *,
                         online: Engine, offline: Engine, article_of: ArticleOf,
                         offline_voice: Callable[[SpeechRequest], Voice],
                         offline_text: Callable[[str], str] | None = None,
                         on_fallback: OnFallback | None = None) -> FallbackReport:
    """Speak `requests` with `online`; re-voice every article that had a failure with `offline`.

    `on_result` is called once per request, an article's results together once the article is
    settled; for fallen-back articles it receives the offline request (same index, offline voice,
    text re-read by `offline_text` for the offline voice when given).
    If `online.render` raises an AudioBulletinError, every unsettled article falls back.
    `on_fallback(article, error)` hears of each article given up, when it is."""
    article = article_of if callable(article_of) else (lambda r: article_of[r.index])
    members: dict[Hashable, list[SpeechRequest]] = defaultdict(list)
    for request in requests:
        members[article(request)].append(request)
    held: dict[Hashable, list[tuple[SpeechRequest, Clip]]] = defaultdict(list)
    engines: dict[Hashable, str] = {}
    reasons: dict[Hashable, str] = {}

    def deliver(request: SpeechRequest, result: Result) -> None:
        try:
            on_result(request, result)
        except Exception as exc:
            raise _CallbackFailed(exc) from exc

    def give_up(key: Hashable, error: AudioBulletinError) -> None:
        reasons[key] = error.one_line()
        if on_fallback is not None:
            try:
                on_fallback(key, error)
            except Exception as exc:
                raise _CallbackFailed(exc) from exc

    def from_online(request: SpeechRequest, result: Result) -> None:
        key = article(request)
        if key in engines or key in reasons:
            return  # settled: a late result for an article already voiced or already falling back
        if not isinstance(result, Clip):
            held.pop(key, None)
            give_up(key, result)
            return
        held[key].append((request, result))
        if len(held[key]) == len(members[key]):
            engines[key] = online.name
            for done, clip in held.pop(key):
                deliver(done, clip)

    failure: AudioBulletinError | None = None
    try:
        online.render(requests, from_online)
    except _CallbackFailed as failed_callback:
        raise failed_callback.error from None
    except AudioBulletinError as exc:  # the online engine as a whole failed
        failure = exc
    try:  # what is still unsettled: the whole engine failed, or returned without answering
        for key in members:
            if key not in engines and key not in reasons:
                give_up(key, failure or SpeechError(f"the {online.name} engine gave no result"))
    except _CallbackFailed as unsettled_callback:
        raise unsettled_callback.error from None

    reread = offline_text or (lambda text: text)
    retry = [SpeechRequest(r.index, reread(r.text), offline_voice(r)) for key in members if key in reasons
             for r in members[key]]
    failed: list[int] = []

    def from_offline(request: SpeechRequest, result: Result) -> None:
        engines[article(request)] = offline.name
        if not isinstance(result, Clip):
            failed.append(request.index)
        deliver(request, result)

    if retry:
        try:
            offline.render(retry, from_offline)
        except _CallbackFailed as failed_callback:
            raise failed_callback.error from None
    ordered = {key: engines.get(key, offline.name) for key in members}
    return FallbackReport(engines=ordered, reasons=dict(reasons), failed=tuple(sorted(failed)))


class FallbackEngine(Engine):
    """`render_with_fallback` behind the Engine interface, for code that takes any engine.

    Requests must carry the online engine's voices, so `name` is the online engine's name (the
    voice profile section they come from); each Clip's `engine` says who actually spoke it.
    `report` describes the last render."""

    def __init__(self, online: Engine, offline: Engine, *, article_of: ArticleOf,
                 offline_voice: Callable[[SpeechRequest], Voice],
                 offline_text: Callable[[str], str] | None = None, on_fallback: OnFallback | None = None):
        self.online, self.offline = online, offline
        self.name = online.name
        self.article_of, self.offline_voice, self.offline_text = article_of, offline_voice, offline_text
        self.on_fallback = on_fallback
        self.report = FallbackReport(engines={})

    def version(self) -> str:
        return f"{self.online.version()}|{self.offline.version()}"

    def engine_input(self, request: SpeechRequest) -> str:
        return self.online.engine_input(request)  # the offline voice reads only what it fails

    def render(self, requests: Sequence[SpeechRequest], on_result: OnResult) -> None:
        self.report = render_with_fallback(requests, on_result, online=self.online, offline=self.offline,
                                           article_of=self.article_of, offline_voice=self.offline_voice,
                                           offline_text=self.offline_text, on_fallback=self.on_fallback)

    def fallbacks(self) -> Mapping[Any, str]:  # keyed as `article_of` keys requests: Parts in the pipeline
        return self.report.reasons

    def discarded(self):
        return (*self.online.discarded(), *self.offline.discarded())

    def close(self) -> None:
        try:
            self.online.close()
        finally:
            self.offline.close()
