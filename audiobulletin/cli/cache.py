"""`audiobulletin cache info|verify|prune`: the speech cache (every engine's spoken segments)."""

from __future__ import annotations

import datetime as dt
import re

import click

from ..errors import SpeechError
from ..speech.cache import SpeechCache, default_cache_dir
from . import pass_app

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class AgeParam(click.ParamType):
    name = "AGE"

    def convert(self, value, param, ctx):
        match = re.fullmatch(r"(\d+)\s*([smhdw])", str(value).strip().lower())
        if not match:
            self.fail(f"{value!r} is not an age like 30d, 12h or 2w", param, ctx)
        return int(match[1]) * _UNITS[match[2]]


def human_size(n: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _cache(app) -> SpeechCache:
    return SpeechCache(app.settings().cache_dir or default_cache_dir())


@click.group("cache")
def command():
    """Inspect or prune the speech cache (set its folder with cache_dir or $AUDIOBULLETIN_CACHE_DIR).

    \b
    Example:
      audiobulletin cache info
      audiobulletin cache verify --repair
      audiobulletin cache prune --older-than 30d
    """


@command.command("info")
@pass_app
def info(app):
    """Show the cache folder, its entries, size and audio per engine.

    \b
    Example:
      audiobulletin cache info
    """
    cache = _cache(app)
    stats = cache.info()
    click.echo(f"folder: {stats.root}")
    click.echo(f"entries: {stats.entries} ({human_size(stats.bytes)}, {stats.seconds / 60:.1f} min of audio)")
    if stats.by_engine:
        click.echo("by engine: " + ", ".join(f"{name} {n}" for name, n in sorted(stats.by_engine.items())))
    if stats.oldest is not None:
        click.echo(f"least recently used: {dt.datetime.fromtimestamp(stats.oldest):%Y-%m-%d %H:%M}")
    if stats.partial:
        click.echo(f"partial files from interrupted runs: {stats.partial} (prune removes them)")
    if stats.unusable:
        click.echo(f"damaged or outdated entries: {stats.unusable} (cache verify --repair removes them)")


@command.command("verify")
@click.option("--repair", is_flag=True, help="Remove the damaged entries (runs speak them again) and stale temp files.")
@pass_app
def verify(app, repair):
    """Check every entry: header, sample rate and width, length, checksum of header and audio.

    Exits 4 if damaged entries remain (without --repair); a run would discard them anyway.

    \b
    Example:
      audiobulletin cache verify
      audiobulletin cache verify --repair
    """
    cache = _cache(app)
    result = cache.verify(repair=repair)
    for entry in result.damaged:
        click.echo(f"{'removed' if repair else 'damaged'}: {entry.one_line()}")
    stale = (f", {result.stale_temp} temp file(s) of dead runs{' removed' if repair else ''}"
             if result.stale_temp else "")
    click.echo(f"checked {result.checked} entries in {cache.root}: {len(result.damaged)} damaged"
               f"{' and removed' if repair and result.damaged else ''}{stale}")
    if result.damaged and not repair:
        raise SpeechError(f"{len(result.damaged)} damaged speech cache entries", where=str(cache.root),
                          hint="run `audiobulletin cache verify --repair` to remove them")


@command.command("prune")
@click.option("--older-than", "age", type=AgeParam(), required=True,
              help="Remove entries not used for this long: 30d, 12h, 2w, ...")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask before emptying the whole cache.")
@pass_app
def prune(app, age, dry_run, yes):
    """Remove entries that no run has used for a while. Emptying the whole cache (every entry is
    older than AGE, e.g. --older-than 0d) asks first: the next run speaks everything again.

    \b
    Example:
      audiobulletin cache prune --older-than 30d --dry-run
      audiobulletin cache prune --older-than 30d
    """
    cache = _cache(app)
    planned = cache.prune(age, dry_run=True)
    if dry_run:
        click.echo(f"would remove {planned.removed} entries, freeing {human_size(planned.freed_bytes)}; "
                   f"{planned.kept} stay")
        return
    if planned.removed and not planned.kept and not yes:
        click.confirm(f"remove all {planned.removed} entries ({human_size(planned.freed_bytes)}) from {cache.root}? "
                      "The next run speaks everything again", abort=True, err=True)
    result = cache.prune(age)
    click.echo(f"removed {result.removed} entries, freed {human_size(result.freed_bytes)}")
