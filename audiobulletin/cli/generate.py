"""`audiobulletin generate`: the daily job."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from ..errors import AudioBulletinError, NoEditionError
from ..pipeline import generate
from . import pass_app
from .progress import NoteHandler, RunDisplay
from .summary import summary_json, summary_lines
from .options import date_option, edition_file, engine_option, fallback_option, paper_option

MAX_LISTED = 10
"""Discarded cache entries named in the summary; the rest are counted."""


@click.command("generate")
@edition_file
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Output folder (feed.xml, one folder per date).")
@date_option
@paper_option
@engine_option
@fallback_option
@click.option("--workers", type=click.IntRange(1, 64), help="Offline voice worker processes.")
@click.option("--base-url", help="Public URL of the output folder, for feed links.")
@click.option("-q", "--quiet", is_flag=True, help="No progress; a short summary (for cron).")
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object on stdout (for monitors).")
@pass_app
def command(app, edition, out_dir, date, paper, engine, fallback, workers, base_url, quiet, as_json):
    """Voice one edition and publish it to the podcast feed.

    EDITION is the edition file, or its page files in page order, or a folder holding them; or a
    drop folder: with --date, the file (or folder of pages) named with that date in it (exit 9
    when there is none yet).

    \b
    Example:
      audiobulletin generate examples/taiyuan-daily-2021-06-27.txt \\
          --date 2021-06-27 --out output/ --engine offline
      audiobulletin generate /srv/editions/ --date today -q        # from cron or a timer
      AUDIOBULLETIN_AZURE_KEY=... audiobulletin generate edition.txt --engine azure --fallback offline
      audiobulletin generate pages/page01.txt pages/page02.txt --date 2021-06-27
    """
    settings = app.settings(paper=paper, engine=engine, fallback=fallback, workers=workers, base_url=base_url)
    display = RunDisplay(sys.stderr, quiet=quiet)
    handler = NoteHandler(display)
    library = logging.getLogger("audiobulletin")
    library.addHandler(handler)
    try:
        report = generate([Path(e) for e in edition], out_dir, settings, date=date, progress=display)
    except AudioBulletinError as error:
        if as_json:  # a monitor reads the outcome from stdout too; the one-line error follows on stderr
            status = "no-edition" if isinstance(error, NoEditionError) else "failed"
            click.echo(json.dumps({"status": status, "exit_code": error.exit_code, "error": error.one_line()},
                                  ensure_ascii=False))
        raise
    finally:
        library.removeHandler(handler)
        display.close()
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in report.repairs:
        click.echo(f"repaired: {line}", err=True)
    if as_json:
        click.echo(json.dumps(summary_json(report), ensure_ascii=False))
    else:
        for line in summary_lines(report, short=quiet):
            click.echo(line)
    for line in report_warnings(report):
        click.echo(line, err=True)


def report_warnings(report) -> list[str]:
    """What a person should look at, one line each (stderr, also after --json)."""
    lines = []
    if report.fallbacks:
        first = next(iter(report.fallbacks.values())).split(" — ")[0]
        lines.append(f"note: the fallback engine read {len(report.fallbacks)} part(s) the first engine failed "
                     f"({', '.join(map(str, report.fallbacks))}); first failure: {first}")
    if report.leftovers:
        lines.append(f"note: cleared {len(report.leftovers)} leftover(s) of an interrupted run in "
                     f"{report.out_dir} (first: {report.leftovers[0].name})")
    if report.discarded:
        lines.append(f"note: discarded {len(report.discarded)} damaged speech cache entry(ies), spoken again:")
        lines += [f"  {line}" for line in report.discarded[:MAX_LISTED]]
        if len(report.discarded) > MAX_LISTED:
            lines.append(f"  … and {len(report.discarded) - MAX_LISTED} more")
    lines += [f"warning: not placed in the accessible edition: {text}" for text in report.unplaced]
    lines += [f"warning: segment {index} was not spoken: {message}"
              for index, message in sorted(report.failures.items())]
    lines += [f"warning: not spoken: {text}" for text in report.skipped]
    lines += [f"warning: lexicon: {warning}" for warning in report.lexicon_warnings]
    return lines
