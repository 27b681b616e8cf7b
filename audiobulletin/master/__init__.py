"""Mastering and export: loudness, the podcast MP3 with ID3 chapters, broadcast WAVs for radio.

    mastered = master(assembled, meta, staging_folder, MasterOptions(target_lufs=-19.0))
    mastered.mp3.path   # staging_folder/bulletin.mp3
    mastered.wavs       # staging_folder/radio/bulletin.wav, radio/01.wav ... (one per article)

or, while the episode is still being assembled (the pipeline's way: each chapter is mastered as
soon as it is complete, during the speech of the later ones):

    with mastering(pcm, staging_folder, options) as job:
        job.add(chapter)                      # assembly's on_chapter
        mastered = job.finish(timeline, meta)

Takes the assembled episode (a PCM file) and its Timeline; never imports publish. The files it
writes, and their names, are in what it returns. Heavy modules (numpy, scipy, mutagen) load when
a function is called, not on import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..assemble import Assembled
from ..errors import ConfigError
from ..spool import PcmFile
from .episode import (EPISODES, MP3_NAME, PODCAST_LUFS, RADIO_DIR, RADIO_LUFS, SECTION_EPISODES_MIN_SECONDS,
                      SECTIONS_DIR, EpisodeMastering, Mastered, master_broadcast_wavs, master_episode, master_mp3,
                      section_title)
from .model import MP3_BITRATES, EpisodeMeta, Loudness, MasteredFile
from .radio import wav_names


@dataclass(frozen=True)
class MasterOptions:
    """How loud, and at what bit rate, the podcast MP3 is made (the radio WAVs follow EBU R128)."""

    target_lufs: float = PODCAST_LUFS
    """Podcast loudness target, integrated LUFS (mono speech)."""
    bitrate_kbps: int = 64
    """MP3 bit rate, one of MP3_BITRATES."""
    episodes: str = "auto"
    """One MP3 for the edition ("edition"), or also one per section ("section"); "auto": per
    section from SECTION_EPISODES_MIN_SECONDS on (the whole edition's MP3 is always made)."""

    def __post_init__(self):
        if self.episodes not in EPISODES:
            raise ConfigError(f"episodes must be one of {', '.join(EPISODES)}, got {self.episodes!r}",
                              setting="episodes")
        if self.bitrate_kbps not in MP3_BITRATES:
            raise ConfigError(f"bitrate_kbps must be one of {', '.join(map(str, MP3_BITRATES))}, "
                              f"got {self.bitrate_kbps}", setting="bitrate_kbps")
        if not -40 <= self.target_lufs <= -5:
            raise ConfigError(f"target_lufs must be -40..-5, got {self.target_lufs}", setting="target_lufs")


def mastering(pcm: PcmFile, folder: Path, options: MasterOptions = MasterOptions()) -> EpisodeMastering:
    """The stage's streaming entry: the podcast MP3 (`folder`/bulletin.mp3) and the broadcast
    WAVs (`folder`/radio/) of the episode being assembled into `pcm`, chapter by chapter."""
    folder = Path(folder)
    return EpisodeMastering(pcm, mp3_path=folder / MP3_NAME, wav_folder=folder / RADIO_DIR,
                            target_lufs=options.target_lufs, bitrate_kbps=options.bitrate_kbps, scratch=folder,
                            episodes=options.episodes)


def master(assembled: Assembled, meta: EpisodeMeta, folder: Path, options: MasterOptions = MasterOptions(),
           ) -> Mastered:
    """The stage's entry for an episode assembled already: the podcast MP3 and the broadcast WAVs."""
    folder = Path(folder)
    return master_episode(assembled.pcm, assembled.timeline, meta, mp3_path=folder / MP3_NAME,
                          wav_folder=folder / RADIO_DIR, target_lufs=options.target_lufs,
                          bitrate_kbps=options.bitrate_kbps, scratch=folder, episodes=options.episodes)


def preload() -> None:
    """Import mastering's heavy modules now (scipy.signal alone takes 0.5-2 s on a busy machine):
    call it in a background thread while speech is synthesised, so mastering starts warm."""
    import mutagen.id3  # noqa: F401
    import pypinyin  # noqa: F401
    import threadpoolctl  # noqa: F401

    from . import bwf, id3, loudness, mp3, normalise, programme  # noqa: F401  (loudness imports scipy.signal)


def measure(samples, rate: int) -> Loudness:
    """BS.1770-4 integrated loudness, true peak, loudness range and maxima of mono float samples."""
    from .loudness import measure as _measure

    return _measure(samples, rate)


__all__ = ["EPISODES", "SECTIONS_DIR", "SECTION_EPISODES_MIN_SECONDS", "section_title",
           "EpisodeMastering", "EpisodeMeta", "Loudness", "MP3_BITRATES", "MP3_NAME", "MasterOptions", "Mastered",
           "MasteredFile", "PODCAST_LUFS", "RADIO_DIR", "RADIO_LUFS", "master", "master_broadcast_wavs",
           "master_episode", "master_mp3", "mastering", "measure", "preload", "wav_names"]
