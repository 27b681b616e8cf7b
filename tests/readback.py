"""Reading deliverables back with ffmpeg, independently of how they were written.

The tests' independent check: ffmpeg's own EBU R128 meter, its view of the MP3's chapters, and
its decoder (the package writes these files; something it did not write reads them back).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from audiobulletin.errors import AudioError
from audiobulletin.ffmpeg import ffmpeg_exe, last_line


@dataclass(frozen=True)
class MeterReading:
    """ffmpeg `ebur128=peak=true` summary (values printed to 0.1)."""

    integrated: float
    loudness_range: float
    true_peak: float


@dataclass(frozen=True)
class ChapterReading:
    start_ms: int
    end_ms: int
    title: str


def _ffmpeg(args: list[str], path: Path, loglevel: str = "error") -> subprocess.CompletedProcess:
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", loglevel,
                           "-i", str(path), *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise AudioError(f"ffmpeg could not read the file: {last_line(done.stderr)}", where=str(path))
    return done


def ebur128(path: Path) -> MeterReading:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP) as ffmpeg measures them."""
    done = _ffmpeg(["-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], path, "info")
    text = done.stderr.decode("utf-8", "replace")
    summary = text[text.rindex("Summary:"):] if "Summary:" in text else ""

    def value(label: str) -> float:
        found = re.search(rf"{label}:\s+(-?inf|-?\d+(?:\.\d+)?)", summary)
        if not found:
            raise AudioError(f"no '{label}' in ffmpeg's ebur128 summary", where=str(path))
        return float(found.group(1))

    return MeterReading(value("I"), value("LRA"), value("Peak"))


def chapters(path: Path) -> list[ChapterReading]:
    """Chapters as ffmpeg reads them: titles from `ffmpeg -i FILE -f ffmetadata -`, times from
    the input listing it prints alongside.

    The ffmetadata times are rebased to ffmpeg's output timeline, which for an MP3 starts after
    the encoder delay ffmpeg trims (25 ms for LAME at 44.1 kHz): they come out early by that much,
    clamped at 0. The input listing ("Chapter #0:1: start 1.500000, end 3.250000") shows the
    stored times, counted like players, mutagen and the Timeline from the first decoded sample.
    """
    done = _ffmpeg(["-f", "ffmetadata", "-"], path, "info")
    titles = []
    for section in done.stdout.decode("utf-8").split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in section.strip().splitlines() if "=" in line)
        titles.append(_unescape(fields.get("title", "")))
    header = done.stderr.decode("utf-8", "replace").split("Output #0")[0]  # the input's listing only
    listing = re.findall(r"Chapter #\d+:\d+: start (-?\d+\.\d+), end (-?\d+\.\d+)", header)
    if len(listing) != len(titles):
        raise AudioError(f"ffmpeg listed {len(listing)} chapters but wrote {len(titles)}", where=str(path))
    return [ChapterReading(round(float(start) * 1000), round(float(end) * 1000), title)
            for (start, end), title in zip(listing, titles)]


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def decode(path: Path, rate: int) -> "np.ndarray":  # noqa: F821 - numpy is imported lazily
    """Decoded mono samples (float32, full scale 1.0) at `rate`, decoder delay and padding removed."""
    import numpy as np

    out = _ffmpeg(["-f", "f32le", "-ac", "1", "-ar", str(rate), "-"], path).stdout
    return np.frombuffer(out, dtype="<f4")


def stream_info(path: Path) -> dict[str, str]:
    """Codec, sample rate, channels and bit rate from ffmpeg's stream line."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                          capture_output=True, check=False)
    text = done.stderr.decode("utf-8", "replace")
    found = re.search(r"Stream #0:0.*?: Audio: (\w+).*?, (\d+) Hz, (\w+), (\w+)(?:, (\d+) kb/s)?", text)
    if not found:
        raise AudioError("ffmpeg found no audio stream", where=str(path))
    codec, rate, layout, sample_format, kbps = found.groups()
    return {"codec": codec, "sample_rate": rate, "channels": layout, "sample_format": sample_format,
            "kbps": kbps or ""}
