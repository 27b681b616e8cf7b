"""`audiobulletin serve`: serve the output folder over HTTP (feeds, episodes, radio cuts)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..publish.server import DEFAULT_HOST, DEFAULT_PORT, serve


@click.command("serve")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("output"))
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on; 0.0.0.0 to reach it from the LAN.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="TCP port (0 picks a free one).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log each request.")
def command(folder, host, port, quiet):
    """Serve FOLDER (default output/) over HTTP with byte ranges and conditional GET.

    Podcast apps subscribe to <url>feed.xml, stations poll <url>radio.xml. Set base_url in
    the config to the address clients use, then run `generate` again so feed links match.

    \b
    Example:
      audiobulletin serve output/ --host 0.0.0.0 --port 8000
    """
    if not quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s")

    def ready(url: str) -> None:
        click.echo(f"serving {folder} at {url} (feed: {url}feed.xml, radio: {url}radio.xml); "
                   "Ctrl-C stops", err=True)

    serve(folder, host=host, port=port, on_ready=ready)
