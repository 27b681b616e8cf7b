"""`audiobulletin voices`: the Chinese online voices, marking the ones the voice profile uses."""

from __future__ import annotations

import click

from ..speech import load_profile
from ..speech.catalogue import fetch_online, load_catalogue
from . import pass_app


@click.command("voices")
@click.option("--online", is_flag=True,
              help="Ask the service for its current list (needs the network) instead of the shipped one.")
@pass_app
def command(app, online):
    """List the zh-CN, zh-HK and zh-TW online voices; * marks those the voice profile uses.

    \b
    Example:
      audiobulletin voices
      audiobulletin voices --online
    """
    settings = app.settings()
    profile = load_profile(settings.profile)
    roles: dict[str, list[str]] = {}
    for (engine, role), voice in profile.voices.items():
        if engine == "edge":
            roles.setdefault(voice.name, []).append(role.value)
    shipped = load_catalogue()
    voices = fetch_online(settings.edge_endpoint or None) if online else shipped
    shipped_names = {v.short_name for v in shipped}
    listed = {v.short_name for v in voices}

    source = "from the online service" if online else "shipped catalogue; --online for the live list"
    click.echo(f"{len(voices)} voices ({source}); * = used by voice profile {profile.name!r}")
    for v in voices:
        mark = "*" if v.short_name in roles else " "
        tags = ", ".join(v.categories) + (" / " + ", ".join(v.personalities) if v.personalities else "")
        used = f"  [{', '.join(roles[v.short_name])}]" if v.short_name in roles else ""
        new = "  (new: not in the shipped catalogue)" if online and v.short_name not in shipped_names else ""
        click.echo(f"{mark} {v.short_name:<30} {v.gender:<7} {v.locale:<15} {tags}{used}{new}")
    if online:
        for name in sorted(shipped_names - listed):
            click.echo(f"  {name:<30} no longer offered by the service")
    for name in sorted(set(roles) - listed):
        click.echo(f"warning: the profile's voice {name} ({', '.join(roles[name])}) is not in this list",
                   err=True)
