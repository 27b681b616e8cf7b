"""`audiobulletin generate`: the daily job."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..clock import player_time, to_ms
from ..pipeline import generate
from . import pass_app
from .options import date_option, edition_file, engine_option, fallback_option, paper_option

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


MAX_LISTED = 10
"""Discarded cache entries named in the summary; the rest are counted."""


class BarProgress:
    """Stage names, then a progress bar over segments that also counts finished articles."""

    def __init__(self, quiet: bool):
        self.quiet, self.failed, self.articles = quiet, 0, 0
        self.bar: ProgressBar[int] | None = None
        self.left: Counter[int | None] = Counter()

    def stage(self, name: str) -> None:
        self.close()
        if not self.quiet and name != "speech":
            click.echo(f"{name}…", err=True)

    def speech_started(self, per_article: dict[int | None, int]) -> None:
        self.left = Counter(per_article)
        self.articles = sum(1 for a in per_article if a is not None)
        if not self.quiet:
            self.bar = click.progressbar(length=sum(per_article.values()), label="speech", show_eta=True, show_pos=True,
                                         item_show_func=self._status, file=sys.stderr)
            self.bar.__enter__()

    def segment_done(self, index: int, article: int | None, ok: bool) -> None:
        self.left[article] -= 1
        self.failed += not ok
        if self.bar:
            self.bar.update(1, current_item=index)

    def _status(self, _item) -> str:
        done = sum(1 for a, n in self.left.items() if a is not None and n == 0)
        return f"articles {done}/{self.articles}" + (f", {self.failed} failed" if self.failed else "")

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


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
@click.option("-q", "--quiet", is_flag=True, help="No progress, only the summary.")
@pass_app
def command(app, edition, out_dir, date, paper, engine, fallback, workers, base_url, quiet):
    """Voice one edition and publish it to the podcast feed. EDITION is the edition file, or its
    page files in page order, or a folder holding them.

    \b
    Example:
      audiobulletin generate examples/taiyuan-daily-2021-06-27.txt \\
          --date 2021-06-27 --out output/ --engine offline
      AUDIOBULLETIN_AZURE_KEY=... audiobulletin generate edition.txt --engine azure --fallback offline
      audiobulletin generate pages/page01.txt pages/page02.txt --date 2021-06-27
    """
    settings = app.settings(paper=paper, engine=engine, fallback=fallback, workers=workers, base_url=base_url)
    progress = BarProgress(quiet)
    try:
        report = generate([Path(e) for e in edition], out_dir, settings, date=date, progress=progress)
    finally:
        progress.close()
    click.echo(f"published {report.date.isoformat()}: {report.articles} articles, "
               f"{report.segments} segments, {player_time(to_ms(report.duration))} "
               f"at {report.loudness_lufs:.1f} LUFS -> {report.audio}")
    for index, engines in report.engines.items():
        click.echo(f"  {engines:>8}  {report.headlines[index]}")
    if report.fallbacks:
        first = next(iter(report.fallbacks.values())).split(" — ")[0]
        click.echo(f"note: the fallback engine read {len(report.fallbacks)} part(s) the first engine failed "
                   f"({', '.join(map(str, report.fallbacks))}); first failure: {first}", err=True)
    if report.leftovers:
        click.echo(f"note: cleared {len(report.leftovers)} leftover(s) of an interrupted run in "
                   f"{report.out_dir} (first: {report.leftovers[0].name})", err=True)
    if report.discarded:
        click.echo(f"note: discarded {len(report.discarded)} damaged speech cache entry(ies), spoken again:",
                   err=True)
        for line in report.discarded[:MAX_LISTED]:
            click.echo(f"  {line}", err=True)
        if len(report.discarded) > MAX_LISTED:
            click.echo(f"  … and {len(report.discarded) - MAX_LISTED} more", err=True)
    for text in report.unplaced:
        click.echo(f"warning: not placed in the accessible edition: {text}", err=True)
    for index, message in sorted(report.failures.items()):
        click.echo(f"warning: segment {index} was not spoken: {message}", err=True)
    for text in report.skipped:
        click.echo(f"warning: not spoken: {text}", err=True)
