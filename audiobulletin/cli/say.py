"""`audiobulletin say`: speak one line with the current engine, voice profile and lexicon."""

from __future__ import annotations

import wave
from pathlib import Path

import click

from ..atomic import atomic_path
from ..errors import SpeechError
from ..pipeline import stage_options
from ..script.segment import ChapterPlan, Role, Script, Segment
from ..script.sentences import speakable
from ..speech import speak
from ..speech.voice import Clip
from . import pass_app
from .options import engine_option


def say(text: str, out: Path, settings, role: Role = Role.BODY) -> tuple[str, Clip]:
    """Normalise `text` as the script stage would, speak it with the engine `generate` would use
    (cache and fallback included), write a mono 16-bit WAV to `out`.
    Returns the reading that was spoken and the clip."""
    options = stage_options(settings, publishing=False)
    spoken = options.script.reading()(text)
    if not speakable(spoken):
        raise SpeechError("nothing to speak", where=repr(text))
    script = Script(segments=(Segment(role, text, spoken, None),), chapters=(ChapterPlan(text, 0, None),))
    speech = speak(script, options.speech)
    if speech.failures:
        raise speech.failures[0]
    clip = speech.clips[0]
    with atomic_path(out) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.sample_rate)
        wav.writeframes(clip.pcm)
    return spoken, clip


@click.command("say")
@click.argument("text")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("say.wav"),
              show_default=True, help="WAV file to write.")
@engine_option
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.BODY.value,
              show_default=True, help="Which voice of the profile reads it.")
@click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path),
              help="Pronunciation lexicon (default: `lexicon` in the config file).")
@pass_app
def command(app, text, out, engine, role, lexicon):
    """Speak one line to a WAV file, to check how a word or a lexicon fix sounds.

    Prints the reading the engine was given (numbers, dates and units in words).

    \b
    Example:
      audiobulletin say "万柏林区6月26日14:30气温-5℃" -o check.wav --lexicon voices/lexicon.toml
    """
    settings = app.settings(engine=engine, lexicon=lexicon, workers=1)
    spoken, clip = say(text, out, settings, Role(role))
    click.echo(f"{spoken}")
    for skipped in clip.skipped:
        click.echo(f"warning: not spoken: {skipped}", err=True)
    click.echo(f"wrote {out} ({clip.duration:.1f} s, {clip.engine or 'engine'})", err=True)
