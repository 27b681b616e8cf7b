"""The files published beside each episode's MP3, and their names inside the date folder.

    2021-06-27/bulletin.mp3        the episode (written by mastering, which names it)
    2021-06-27/transcript.vtt      captions, one cue per sentence (podcast:transcript, text/vtt)
    2021-06-27/transcript.srt      the same cues as SubRip (application/x-subrip)
    2021-06-27/transcript.txt      plain text: headlines and paragraphs
    2021-06-27/chapters.json       Podcasting 2.0 chapters 1.2.0 (podcast:chapters)
    2021-06-27/radio/bulletin-<hash>.wav  broadcast WAV of the whole bulletin (mastering's too)
    2021-06-27/radio/01-<hash>.wav        broadcast WAV of article 1 (named by its audio), 02-… of article 2, ...

Everything of a date lives in its folder, so the pipeline's staging-folder swap publishes (and
retention removes) a date as a whole.
"""

from __future__ import annotations

from pathlib import Path

from ..timeline import Timeline

VTT_NAME = "transcript.vtt"
SRT_NAME = "transcript.srt"
TEXT_NAME = "transcript.txt"
CHAPTERS_NAME = "chapters.json"


def write_episode_files(folder: Path, timeline: Timeline) -> tuple[str, ...]:
    """Write the transcripts and chapters of `timeline` into `folder` (the staging folder, which
    the pipeline swaps in whole); return the names written."""
    from .chapters_json import chapters_json
    from .transcripts import plain_text, srt, webvtt

    folder = Path(folder)
    files = {
        VTT_NAME: webvtt(timeline),
        SRT_NAME: srt(timeline),
        TEXT_NAME: plain_text(timeline),
        CHAPTERS_NAME: chapters_json(timeline),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tuple(files)
