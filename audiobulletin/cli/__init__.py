"""Command line: parse options, call the library, show progress, map errors to exit codes.

Exit codes: 0 ok, 1 unexpected error, 2 usage or input error, 3 configuration, 4 speech,
5 audio (assembly/mastering), 6 publishing, 7 output folder locked by another run, 8 `doctor`
found that the configured engine cannot run, 9 no edition for the date in the drop folder yet,
10 `batch`: some editions failed, 11 `batch`: none published, 12 the Dask cluster cannot be used,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..config import Settings, load_settings
from ..errors import AudioBulletinError
from ..interrupt import Terminated, exit_code, raise_on_sigterm

# Each command lives in its own module exposing `command`; listed here in help order.
COMMAND_MODULES = ("generate", "batch", "parse", "script", "review", "serve", "say", "voices", "cache", "episodes",
                   "doctor")


@dataclass
class App:
    """ctx.obj: the global options, and settings built on demand with a command's flags."""

    config: Path | None = None
    traceback: bool = False

    def settings(self, **flags) -> Settings:
        return load_settings(self.config, **flags)


pass_app = click.make_pass_decorator(App)


class CommandFailed(click.ClickException):
    """An AudioBulletinError shown as one line with its documented exit code."""

    def __init__(self, error: AudioBulletinError):
        super().__init__(error.one_line())
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it from the instance

    def show(self, file=None):
        click.echo(f"audiobulletin: error: {self.message}", err=True)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AudioBulletinError as exc:
            if isinstance(ctx.obj, App) and ctx.obj.traceback:
                raise
            raise CommandFailed(exc) from None
        except KeyboardInterrupt as stop:  # click would call it "Aborted!" and exit 1
            _say_stopped(stop)
            raise Stopped(exit_code(stop)) from None


class Stopped(SystemExit):
    """The command was interrupted (Ctrl-C, SIGTERM), has cleaned up and said so: exit with `status`."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def _say_stopped(stop: KeyboardInterrupt) -> None:
    what = "terminated (SIGTERM)" if isinstance(stop, Terminated) else "interrupted"
    click.echo(f"audiobulletin: {what}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file (default: $AUDIOBULLETIN_CONFIG, else ./audiobulletin.toml, else "
                   "audiobulletin.toml in the user config folder).")
@click.option("--traceback", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(package_name="audiobulletin")
@click.pass_context
def cli(ctx, config, traceback):
    """Turn a Chinese daily newspaper edition into a podcast episode.

    \b
    Example:
      audiobulletin generate examples/taiyuan-daily-2021-06-27.txt --date 2021-06-27 --out output/
    """
    ctx.obj = App(config=config, traceback=traceback)


for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(f"{__name__}.{_name}").command)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    raise_on_sigterm()
    try:
        cli.main(args=args, prog_name="audiobulletin", standalone_mode=True)
    except Stopped as stopped:
        # Every `finally` has run (workers killed, staged folders removed). Skip the interpreter's
        # teardown: with scipy and the pinyin dictionaries loaded it takes a second or more.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(stopped.status)
    except KeyboardInterrupt as stop:  # before or after a command ran
        _say_stopped(stop)
        sys.exit(exit_code(stop))
    except Exception as exc:  # a bug: one line unless asked for the trace
        if "--traceback" in args:
            raise
        click.echo(f"audiobulletin: internal error: {type(exc).__name__}: {exc} "
                   "(rerun with --traceback and report it)", err=True)
        sys.exit(1)
