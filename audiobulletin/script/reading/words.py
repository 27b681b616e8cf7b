"""Chinese word boundaries (jieba), shared by the lexicon's whole-word entries and the offline
voice's pinyin: both must agree on what a word is."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def segmenter():
    """jieba's segmenter, loaded once per process on first use (~1-2 s)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment_words(text: str) -> list[str]:
    """jieba's words of `text` (they concatenate back to `text`)."""
    return list(segmenter().cut(text))


def word_bounds(text: str) -> frozenset[int]:
    """Offsets in `text` where a word starts or ends (0 and len(text) included)."""
    bounds, at = {0}, 0
    for word in segment_words(text):
        at += len(word)
        bounds.add(at)
    return frozenset(bounds)
