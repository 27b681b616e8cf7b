"""`audiobulletin voices`: every engine's voices with its terms, marking the ones the profile uses."""

from __future__ import annotations

import click

from ..speech import load_profile
from ..speech.builtin import ALL_ROLES, BUILTIN
from ..speech.catalogue import fetch_online, load_catalogue
from ..speech.engine import CommercialUse, EngineInfo, VoiceInfo
from ..speech.registry import Registered, discover
from . import pass_app

COMMERCIAL = {CommercialUse.ALLOWED: "commercial use allowed",
              CommercialUse.FORBIDDEN: "commercial use NOT allowed",
              CommercialUse.UNKNOWN: "commercial use not stated (treated as not allowed)"}


@click.command("voices")
@click.option("--engine", "only", metavar="NAME", help="Only this engine's voices.")
@click.option("--online", is_flag=True,
              help="The edge engine's current list from its service (needs the network) "
                   "instead of the shipped one.")
@pass_app
def command(app, only, online):
    """List every engine's voices with its terms; * marks the voices the voice profile uses.

    \b
    Example:
      audiobulletin voices
      audiobulletin voices --engine azure
      audiobulletin voices --online
    """
    settings = app.settings()
    registry = discover()
    profile = load_profile(settings.profile, registry)
    used: dict[tuple[str, str], list[str]] = {}
    for (engine, role), voice in profile.voices.items():
        used.setdefault((engine, voice.name), []).append(role.value)
    if online:
        _online(settings.edge_endpoint or None, used, profile.name)
        return
    names = [registry.entry(only).name] if only else \
        [n for n in BUILTIN if n in registry.entries] + sorted(set(registry.entries) - set(BUILTIN))
    click.echo(f"* = used by voice profile {profile.name!r}")
    for name in names:
        click.echo()
        _engine(registry.entries[name], used)


def _engine(entry: Registered, used: dict[tuple[str, str], list[str]]) -> None:
    info = entry.info
    if info is None:
        click.echo(f"{entry.name}: {entry.problem}")
        return
    state = f" ({entry.problem})" if entry.problem else ""
    where = "network service" if info.network else "runs here"
    click.echo(f"{info.name}: {info.label}{state} — {where}; {info.output}; "
               f"word boundaries: {'yes' if info.word_boundaries else 'no'}")
    click.echo(f"  terms: {COMMERCIAL[info.terms.commercial_use]} — {info.terms.licence} — {info.terms.url}")
    listed = {v.name for v in info.voices}
    for voice in info.voices:
        click.echo(_voice_line(info, voice, used.get((info.name, voice.name))))
    if info.voice_pattern:
        click.echo("  … and any other voice the service offers, by its full name")
    for (engine, name), roles in sorted(used.items()):
        if engine == info.name and name not in listed:
            click.echo(f"warning: the profile's {engine} voice {name} ({', '.join(roles)}) "
                       "is not in this list", err=True)


def _voice_line(info: EngineInfo, voice: VoiceInfo, roles: list[str] | None) -> str:
    mark = "*" if roles else " "
    suits = "all roles" if set(voice.roles) == set(ALL_ROLES) else ", ".join(voice.roles) or "not for news"
    note = f"  {voice.note}" if voice.note else ""
    marked = f"  [{', '.join(roles)}]" if roles else ""
    return f"{mark} {voice.name:<30} {voice.gender or '-':<7} {voice.language:<15} {suits:<13}{note}{marked}"


def _online(endpoint: str | None, used: dict[tuple[str, str], list[str]], profile: str) -> None:
    """The online service's live list against the shipped catalogue (edge engine only)."""
    voices = fetch_online(endpoint)
    shipped = {v.short_name for v in load_catalogue()}
    listed = {v.short_name for v in voices}
    roles = {name: r for (engine, name), r in used.items() if engine == "edge"}
    click.echo(f"{len(voices)} voices (from the online service); * = used by voice profile {profile!r}")
    for v in voices:
        mark = "*" if v.short_name in roles else " "
        tags = ", ".join(v.categories) + (" / " + ", ".join(v.personalities) if v.personalities else "")
        marked = f"  [{', '.join(roles[v.short_name])}]" if v.short_name in roles else ""
        new = "  (new: not in the shipped catalogue)" if v.short_name not in shipped else ""
        click.echo(f"{mark} {v.short_name:<30} {v.gender:<7} {v.locale:<15} {tags}{marked}{new}")
    for name in sorted(shipped - listed):
        click.echo(f"  {name:<30} no longer offered by the service")
    for name in sorted(set(roles) - listed):
        click.echo(f"warning: the profile's voice {name} ({', '.join(roles[name])}) is not in this list",
                   err=True)
