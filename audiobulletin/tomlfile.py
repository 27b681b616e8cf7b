"""Read a TOML file into a dict, turning syntax errors into ConfigError that name the file."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def read_toml(path: Path, what: str) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} not found", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what}: {exc}", where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {what}: {exc}", where=str(path)) from None


def line_of(path: Path, key: str, section: str | None = None) -> int | None:
    """The line number of `key = …` in a TOML file, at the top level or under `[section]`
    (tomllib reports no positions, so the file is scanned); None if not found."""
    import re

    wanted = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    current = None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        found = header.match(line)
        if found:
            current = found.group(1).strip().strip("\"'")
        elif current == section and wanted.match(line):
            return number
    return None


def located(path: Path, key: str, section: str | None = None) -> str:
    """`path:line` of a key, or just the path when the line cannot be found."""
    line = line_of(path, key, section)
    return f"{path}:{line}" if line else str(path)
