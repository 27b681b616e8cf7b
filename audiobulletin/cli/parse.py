"""`audiobulletin parse`: show how an edition file is read."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..pipeline import read_edition, script_for, stage_options
from . import pass_app
from .options import date_option, edition_file, paper_option


def _with_segments(parsed, options) -> dict:
    """The edition as JSON, each article with its spoken segments (text as written and as it
    will be read) so a newsroom can review readings; intro and outro segments at the top."""
    data = parsed.to_json()
    script = script_for(parsed, options)
    rows: dict = {}
    for segment in script.segments:
        rows.setdefault(segment.article, []).append(
            {"role": segment.role.value, "text": segment.text, "spoken": segment.spoken})
    for index, article in enumerate(data["articles"]):
        article["segments"] = rows.get(index, [])
    data["segments"] = rows.get(None, [])
    return data


@click.command("parse")
@edition_file
@date_option
@paper_option
@click.option("--json", "as_json", is_flag=True,
              help="Print the edition as JSON, with each segment as written and as spoken.")
@pass_app
def command(app, edition, date, paper, as_json):
    """Parse an edition file and show its articles.

    \b
    Example:
      audiobulletin parse examples/taiyuan-daily-2021-06-27.txt --json
    """
    options = stage_options(app.settings(paper=paper), date=date, publishing=False)
    parsed = read_edition([Path(e) for e in edition], options)
    if as_json:
        click.echo(json.dumps(_with_segments(parsed, options), ensure_ascii=False, indent=2))
        return
    for number, article in enumerate(parsed.articles, start=1):
        printed = ", ".join(filter(None, (article.section, f"{article.page}版" if article.page else None)))
        where = f"line {article.line}" + (f", {printed}" if printed else "")
        click.echo(f"{number}. {article.headline}  ({where})")
        for sub in article.subheadings:
            click.echo(f"   — {sub}")
        if article.byline:
            click.echo(f"   {article.byline}")
        click.echo(f"   {len(article.paragraphs)} paragraph(s), "
                   f"{sum(len(p) for p in article.paragraphs)} characters"
                   + (f", {len(article.captions)} caption(s)" if article.captions else ""))
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
