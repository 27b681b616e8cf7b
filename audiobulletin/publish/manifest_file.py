"""`episodes.json` on disk: checked field by field, checksummed, the previous generation kept.

    {"version": 2, "podcast_guid": "…", "episodes": [{…}, …], "checksum": "sha256:…"}

The checksum covers everything else (in a canonical form, so reformatting the file by hand does
not break it, but changing a value does). Each save first copies the file it replaces to
`episodes.json.1`. Any damage — unreadable JSON, a wrong checksum, a field of the wrong type, a
date or number twice — is a PublishError naming the file and the field, with the recovery command;
a damaged record is never guessed at or skipped.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import math
import os
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from ..atomic import atomic_path, scratch_path, write_atomic
from ..errors import PublishError
from .manifest import Correction, EpisodeRecord, RadioCut, SectionEpisode

MANIFEST = "episodes.json"
PREVIOUS = MANIFEST + ".1"
"""The generation before the last save."""
FORMAT_VERSION = 2
RECOVER_COMMAND = "audiobulletin episodes recover --out {out}"


def recover_hint(out_dir: Path) -> str:
    return (f"run `{RECOVER_COMMAND.format(out=out_dir)}` to rebuild it from the date folders and the "
            f"feeds (it keeps every GUID and number; see README: Recovery)")


class ManifestDamaged(PublishError):
    """The manifest cannot be trusted: generate stops before any speech (exit 6)."""


def _damaged(path: Path, message: str) -> ManifestDamaged:
    return ManifestDamaged(message, where=str(path), hint=recover_hint(path.parent))


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def checksum(body: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def read_raw(path: Path) -> dict[str, Any] | None:
    """The checked top level of a manifest file (None if there is none), its checksum set aside
    under "checksum" for `load` to verify once every field has been checked (a field that is
    wrong is named rather than reported as a checksum mismatch)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _damaged(path, f"the episode manifest cannot be read ({exc})") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise _damaged(path, f"the episode manifest is not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise _damaged(path, "the episode manifest must be a JSON object")
    raw.setdefault("version", 1)  # the first files had no checksum; a hand-written one may lack both
    if raw["version"] not in (1, FORMAT_VERSION):
        raise _damaged(path, f"version: unknown manifest version {raw.get('version')!r}")
    if "podcast_guid" in raw and not _is_uuid(raw["podcast_guid"]):
        raise _damaged(path, f"podcast_guid: must be a UUID, got {raw['podcast_guid']!r}")
    if not isinstance(raw.get("episodes"), list):
        raise _damaged(path, "episodes: must be a list")
    return raw


def records_of(raw: dict[str, Any], path: Path) -> dict[str, EpisodeRecord]:
    """Every record, checked; a damaged one names its place (episodes[3].number)."""
    records: dict[str, EpisodeRecord] = {}
    numbers: dict[int, str] = {}
    guids: dict[str, str] = {}
    for n, entry in enumerate(raw["episodes"]):
        try:
            record = record_from_json(entry)
        except ValueError as exc:
            raise _damaged(path, f"episodes[{n}].{exc}") from None
        for seen, key, what in ((records, record.date, "date"), (numbers, record.number or None, "number"),
                                (guids, record.guid, "guid")):
            if key is not None and key in seen:
                raise _damaged(path, f"episodes[{n}].{what}: {key} is also used by another episode")
        records[record.date], numbers[record.number], guids[record.guid] = record, record.date, record.date
    return records


def load(out_dir: Path) -> tuple[dict[str, EpisodeRecord], str | None] | None:
    """(records by date, podcast:guid) from `out_dir`'s manifest; None if there is none."""
    path = Path(out_dir) / MANIFEST
    raw = read_raw(path)
    if raw is None:
        return None
    records = records_of(raw, path)
    stored = raw.pop("checksum", None)
    if raw["version"] >= 2 and stored != checksum(raw):
        raise _damaged(path, "checksum: the episode manifest does not match its checksum (changed or damaged)")
    return records, raw.get("podcast_guid")


def manifest_bytes(records: dict[str, EpisodeRecord], podcast_guid: str | None = None) -> bytes:
    episodes = [record_to_json(r) for r in sorted(records.values(), key=lambda r: r.date)]
    body: dict[str, Any] = {"version": FORMAT_VERSION, **({"podcast_guid": podcast_guid} if podcast_guid else {}),
                            "episodes": episodes}
    return json.dumps({**body, "checksum": checksum(body)}, ensure_ascii=False, indent=2).encode() + b"\n"


def save(out_dir: Path, records: dict[str, EpisodeRecord], podcast_guid: str | None = None,
         before_write: Callable[[Path], None] = lambda target: None) -> bool:
    """Replace the manifest, keeping the one it replaces as episodes.json.1; False if it already
    held exactly this. The new file is written in full first, so a full disk leaves both as they
    were; then the old one becomes .1 (a hard link: no space needed) and the new one is renamed
    over it. `before_write(target)` is called before each of the two steps."""
    out_dir = Path(out_dir)
    target, previous = out_dir / MANIFEST, out_dir / PREVIOUS
    data = manifest_bytes(records, podcast_guid)
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise PublishError(f"cannot read {MANIFEST}: {exc.strerror}", where=str(out_dir)) from None
    if current == data:
        return False
    before_write(target)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
        if current is not None:
            before_write(previous)
            _keep_previous(target, previous)
    return True


def _keep_previous(target: Path, previous: Path) -> None:
    link = scratch_path(previous, "link")
    try:
        link.unlink()
        os.link(target, link)
        os.replace(link, previous)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        write_atomic(previous, target.read_bytes())  # a file system without hard links
    finally:
        link.unlink(missing_ok=True)


def record_to_json(record: EpisodeRecord) -> dict[str, Any]:
    """The record as stored; fields still at their default (no correction, not withdrawn) are
    left out, so a manifest written before they existed reads back the same."""
    raw = {**asdict(record), "headlines": list(record.headlines), "engines": list(record.engines),
           "radio": [_without_defaults(asdict(c), _CUT_DEFAULTS) for c in record.radio],
           "corrections": [{**asdict(c), "articles": list(c.articles)} for c in record.corrections],
           "sections": [asdict(s) for s in record.sections]}
    return _without_defaults(raw, _RECORD_DEFAULTS)


def _without_defaults(raw: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in defaults or v != defaults[k]}


_RECORD_DEFAULTS: dict[str, Any] = {"updated": "", "corrections": [], "withdrawn": "", "sections": []}
_CUT_DEFAULTS: dict[str, Any] = {"updated": ""}
_RECORD_FIELDS = {"date", "guid", "number", "title", "description", "audio", "audio_bytes", "duration",
                  "published", "headlines", "engines", "radio", "removed", *_RECORD_DEFAULTS}
_OPTIONAL = {"headlines", "engines", "radio", "removed", *_RECORD_DEFAULTS}
_CUT_FIELDS = {"number", "title", "file", "bytes", "duration", "updated"}
_CORRECTION_FIELDS = {"at", "articles", "note"}
_SECTION_FIELDS = {"number", "title", "description", "file", "bytes", "duration", "transcript", "chapters"}


def record_from_json(entry: Any) -> EpisodeRecord:
    """One record, every field checked; ValueError("field: what is wrong") otherwise."""
    fields = _object(entry, "", _RECORD_FIELDS, _RECORD_FIELDS - _OPTIONAL)
    date = _text(fields, "date")
    try:
        if dt.date.fromisoformat(date).isoformat() != date:
            raise ValueError
    except ValueError:
        raise ValueError(f"date: must be a date like 2021-06-27, got {date!r}") from None
    if not _is_uuid(fields["guid"]):
        raise ValueError(f"guid: must be a UUID, got {fields['guid']!r}")
    published = _text(fields, "published")
    try:
        if dt.datetime.fromisoformat(published).tzinfo is None:
            raise ValueError
    except ValueError:
        raise ValueError(f"published: must be a time with its offset like 2021-06-27T06:00:00+08:00, "
                         f"got {published!r}") from None
    radio = fields.get("radio", [])
    if not isinstance(radio, list):
        raise ValueError(f"radio: must be a list, got {radio!r}")
    cuts = []
    for k, raw_cut in enumerate(radio):
        try:
            cut = _object(raw_cut, "", _CUT_FIELDS, _CUT_FIELDS - set(_CUT_DEFAULTS))
            cuts.append(RadioCut(number=_whole(cut, "number"), title=_text(cut, "title"),
                                 file=_published_path(cut, "file", date), bytes=_whole(cut, "bytes"),
                                 duration=_seconds(cut, "duration"), updated=_time(cut, "updated", optional=True)))
        except ValueError as exc:
            raise ValueError(f"radio[{k}].{exc}") from None
    sections = fields.get("sections", [])
    if not isinstance(sections, list):
        raise ValueError(f"sections: must be a list, got {sections!r}"[:200])
    parts = []
    for k, raw_section in enumerate(sections):
        try:
            section = _object(raw_section, "", _SECTION_FIELDS, _SECTION_FIELDS)
            parts.append(SectionEpisode(
                number=_whole(section, "number"), title=_text(section, "title"),
                description=_text(section, "description"), file=_published_path(section, "file", date),
                bytes=_whole(section, "bytes"), duration=_seconds(section, "duration"),
                transcript=_published_path(section, "transcript", date),
                chapters=_published_path(section, "chapters", date)))
        except ValueError as exc:
            raise ValueError(f"sections[{k}].{exc}") from None
    removed = fields.get("removed", False)
    if not isinstance(removed, bool):
        raise ValueError(f"removed: must be true or false, got {removed!r}")
    number = _whole(fields, "number")  # 0: an unnumbered backfill (manifest.py)
    corrections = fields.get("corrections", [])
    if not isinstance(corrections, list):
        raise ValueError(f"corrections: must be a list, got {corrections!r}"[:200])
    fixes = []
    for k, raw_fix in enumerate(corrections):
        try:
            fix = _object(raw_fix, "", _CORRECTION_FIELDS, {"at"})
            articles = fix.get("articles", [])
            if not isinstance(articles, list) or not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1
                                                         for a in articles):
                raise ValueError(f"articles: must be a list of article numbers, got {articles!r}"[:200])
            fixes.append(Correction(at=_time(fix, "at"), articles=tuple(articles), note=_text(fix, "note")
                                    if "note" in fix else ""))
        except ValueError as exc:
            raise ValueError(f"corrections[{k}].{exc}") from None
    return EpisodeRecord(
        date=date, guid=str(fields["guid"]), number=number, title=_text(fields, "title"),
        description=_text(fields, "description"), audio=_published_path(fields, "audio", date),
        audio_bytes=_whole(fields, "audio_bytes"), duration=_seconds(fields, "duration"), published=published,
        headlines=_texts(fields, "headlines"), engines=_texts(fields, "engines"), radio=tuple(cuts),
        sections=tuple(parts), removed=removed, updated=_time(fields, "updated", optional=True),
        corrections=tuple(fixes),
        withdrawn=_time(fields, "withdrawn", optional=True))


def _object(value: Any, at: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{at or 'entry'}: must be an object, got {value!r}"[:200])
    missing, unknown = required - set(value), set(value) - allowed
    if missing:
        raise ValueError(f"{sorted(missing)[0]}: missing")
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: unknown field")
    return value


def _time(fields: dict[str, Any], name: str, optional: bool = False) -> str:
    """An RFC 3339 time with its offset ("" allowed for an optional field)."""
    value = fields.get(name, "") if optional else _text(fields, name)
    if optional and value == "":
        return ""
    try:
        if not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is None:
            raise ValueError
    except ValueError:
        raise ValueError(f"{name}: must be a time with its offset like 2021-06-27T06:00:00+08:00, "
                         f"got {value!r}") from None
    return value


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields[name]
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be a string, got {value!r}")
    return value


def _texts(fields: dict[str, Any], name: str) -> tuple[str, ...]:
    value = fields.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name}: must be a list of strings, got {value!r}"[:200])
    return tuple(value)


def _whole(fields: dict[str, Any], name: str) -> int:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: must be a whole number >= 0, got {value!r}")
    return value


def _seconds(fields: dict[str, Any], name: str) -> float:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}: must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _published_path(fields: dict[str, Any], name: str, date: str) -> str:
    """A path inside the date's folder, relative to the output folder."""
    value = _text(fields, name)
    parts = value.split("/")
    if parts[0] != date or len(parts) < 2 or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"{name}: must be a path inside the folder {date}/, got {value!r}")
    return value


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False
