"""`audiobulletin script`: review what will be said, before publishing."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..pipeline import read_edition, script_for, stage_options
from . import pass_app
from .options import date_option, edition_file, paper_option


@click.command("script")
@edition_file
@date_option
@paper_option
@click.option("--json", "as_json", is_flag=True, help="Print every segment as JSON.")
@click.option("--changed", is_flag=True, help="Show only segments whose reading differs from the text.")
@pass_app
def command(app, edition, date, paper, as_json, changed):
    """Show every spoken segment: its role, the text as written and as it will be read.

    \b
    Example:
      audiobulletin script examples/taiyuan-daily-2021-06-27.txt --changed
    """
    options = stage_options(app.settings(paper=paper), date=date, publishing=False)
    script = script_for(read_edition([Path(e) for e in edition], options), options)
    rows = [s for s in script.segments if not changed or s.spoken != s.text]
    if as_json:
        click.echo(json.dumps([{"index": script.segments.index(s), "role": s.role.value, "article": s.article,
                                "paragraph": s.paragraph, "text": s.text, "spoken": s.spoken,
                                "pause_after_ms": s.pause_after_ms, "cue": s.cue} for s in rows],
                              ensure_ascii=False, indent=2))
        return
    for segment in rows:
        where = "intro" if segment.article is None else f"{segment.article + 1}.{segment.paragraph}"
        click.echo(f"[{where:>6} {segment.role.value:<10}] {segment.text}")
        if segment.spoken != segment.text:
            click.echo(f"{'':>19}-> {segment.spoken}")
