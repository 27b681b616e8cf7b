"""The station's polling script from docs/publishing.md, run as it stands there (POSIX sh, curl)
against the output folder served on 127.0.0.1: the first poll fetches every cut, a poll with
nothing new fetches nothing, and after a correction it fetches exactly the corrected cuts."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_corrections import LATER, options, publish

from audiobulletin.publish.server import serving
from needs import need_program

DOCS = Path(__file__).resolve().parent.parent / "docs" / "publishing.md"


def station_script() -> str:
    """The sh block of docs/publishing.md that fetches broadcast cuts."""
    blocks = re.findall(r"```sh\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    [script] = [b for b in blocks if b.startswith("#!/bin/sh\n# Fetch new and corrected broadcast cuts")]
    return script


class Requests(logging.Handler):
    """The served paths, from the server's access log."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def wavs(self) -> list[str]:
        """The WAVs served so far. aiohttp logs a request once its response is sent, in the server's
        thread, so the client can be done first: wait until the log has been quiet for a moment."""
        seen, deadline = -1, time.monotonic() + 5
        while len(self.lines) != seen and time.monotonic() < deadline:
            seen = len(self.lines)
            time.sleep(0.3)
        found = [re.search(r'"GET (\S+\.wav) HTTP', line) for line in self.lines]
        return sorted(m[1] for m in found if m)


@pytest.fixture
def access_log():
    logger = logging.getLogger("aiohttp.access")
    handler, level = Requests(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def poll(url: str, incoming: Path) -> list[str]:
    """Run the script once; the cuts it says it fetched."""
    done = subprocess.run(["sh", "-c", station_script()], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "FEED": url + "radio.xml", "INCOMING": str(incoming)})
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(line.split()[1] for line in done.stdout.splitlines() if line.startswith("fetched "))


def test_the_station_fetches_each_cut_once_and_then_exactly_the_corrected_ones(tmp_path, access_log):
    need_program("curl", "curl, which the station script uses", ".ci/install-publish.sh")
    out, incoming = tmp_path / "out", tmp_path / "incoming"
    out.mkdir()
    with serving(out) as url:
        s = options(base_url=url)
        publish(out, 26, s=s)
        publish(out, 27, s=s)
        assert poll(url, incoming) == ["2021-06-26/01.wav", "2021-06-26/02.wav", "2021-06-26/bulletin.wav",
                                       "2021-06-27/01.wav", "2021-06-27/02.wav", "2021-06-27/bulletin.wav"]
        assert len(access_log.wavs()) == 6
        assert poll(url, incoming) == [] and len(access_log.wavs()) == 6  # nothing new: nothing fetched

        corrected = publish(out, 27, levels=(1001, 1100, 1250), mp3=b"take two", s=s, now=LATER)
        access_log.lines.clear()
        assert poll(url, incoming) == ["2021-06-27/02.wav", "2021-06-27/bulletin.wav"]
        assert [Path(p).name for p in access_log.wavs()] == sorted(Path(c.file).name for c in corrected.radio
                                                                   if c.number in (0, 2))
    for cut in corrected.radio:  # what playout has is what is published now
        local = incoming / "2021-06-27" / (("bulletin" if cut.number == 0 else f"{cut.number:02d}") + ".wav")
        assert local.read_bytes() == (out / cut.file).read_bytes()
    assert not list(incoming.rglob("*.part")) and not list(incoming.rglob(".*.part"))


def test_the_script_is_plain_posix_sh():
    """dash (Debian's sh) parses it; checked without running anything."""
    dash = shutil.which("dash") or shutil.which("sh")
    assert subprocess.run([dash, "-n", "-c", station_script()], capture_output=True).returncode == 0
