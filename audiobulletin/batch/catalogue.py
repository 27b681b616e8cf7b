"""The catalogue of titles a batch voices: `papers.toml`, one `[[paper]]` table per title.

    title = "山西报业有声版"            # heading of the feed directory (feeds.opml, feeds.html)
    directory = "feeds"                # where those two files go (default: this file's folder)

    [defaults]                         # settings every title shares (any audiobulletin.toml setting)
    engine = "offline"
    cache_dir = "/srv/shared/speech-cache"

    [[paper]]
    name = "太原日报"
    editions = "archive/{paper}/{date:%Y%m%d}/*.txt"     # or: command = "fetch-edition {paper} {date}"
    out = "feeds/taiyuan-daily"
    base_url = "https://audio.example.org/taiyuan-daily/"
    keep_episodes = 60

Paths are relative to the catalogue's folder. Every mistake is a ConfigError (exit 3) naming the
file and line; values the stages check later (a voice profile, a base URL) name their line too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..config import Settings, overlay, setting_names
from ..errors import ConfigError
from ..tomlfile import read_toml

TOP_KEYS = ("title", "directory", "defaults", "paper")
TITLE_KEYS = ("name", "editions", "command", "out")
"""A [[paper]] table's own keys; any setting may follow them."""
NOT_PER_TITLE = frozenset({"paper", "workers"})
"""Settings a catalogue never sets: `paper` is the title's `name`; `workers` belongs to the run."""
SAMPLE_DATE = dt.date(2021, 6, 27)


@dataclass(frozen=True)
class EditionSource:
    """Where a title's editions come from: a path pattern, or a command printing the edition."""

    pattern: str = ""
    """e.g. archive/{paper}/{date:%Y%m%d}/*.txt (glob wildcards allowed), relative to `base`."""
    command: tuple[str, ...] = ()
    """Program and arguments, each formatted like the pattern; it prints the edition."""
    base: Path = Path(".")
    """The catalogue's folder: patterns and commands are relative to it."""

    def formatted(self, text: str, paper: str, date: dt.date) -> str:
        return text.format(paper=paper, date=date)


@dataclass(frozen=True)
class Title:
    """One newspaper title of the catalogue."""

    name: str
    source: EditionSource
    out: Path
    """Its output folder (feed, one folder per date)."""
    settings: Settings
    """Everything else: the config file and environment, then [defaults], then its own table."""
    where: str
    """File and line of its [[paper]] table, for messages."""


@dataclass(frozen=True)
class Catalogue:
    path: Path
    titles: tuple[Title, ...]
    heading: str
    """The feed directory's title."""
    directory: Path
    """Folder of the feed directory (feeds.opml and feeds.html)."""

    def select(self, names: list[str] | None) -> tuple[Title, ...]:
        """The titles named (all when None), in catalogue order; ConfigError for an unknown name."""
        if not names:
            return self.titles
        known = {t.name: t for t in self.titles}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(f"no title {', '.join(unknown)} in the catalogue", where=str(self.path),
                              hint=f"titles: {', '.join(known)}")
        return tuple(t for t in self.titles if t.name in names)


def load_catalogue(path: Path, base: Settings) -> Catalogue:
    """Read and check `path`; each title's settings start from `base` (config file, environment)."""
    path = Path(path)
    data = read_toml(path, "catalogue")
    lines = key_lines(path.read_text(encoding="utf-8"))
    folder = path.resolve().parent

    def at(table: Any, key: str | None = None) -> str:
        line = lines.get((table, key)) or lines.get((table, None))
        return f"{path}:{line}" if line else str(path)

    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(f"unknown key {key!r}", where=at("", key),
                              hint=f"the catalogue's keys: {', '.join(TOP_KEYS)}; settings go under [defaults]")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError("defaults must be a table: [defaults]", where=at("", "defaults"))
    _check_settings(defaults, lambda key: at("defaults", key), "[defaults]")
    shared = overlay(base, defaults, origin={k: at("defaults", k) for k in defaults}, base=folder)
    papers = data.get("paper", [])
    if not isinstance(papers, list) or not all(isinstance(p, dict) for p in papers):
        raise ConfigError("each title is a [[paper]] table (double brackets)", where=at("", "paper"))
    if not papers:
        raise ConfigError("no title: add a [[paper]] table per newspaper", where=str(path))
    titles = [_title(number, table, shared, folder, lambda key, n=number: at(("paper", n), key))
              for number, table in enumerate(papers)]
    _check_unique(titles)
    heading = data.get("title", "报纸有声版")
    directory = data.get("directory", ".")
    for key, value in (("title", heading), ("directory", directory)):
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a string", where=at("", key))
    return Catalogue(path, tuple(titles), heading, folder / directory)


def _check_settings(table: Mapping[str, Any], at, what: str) -> None:
    allowed = setting_names() - NOT_PER_TITLE
    for key in table:
        if key not in allowed and (what == "[defaults]" or key not in TITLE_KEYS):
            extra = f"{', '.join(TITLE_KEYS)}, " if what != "[defaults]" else ""
            hint = ("the title's name is `name`" if key == "paper" else
                    "workers is the run's: `audiobulletin batch --workers`" if key == "workers" else
                    f"keys: {extra}or any setting (README: Configuration)")
            raise ConfigError(f"unknown key {key!r} in {what}", where=at(key), hint=hint)


def _title(number: int, table: dict, shared: Settings, folder: Path, at) -> Title:
    name = table.get("name")
    label = f"[[paper]] #{number + 1}"
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label} has no name", where=at("name" if "name" in table else None),
                          hint='give every title its newspaper\'s name: name = "太原日报"')
    label = f"[[paper]] {name}"
    _check_settings(table, at, label)
    if ("editions" in table) == ("command" in table):
        raise ConfigError(f"{label} needs one of editions (a path pattern) or command", where=at(None),
                          hint='e.g. editions = "archive/{paper}/{date:%Y%m%d}/*.txt"')
    if not isinstance(table.get("out"), str) or not table["out"].strip():
        raise ConfigError(f"{label} has no output folder", where=at("out" if "out" in table else None),
                          hint='e.g. out = "feeds/taiyuan-daily"')
    source = _source(table, name, folder, at)
    own = {k: v for k, v in table.items() if k not in TITLE_KEYS}
    settings = overlay(shared, {**own, "paper": name}, origin={**{k: at(k) for k in own}, "paper": at("name")},
                       base=folder)
    return Title(name, source, Path(os.path.normpath(folder / table["out"])), settings, at(None))


def _source(table: dict, name: str, folder: Path, at) -> EditionSource:
    key = "editions" if "editions" in table else "command"
    raw = table[key]
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{key} must be a non-empty string", where=at(key))
    try:
        parts = shlex.split(raw) if key == "command" else [raw]
    except ValueError as exc:
        raise ConfigError(f"command cannot be split into arguments: {exc}", where=at(key)) from None
    for part in parts:
        try:
            part.format(paper=name, date=SAMPLE_DATE)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"{key} has a placeholder other than {{paper}} and {{date:FORMAT}}: {exc}",
                              where=at(key), hint="e.g. {date:%Y%m%d}, {date:%Y/%m/%d}, {date} (2021-06-27)") from None
    if key == "editions":
        return EditionSource(pattern=raw, base=folder)
    return EditionSource(command=tuple(parts), base=folder)


def _check_unique(titles: list[Title]) -> None:
    seen: dict[str, Title] = {}
    folders: dict[Path, Title] = {}
    for title in titles:
        if title.name in seen:
            raise ConfigError(f"title {title.name} appears twice (first at {seen[title.name].where})",
                              where=title.where)
        seen[title.name] = title
        here = title.out.resolve()
        for folder, other in folders.items():
            if here == folder or folder in here.parents or here in folder.parents:
                raise ConfigError(f"{title.name} and {other.name} share the output folder {other.out}"
                                  if here == folder else
                                  f"{title.name}'s output folder {title.out} and {other.name}'s {other.out} "
                                  "are one inside the other", where=title.where,
                                  hint="give every title its own output folder: their feeds and manifests "
                                       "would overwrite each other")
        folders[here] = title


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|=)""")


def key_lines(text: str) -> dict[tuple[Any, str | None], int]:
    """Where things are in a TOML file, for messages: (table, key) -> line number, and
    (table, None) -> the line of the table's header. `table` is "" for the top level, the table's
    name, or ("paper", n) for the n-th [[paper]] (from 0). Lines inside multi-line strings are
    skipped; a key on a line is its first (dotted keys: the first part)."""
    found: dict[tuple[Any, str | None], int] = {}
    table: Any = ""
    arrays: dict[str, int] = {}
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip().strip('"')
            if header.group(1) == "[[":
                table = (name, arrays.get(name, 0))
                arrays[name] = arrays.get(name, 0) + 1
            else:
                table = name
            found.setdefault((table, None), number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((table, key.group(1).strip("\"'")), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                in_string = quote
                break
    return found
