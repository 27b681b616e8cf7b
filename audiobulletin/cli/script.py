"""`audiobulletin script`: review what will be said, and what the engine will receive, before publishing."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..pipeline import read_edition, stage_options
from ..review.readings import Reader, SegmentReading
from . import pass_app
from .options import date_option, edition_file, engine_option, paper_option


def _row(reading: SegmentReading, engine: str) -> dict:
    s = reading.segment
    return {"index": reading.index, "role": s.role.value, "article": s.article, "paragraph": s.paragraph,
            "text": s.text, "spoken": s.spoken, "engine": engine, "engine_input": reading.engine_input,
            "lexicon": [{"entry": e.written, "where": e.where} for e in reading.hits],
            "changed_by_lexicon": reading.changed,
            "pause_after_ms": s.pause_after_ms, "cue": s.cue}


@click.command("script")
@edition_file
@date_option
@paper_option
@engine_option
@click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path),
              help="Pronunciation lexicon (default: `lexicon` in the config file).")
@click.option("--json", "as_json", is_flag=True, help="Print every segment as JSON.")
@click.option("--changed", is_flag=True, help="Show only segments whose reading a lexicon entry changed.")
@click.option("--rewritten", is_flag=True, help="Show only segments whose reading differs from the text.")
@pass_app
def command(app, edition, date, paper, engine, lexicon, as_json, changed, rewritten):
    """Show every spoken segment: its role, the text as written, as it will be read, and what the
    engine receives (pinyin for the offline voice, SSML for the online one).

    Lexicon entries that change a number, date or unit they were not written for, or that never
    match, are reported on stderr.

    \b
    Example:
      audiobulletin script examples/taiyuan-daily-2021-06-27.txt --engine offline --changed
    """
    options = stage_options(app.settings(paper=paper, engine=engine, lexicon=lexicon, workers=1),
                            date=date, publishing=False)
    reader = Reader(read_edition([Path(e) for e in edition], options), options)
    try:
        readings = reader.readings(options.script.lexicon)
    finally:
        reader.close()
    rows = [r for r in readings.rows
            if (not changed or r.changed) and (not rewritten or r.segment.spoken != r.segment.text)]
    for warning in readings.report.warnings:
        click.echo(f"warning: lexicon: {warning.one_line()}", err=True)
    unused = readings.report.unused
    if unused and not as_json:
        names = ", ".join(f"{e.written} (line {e.line})" if e.line else e.written for e in unused)
        click.echo(f"note: {len(unused)} lexicon entr{'y' if len(unused) == 1 else 'ies'} "
                   f"not used in this edition: {names}", err=True)
    if as_json:
        click.echo(json.dumps([_row(r, readings.engine) for r in rows], ensure_ascii=False, indent=2))
        return
    for reading in rows:
        segment = reading.segment
        click.echo(f"[{reading.where:>6} {segment.role.value:<10}] {segment.text}")
        if segment.spoken != segment.text:
            click.echo(f"{'':>19}-> {segment.spoken}")
        if reading.engine_input != segment.spoken:
            click.echo(f"{readings.engine:>17}: {reading.engine_input}")
        if reading.changed:
            hits = ", ".join(e.where for e in reading.hits)
            click.echo(f"{'lexicon':>17}: {hits or 'changed'} (was: {reading.bare_input})")
