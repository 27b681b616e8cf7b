"""`audiobulletin parse`: show how an edition file is read."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..parse import parse_file
from . import pass_app
from .options import date_option, edition_file, paper_option


@click.command("parse")
@edition_file
@date_option
@paper_option
@click.option("--json", "as_json", is_flag=True, help="Print the edition as JSON.")
@pass_app
def command(app, edition, date, paper, as_json):
    """Parse an edition file and show its articles.

    \b
    Example:
      audiobulletin parse examples/taiyuan-daily-2021-06-27.txt --json
    """
    settings = app.settings(paper=paper)
    parsed = parse_file(Path(edition), paper=settings.paper, date=date)
    if as_json:
        click.echo(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
        return
    for number, article in enumerate(parsed.articles, start=1):
        click.echo(f"{number}. {article.headline}  (line {article.line})")
        for sub in article.subheadings:
            click.echo(f"   — {sub}")
        if article.byline:
            click.echo(f"   {article.byline}")
        click.echo(f"   {len(article.paragraphs)} paragraph(s), "
                   f"{sum(len(p) for p in article.paragraphs)} characters")
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
