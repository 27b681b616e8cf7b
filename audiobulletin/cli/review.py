"""`audiobulletin review`: the review desk as a local web page."""

from __future__ import annotations

from pathlib import Path

import click

from . import pass_app
from .options import date_option, edition_file, engine_option, paper_option

DEFAULT_LEXICON = Path("voices") / "lexicon.toml"


@click.command("review")
@edition_file
@date_option
@paper_option
@engine_option
@click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path),
              help="Lexicon file to edit (default: `lexicon` in the config file, else voices/lexicon.toml).")
@click.option("--port", type=click.IntRange(0, 65535), default=8123, show_default=True,
              help="TCP port on 127.0.0.1 (0 picks a free one).")
@pass_app
def command(app, edition, date, paper, engine, lexicon, port):
    """Open the review desk for EDITION: every segment as written, as read and as the engine
    receives it, with flags on what deserves a look, a play button per segment (voiced through
    the speech cache) and a form to add or fix lexicon entries with a preview of every segment
    they change. Listens on 127.0.0.1 only; the printed address carries a random token.

    Writes nothing but the lexicon file (keeping the previous one as .bak) and the speech cache.

    \b
    Example:
      audiobulletin review examples/taiyuan-daily-2021-06-27.txt --engine offline
    """
    from ..review.desk import Desk
    from ..review.server import serve_review

    settings = app.settings(paper=paper, engine=engine, lexicon=lexicon)
    click.echo("review: reading the edition…", err=True)
    desk = Desk([Path(e) for e in edition], settings, settings.lexicon or DEFAULT_LEXICON)
    try:
        serve_review(desk, port, lambda url: click.echo(
            f"review desk for {' '.join(edition)}: {url}\n(open it in a browser on this computer; Ctrl-C stops)",
            err=True))
    finally:
        desk.close()
