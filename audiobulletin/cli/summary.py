"""The end of a run: what was published, where, by which voices, from how much fresh speech.

    published 2021-06-27, episode 3: 3 articles, 101 segments (87 synthesised, 14 from the cache),
        13:27 at -19.0 LUFS, in 1:33                                           (one line)
      voices   offline: baker
      feed         output/feed.xml
      episode      output/2021-06-27/3f2a9c1b/bulletin.mp3
      …
      article 1  offline   市委理论学习中心组举行学习会

The first word says what happened: published, corrected (the date again with other audio: a
correction, see publish/corrections.py) or unchanged (the same edition again: nothing changed).
`-q` keeps the first line, the feed and episode lines and the article lines (what cron mails);
`--json` prints one object (`summary_json`) for monitors.
"""

from __future__ import annotations

from pathlib import Path

from ..clock import player_time, to_ms
from ..pipeline import RunReport

LABELS = {"feed": "feed", "episode": "episode", "transcripts": "transcripts", "radio": "radio",
          "accessible": "accessible", "index": "index"}


def headline(report: RunReport) -> str:
    number = f", episode {report.number}" if report.number else ""
    return (f"{report.status} {report.date.isoformat()}{number}: {_count(report.articles, 'article')}, "
            f"{_count(report.segments, 'segment')} "
            f"({report.synthesised} synthesised, {report.from_cache} from the cache), "
            f"{player_time(to_ms(report.duration))} at {report.loudness_lufs:.1f} LUFS, "
            f"in {player_time(to_ms(report.seconds))}")


def summary_lines(report: RunReport, *, short: bool = False) -> list[str]:
    lines = [headline(report)]
    if not short:
        lines.append(f"  voices   {voices_text(report)}")
    for what, paths in report.outputs.items():
        if short and what not in ("feed", "episode"):
            continue
        if not paths:
            continue
        first, *rest = paths
        lines.append(f"  {LABELS.get(what, what):<12} {first}")
        lines += [f"  {'':<12} {path}" for path in rest]
    width = len(str(len(report.headlines)))
    for index, engines in report.engines.items():  # also when short: which voice read what matters to cron
        lines.append(f"  article {index + 1:>{width}}  {engines:<8}  {report.headlines[index]}")
    return lines


def voices_text(report: RunReport) -> str:
    return "; ".join(f"{engine}: {', '.join(names)}" for engine, names in report.voices.items()) or "-"


def summary_json(report: RunReport) -> dict:
    """The run as one JSON object: status, episode, outputs (paths as strings), speech counts."""
    return {
        "status": report.status,
        "date": report.date.isoformat(),
        "episode": report.number or None,
        "edition": _path(report.edition),
        "audio": _path(report.audio),
        "duration_seconds": round(report.duration, 3),
        "loudness_lufs": report.loudness_lufs,
        "true_peak_dbtp": report.true_peak_dbtp,
        "articles": [{"headline": headline, "engines": report.engines.get(index, "").split("+")}
                     for index, headline in enumerate(report.headlines)],
        "segments": report.segments,
        "speech": {"synthesised": report.synthesised, "from_cache": report.from_cache},
        "voices": {engine: list(names) for engine, names in report.voices.items()},
        "fallbacks": {str(part): reason for part, reason in report.fallbacks.items()},
        "warnings": {"not_spoken": [*report.failures.values(), *report.skipped], "unplaced": list(report.unplaced),
                     "lexicon": list(report.lexicon_warnings),
                     "output": list(report.warnings)},
        "repaired": list(report.repairs),
        "outputs": {what: [str(p) for p in paths] for what, paths in report.outputs.items()},
        "seconds": {**{name: round(t, 3) for name, t in report.timings.items()}, "total": round(report.seconds, 3)},
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _path(path: Path | None) -> str | None:
    return str(path) if path is not None else None
