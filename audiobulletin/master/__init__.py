"""Mastering and export: loudness, the podcast MP3 with ID3 chapters, broadcast WAVs for radio.

Takes the assembled episode (a pydub AudioSegment) and its Timeline; never imports publish.
Heavy modules (numpy, scipy, mutagen) load when a function is called, not on import.
"""

from __future__ import annotations

from .episode import (PODCAST_LUFS, RADIO_LUFS, Mastered, Prepared, master_broadcast_wavs, master_episode,
                      master_mp3, prepare, wav_names)
from .model import EpisodeMeta, Loudness, MasteredFile


def measure(samples, rate: int) -> Loudness:
    """BS.1770-4 integrated loudness, true peak, loudness range and maxima of mono float samples."""
    from .loudness import measure as _measure

    return _measure(samples, rate)


__all__ = ["EpisodeMeta", "Loudness", "Mastered", "MasteredFile", "PODCAST_LUFS", "Prepared", "RADIO_LUFS",
           "master_broadcast_wavs", "master_episode", "master_mp3", "measure", "prepare", "wav_names"]
