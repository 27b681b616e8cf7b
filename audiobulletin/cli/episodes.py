"""`audiobulletin episodes check|recover`: the published record (episodes.json) of an output folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import PublishError
from ..publish import check_output, output_lock, recover, save_recovered
from . import pass_app

_OUT = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
                    show_default=True, help="The output folder of `generate`.")


@click.group("episodes")
def command():
    """The published episodes of an output folder: check them, rebuild their manifest.

    \b
    Example:
      audiobulletin episodes check --out output/
      audiobulletin episodes recover --out output/
    """


@command.command("check")
@_OUT
def check(out_dir):
    """Compare episodes.json, the feeds and the files, as `generate` does before any speech.

    Exit 0 when they agree (or only an interrupted run's leftovers need tidying, which the next
    `generate` does), 6 when history is at risk.

    \b
    Example:
      audiobulletin episodes check --out output/
    """
    _require_folder(out_dir)
    with output_lock(out_dir):
        audit = check_output(out_dir)
    for problem in audit.problems[1:]:  # the first is the error line below
        click.echo(f"problem: {problem.where}: {problem.message}", err=True)
    for line in audit.repairs():
        click.echo(f"to repair (the next generate does it): {line}")
    live = [r for r in audit.records.values() if not r.removed]
    click.echo(f"{len(audit.records)} episodes on record, {len(live)} with their files; "
               + ("problems found" if audit.problems else "manifest, feeds and files agree"
                  if audit.clean else "leftovers of an interrupted run"))
    audit.raise_problems()


@command.command("recover")
@_OUT
@pass_app
def recover_command(app, out_dir):
    """Rebuild episodes.json from the date folders, the feeds and episodes.json.1.

    Every episode keeps its GUID and number (what podcast apps know it by); the manifest it
    replaces is kept as episodes.json.damaged. Run it when `generate` stops with exit 6 because
    the manifest is missing, emptied or damaged.

    \b
    Example:
      audiobulletin episodes recover --out output/
    """
    _require_folder(out_dir)
    paper = app.settings().paper
    with output_lock(out_dir):
        recovered = recover(out_dir, paper=paper)
        if not recovered.records:
            raise PublishError("found no published episode to recover", where=str(out_dir),
                               hint="give the output folder of `generate` with --out")
        aside = save_recovered(out_dir, recovered)
        audit = check_output(out_dir)
    for line in recovered.skipped:
        click.echo(f"note: skipped {line}", err=True)
    for date, record in recovered.records.items():
        state = "removed" if record.removed else record.audio
        click.echo(f"  #{record.number:<4} {date}  {record.guid}  {state}  (from {recovered.sources[date]})")
    click.echo(f"recovered {len(recovered.records)} episodes into {out_dir / 'episodes.json'}"
               + (f"; the previous file is kept as {aside}" if aside else ""))
    for problem in audit.problems[1:]:
        click.echo(f"problem: {problem.where}: {problem.message}", err=True)
    audit.raise_problems()


def _require_folder(out_dir: Path) -> None:
    if not out_dir.is_dir():
        raise PublishError("is not an output folder", where=str(out_dir), hint="give --out the folder `generate` wrote")
