"""`audiobulletin episodes list|show|withdraw|rebuild|check|recover`: the published episodes of an
output folder, from its record (episodes.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote

import click

from ..clock import player_time, to_ms
from ..errors import InputError, PublishError
from ..pipeline import publish_options
from ..publish import check_output, output_lock, recover, save_recovered
from ..publish.manage import rebuild, withdraw
from ..publish.manifest import BEIJING, EpisodeRecord, in_feed
from ..publish.manifest_file import load
from . import pass_app
from .options import DateParam

_OUT = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
                    show_default=True, help="The output folder of `generate`.")


@click.group("episodes")
def command():
    """The published episodes of an output folder: list and show them, withdraw one, rebuild the
    feeds, check the record, recover it.

    \b
    Example:
      audiobulletin episodes list --out output/
      audiobulletin episodes withdraw 2021-06-27 --out output/
      audiobulletin episodes rebuild --out output/ --base-url https://media.example.com/pod/
    """


def _records(out_dir: Path) -> dict[str, EpisodeRecord]:
    _require_folder(out_dir)
    loaded = load(out_dir)  # a damaged manifest is a PublishError naming the field (exit 6)
    if loaded is None:
        raise InputError("holds no episodes.json: nothing published here yet", where=str(out_dir),
                         hint="give --out the folder `generate` wrote")
    return loaded[0]


def state_of(record: EpisodeRecord, shown: set[str]) -> str:
    """in feed, archived (beyond keep_episodes, files kept), withdrawn, removed (files deleted)."""
    if record.withdrawn:
        return f"withdrawn {_local(record.withdrawn)}"
    if record.removed:
        return "removed"
    return "in feed" if record.date in shown else "archived"


def _local(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@command.command("list")
@_OUT
@click.option("--json", "as_json", is_flag=True, help="One JSON object per episode, newest first.")
@pass_app
def list_command(app, out_dir, as_json):
    """Every episode on record, newest first: date, number, duration, voices, corrections, state.

    A number is "-" for a backfilled date (published after a later one: numbers follow the date).

    \b
    Example:
      audiobulletin episodes list --out output/
    """
    records = _records(out_dir)
    shown = {r.date for r in in_feed(records, app.settings().keep_episodes)}
    ordered = sorted(records.values(), key=lambda r: r.date, reverse=True)
    if as_json:
        for r in ordered:
            click.echo(json.dumps({"date": r.date, "number": r.number or None, "duration_seconds": r.duration,
                                   "voices": list(r.engines), "corrections": len(r.corrections),
                                   "state": state_of(r, shown).split(" ")[0], "guid": r.guid,
                                   "audio": r.audio}, ensure_ascii=False))
        return
    click.echo(f"{'date':<10}  {'no.':>4}  {'length':>7}  {'voices':<16}  {'fixes':>5}  state")
    for r in ordered:
        click.echo(f"{r.date:<10}  {r.number or '-':>4}  {player_time(to_ms(r.duration)):>7}  "
                   f"{'+'.join(r.engines) or '-':<16}  {len(r.corrections):>5}  {state_of(r, shown)}")


@command.command("show")
@click.argument("date", type=DateParam())
@_OUT
@pass_app
def show(app, date, out_dir):
    """Everything on record for one date, with its public URLs.

    \b
    Example:
      audiobulletin episodes show 2021-06-27 --out output/
    """
    records = _records(out_dir)
    record = records.get(date.isoformat())
    if record is None:
        raise InputError(f"no episode for {date.isoformat()} on record", where=str(out_dir),
                         hint="`audiobulletin episodes list` shows the dates")
    settings = app.settings()
    base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
    shown = {r.date for r in in_feed(records, settings.keep_episodes)}
    lines = [f"{record.date}  episode {record.number or '- (a backfill: unnumbered)'}  {state_of(record, shown)}",
             f"  title       {record.title}",
             f"  guid        {record.guid}",
             f"  audio       {base}{quote(record.audio)}",
             f"              {record.audio_bytes} bytes, {player_time(to_ms(record.duration))}",
             f"  published   {record.published}",
             f"  updated     {record.updated or '-'}",
             f"  voices      {', '.join(record.engines) or '-'}"]
    lines.append("  articles")
    cuts = {c.number: c for c in record.radio}
    for number, headline in enumerate(record.headlines, 1):
        cut = cuts.get(number)
        fixed = f"  (corrected {_local(cut.updated)})" if cut and cut.updated else ""
        lines.append(f"    {number:>2}  {headline}{fixed}")
        if cut:
            lines.append(f"        {base}{quote(cut.file)}")
    if 0 in cuts:
        lines.append(f"  bulletin    {base}{quote(cuts[0].file)}")
    if record.corrections:
        lines.append("  corrections")
        lines += [f"    {c.note or _local(c.at)}" for c in record.corrections]
    lines.append("  notes")
    lines += [f"    {line}" for line in record.description.splitlines()]
    for line in lines:
        click.echo(line)


@command.command("withdraw")
@click.argument("date", type=DateParam())
@_OUT
@click.option("--undo", is_flag=True, help="List a withdrawn date again (its files must still be there).")
@pass_app
def withdraw_command(app, date, out_dir, undo):
    """Take one date out of both feeds and the index of editions.

    Its GUID and number stay reserved and no other episode changes; its files are kept under
    archive_policy = "keep" (old links still work) and deleted under "remove". `generate` will
    not publish a withdrawn date again (exit 9) until `withdraw --undo`.

    \b
    Example:
      audiobulletin episodes withdraw 2021-06-27 --out output/
      audiobulletin episodes withdraw 2021-06-27 --undo --out output/
    """
    _require_folder(out_dir)
    options = publish_options(app.settings())
    with output_lock(out_dir):
        changed = withdraw(out_dir, date.isoformat(), options, undo=undo)
    for line in changed.repairs:
        click.echo(f"repaired: {line}", err=True)
    record = changed.record
    assert record is not None
    if not changed.files:
        click.echo(f"{record.date} is already {'withdrawn' if record.withdrawn else 'in the feeds'}: nothing to do")
        return
    what = "listed again" if undo else "withdrawn" + (" and its files removed" if record.removed else
                                                      " (its files are kept)")
    click.echo(f"{record.date} (episode {record.number or '-'}) {what}; rewrote {', '.join(changed.files)}")


@command.command("rebuild")
@_OUT
@click.option("--base-url", help="Public URL of the output folder (else `base_url` from the settings).")
@pass_app
def rebuild_command(app, out_dir, base_url):
    """Rewrite feed.xml, radio.xml, the artwork and index.html from episodes.json, with the current
    settings (a new base_url, artwork, titles, keep_episodes); nothing is voiced, no episode's
    files change.

    \b
    Example:
      audiobulletin episodes rebuild --out output/ --base-url https://media.example.com/pod/
    """
    _require_folder(out_dir)
    options = publish_options(app.settings(base_url=base_url))
    with output_lock(out_dir):
        changed = rebuild(out_dir, options)
    for line in changed.repairs:
        click.echo(f"repaired: {line}", err=True)
    click.echo(f"rewrote {', '.join(changed.files)}" if changed.files else "feeds and index already up to date")


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
    for line in audit.warnings():
        click.echo(f"warning: {line}", err=True)
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
