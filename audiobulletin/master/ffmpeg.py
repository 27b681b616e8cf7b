"""Running the ffmpeg binary from the imageio-ffmpeg wheel (no system ffmpeg needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import AudioError


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a packaging error
        raise AudioError("imageio-ffmpeg is not installed", hint="reinstall audiobulletin") from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def run(args: list[str], *, stdin: memoryview | bytes | None = None, where: Path | str | None = None,
        what: str = "ffmpeg") -> bytes:
    """Run ffmpeg with `args`, feeding `stdin`; return stdout. Failure -> AudioError with the
    last line ffmpeg printed."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
               *(["-nostdin"] if stdin is None else []), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise AudioError(f"{what} could not start: {exc}", where=str(where) if where else None,
                         hint="reinstall imageio-ffmpeg") from exc
    if done.returncode != 0:
        raise AudioError(f"{what} failed: {last_line(done.stderr)}", where=str(where) if where else None,
                         hint="check free disk space and the audio settings")
    return done.stdout
