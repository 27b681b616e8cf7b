"""`audiobulletin say`: speak one line with the current engine, voice profile and lexicon."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import click

from ..atomic import atomic_path
from ..errors import SpeechError
from ..pipeline import stage_options
from ..script.reading.lexicon_check import check_lexicon
from ..script.segment import ChapterPlan, Role, Script, Segment
from ..script.sentences import speakable
from ..speech import engine_inputs, speak
from ..speech.voice import Clip
from . import pass_app
from .options import engine_option


@dataclass(frozen=True)
class Said:
    spoken: str
    """The reading the engine was given (numbers, dates and units in words, the lexicon applied)."""
    engine: str
    engine_input: str
    """What the engine made of it: pinyin for the offline voice, SSML for the online one."""
    clip: Clip
    lexicon_warnings: tuple[str, ...]


def say(text: str, out: Path, settings, role: Role = Role.BODY) -> Said:
    """Normalise `text` as the script stage would, speak it with the engine `generate` would use
    (cache and fallback included), write a mono 16-bit WAV to `out` (and nothing else but the
    speech cache)."""
    options = stage_options(settings, publishing=False)
    spoken = options.script.reading()(text)
    if not speakable(spoken):
        raise SpeechError("nothing to speak", where=repr(text))
    script = Script(segments=(Segment(role, text, spoken, None),), chapters=(ChapterPlan(text, 0, None),))
    lexicon = options.script.lexicon
    warnings = tuple(w.one_line() for w in check_lexicon(lexicon, [("this line", text, spoken)],
                                                          for_offline=options.script.for_offline).warnings
                     ) if lexicon else ()
    engine, (engine_input,) = engine_inputs(script, options.speech)
    speech = speak(script, options.speech)
    if speech.failures:
        raise speech.failures[0]
    clip = speech.clips[0]
    with atomic_path(out) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.sample_rate)
        wav.writeframes(clip.pcm)
    return Said(spoken, engine, engine_input, clip, warnings)


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

    Prints the line as written, the reading the engine was given (numbers, dates and units in
    words) and what the engine made of it (pinyin for the offline voice, SSML for the online one).

    \b
    Example:
      audiobulletin say "万柏林区6月26日14:30气温-5℃" -o check.wav --lexicon voices/lexicon.toml
    """
    settings = app.settings(engine=engine, lexicon=lexicon, workers=1)
    said = say(text, out, settings, Role(role))
    click.echo(f"written: {text}")
    click.echo(f"spoken: {said.spoken}")
    click.echo(f"{said.engine}: {said.engine_input}")
    for warning in said.lexicon_warnings:
        click.echo(f"warning: lexicon: {warning}", err=True)
    clip = said.clip
    for skipped in clip.skipped:
        click.echo(f"warning: not spoken: {skipped}", err=True)
    click.echo(f"wrote {out} ({clip.duration:.1f} s, {clip.engine or 'engine'})", err=True)
