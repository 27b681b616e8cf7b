"""Editing the lexicon file as text, so its comments and order survive an edit from the review page.

`with_entry(text, entry)` replaces the line of an entry with the same key (keeping its comment) or
adds the entry at the end of its section; `save` writes the file atomically after keeping the
previous version beside it (`lexicon.toml.bak`).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import atomic_path
from ..errors import ConfigError
from ..script.reading.lexicon import SECTIONS, Entry, entry_lines, header_line

BACKUP_SUFFIX = ".bak"


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def entry_line(entry: Entry) -> str:
    """`"written" = "reading"`, or an inline table for a scoped entry or one with an example."""
    if entry.scope == "anywhere" and not entry.example:
        return f"{toml_string(entry.written)} = {toml_string(entry.say)}"
    fields = [f"{SECTIONS[entry.section]} = {toml_string(entry.say)}"]
    if entry.scope != "anywhere":
        fields.append(f"scope = {toml_string(entry.scope)}")
    if entry.example:
        fields.append(f"example = {toml_string(entry.example)}")
    return f"{toml_string(entry.written)} = {{ {', '.join(fields)} }}"


def _comment(line: str) -> str:
    """The trailing `# comment` of a TOML line (a # inside a string is not one)."""
    quote, escaped = "", False
    for at, char in enumerate(line):
        if quote:
            if quote == '"' and char == "\\" and not escaped:
                escaped = True
                continue
            if char == quote and not escaped:
                quote = ""
            escaped = False
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[at:]
    return ""


def with_entry(text: str, entry: Entry) -> tuple[str, int]:
    """The lexicon text with `entry` written in, and the line it is on."""
    lines = text.splitlines()
    new = entry_line(entry)
    at = entry_lines(text).get(entry.key)
    if at:
        comment = _comment(lines[at - 1])
        lines[at - 1] = f"{new}   {comment}" if comment else new
        return "\n".join(lines) + "\n", at
    header = header_line(text, entry.section)
    if not header:
        lines += ([""] if lines and lines[-1].strip() else []) + [f"[{entry.section}]", new]
        return "\n".join(lines) + "\n", len(lines)
    end = header  # after the section's last non-blank line, before the next header
    for number in range(header + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            break
        if stripped:
            end = number
    lines.insert(end, new)
    return "\n".join(lines) + "\n", end + 1


def save(path: Path, text: str) -> Path | None:
    """Write `text` to `path` atomically, first keeping the previous file as `<name>.bak`.
    Returns the backup's path (None when there was no previous file)."""
    path = Path(path)
    backup = None
    try:
        previous = path.read_bytes()
    except FileNotFoundError:
        previous = None
    except OSError as exc:
        raise ConfigError(f"cannot read the lexicon: {exc.strerror or exc}", where=str(path)) from None
    if previous is not None:
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        with atomic_path(backup, error=ConfigError) as tmp:
            tmp.write_bytes(previous)
    with atomic_path(path, error=ConfigError) as tmp:
        tmp.write_bytes(text.encode("utf-8"))
    return backup
