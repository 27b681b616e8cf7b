"""The files published beside each episode's MP3, and their names inside the date folder.

    2021-06-27/bulletin.mp3        the episode (written by mastering)
    2021-06-27/transcript.vtt      captions, one cue per sentence (podcast:transcript, text/vtt)
    2021-06-27/transcript.srt      the same cues as SubRip (application/x-subrip)
    2021-06-27/transcript.txt      plain text: headlines and paragraphs
    2021-06-27/chapters.json       Podcasting 2.0 chapters 1.2.0 (podcast:chapters)
    2021-06-27/radio/bulletin.wav  broadcast WAV of the whole bulletin
    2021-06-27/radio/01.wav        broadcast WAV of article 1, 02.wav of article 2, ...

Everything of a date lives in its folder, so the pipeline's staging-folder swap publishes (and
retention removes) a date as a whole.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PublishError
from ..timeline import Timeline
from .manifest import RadioCut

VTT_NAME = "transcript.vtt"
SRT_NAME = "transcript.srt"
TEXT_NAME = "transcript.txt"
CHAPTERS_NAME = "chapters.json"
RADIO_DIR = "radio"


def radio_name(number: int) -> str:
    """Stable name of a broadcast cut in the date folder: 0 is the bulletin, n is article n."""
    if number < 0:
        raise ValueError("radio cut numbers start at 0 (the whole bulletin)")
    return f"{RADIO_DIR}/bulletin.wav" if number == 0 else f"{RADIO_DIR}/{number:02d}.wav"


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


def staged_radio_cuts(folder: Path, date_dir: str, titles: tuple[str, ...],
                      bulletin_title: str) -> tuple[RadioCut, ...]:
    """The broadcast WAVs mastering left in `folder`/radio/, as manifest entries (bulletin
    first, then articles by number); `titles[n-1]` names article n. Empty if there are none."""
    import wave

    cuts = []
    for number in range(len(titles) + 1):
        path = Path(folder) / radio_name(number)
        if not path.exists():
            continue
        try:
            with wave.open(str(path), "rb") as w:
                duration = w.getnframes() / w.getframerate()
        except (wave.Error, EOFError, OSError) as exc:
            raise PublishError(f"broadcast WAV is unreadable ({exc})", where=str(path)) from None
        title = bulletin_title if number == 0 else titles[number - 1]
        cuts.append(RadioCut(number, title, f"{date_dir}/{radio_name(number)}", path.stat().st_size,
                             round(duration, 3)))
    return tuple(cuts)
