"""Options shared by several commands."""

from __future__ import annotations

import datetime as dt

import click


RELATIVE_DAYS = {"today": 0, "yesterday": -1}
"""Dates a scheduled run names by the machine's local calendar (set TZ for another zone)."""


class DateParam(click.ParamType):
    name = "YYYY-MM-DD|today|yesterday"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        if str(value).strip().lower() in RELATIVE_DAYS:
            return dt.date.today() + dt.timedelta(days=RELATIVE_DAYS[str(value).strip().lower()])
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date like 2021-06-27, today or yesterday", param, ctx)


edition_file = click.argument("edition", nargs=-1, required=True, type=click.Path(path_type=str))
"""The edition file, or the page files of one edition in page order, or a folder holding them."""
date_option = click.option("--date", type=DateParam(),
                           help="Edition date: YYYY-MM-DD, today or yesterday (local time; default: the "
                                "YYYY-MM-DD in the file name).")
paper_option = click.option("--paper", help="Newspaper name (default: `paper` in the config file).")
engine_option = click.option(
    "--engine", metavar="NAME",
    help="Speech engine: auto, offline, edge, azure, kokoro or a plug-in's name (`audiobulletin voices`); "
         "default: `engine` in the config file, else auto.")
fallback_option = click.option(
    "--fallback", metavar="NAME",
    help="Engine that re-voices every article the engine fails, e.g. offline (default: `fallback` "
         "in the config file).")
