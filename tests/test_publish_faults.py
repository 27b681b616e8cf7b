"""The publish switch under faults: SIGKILL at every step, a full disk at every write.

Whatever the moment, each feed must name only enclosures that exist with the advertised length
(read back with podcastparser, HEAD requests through `serve`, and gPodder downloading them), and
the next run must finish or undo the switch and publish cleanly.
"""

import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote

import podcastparser
import pytest
from needs import need_program
from test_publication import publish, settings

from audiobulletin.errors import PublishError
from audiobulletin.publish import check_output, repair
from audiobulletin.publish.checkpoints import FAULT_ENV
from audiobulletin.publish.manifest_file import load
from audiobulletin.publish.server import serving

TESTS = Path(__file__).resolve().parent
KEEP = dict(keep_episodes=3, archive_policy="remove")
MP3 = b"ID3 first take " * 400
CORRECTED = b"ID3 corrected take " * 500
SCENARIOS = {"new date": (28, MP3), "correction": (27, CORRECTED)}
"""What the faulted run publishes over 25, 26, 27: a new date (retention then removes 25's
folder) or a corrected 27 (a new version; the old one is removed after the switch)."""

pytestmark = pytest.mark.slow  # a publication per step, subprocesses, gPodder, tmpfs mounts

RUN = textwrap.dedent("""
    import sys
    from pathlib import Path
    from test_publication import publish, settings
    out, day, base, mp3 = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]).read_bytes()
    publish(out, day, settings(base_url=base, keep_episodes=3, archive_policy="remove"), mp3=mp3)
""")


def published_base(folder: Path, base: str) -> None:
    for day in (25, 26, 27):
        publish(folder, day, settings(base_url=base, **KEEP), mp3=MP3)


def enclosures(folder: Path, base: str) -> list[tuple[str, int]]:
    """(URL, advertised length) of every enclosure of both feeds, each checked against the file."""
    found = []
    for name in ("feed.xml", "radio.xml"):
        parsed = podcastparser.parse(base + name, io.BytesIO((folder / name).read_bytes()))
        assert parsed["episodes"], name
        for episode in parsed["episodes"]:
            [enclosure] = episode["enclosures"]
            url, length = enclosure["url"], enclosure["file_size"]
            local = folder / unquote(url[len(base):])
            assert local.is_file(), f"{name} names {url}, which does not exist"
            assert local.stat().st_size == length, f"{name} says {length} bytes for {url}"
            found.append((url, length))
    return found


def heads_agree(found: list[tuple[str, int]]) -> None:
    import http.client
    from urllib.parse import urlsplit

    for url, length in found:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("HEAD", parts.path)
            response = conn.getresponse()
            response.read()
            assert (response.status, int(response.headers["Content-Length"])) == (200, length), url
        finally:
            conn.close()


def finish(folder: Path, base: str, day: int, mp3: bytes) -> None:
    """What the next `generate` does: the startup check repairs, then it publishes again."""
    options = settings(base_url=base, **KEEP)
    repair(check_output(folder), options)
    publish(folder, day, options, mp3=mp3)
    assert check_output(folder).clean
    records = load(folder)[0]
    assert sorted(d for d, r in records.items() if not r.removed) == (
        ["2021-06-26", "2021-06-27", "2021-06-28"] if day == 28 else ["2021-06-25", "2021-06-26", "2021-06-27"])
    assert records[f"2021-06-{day}"].audio_bytes == len(mp3)
    for record in records.values():  # one version per date, nothing hidden left behind
        if not record.removed:
            assert [p.name for p in (folder / record.folder).iterdir()] == [record.version]
    assert not [p for p in folder.rglob(".*") if p.name != ".audiobulletin.lock"]


def kill_run(folder: Path, day: int, base: str, mp3: Path, at: int) -> int:
    env = {**os.environ, FAULT_ENV: f"kill@{at}", "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    done = subprocess.run([sys.executable, "-c", RUN, str(folder), str(day), base, str(mp3)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sigkill_at_every_step_leaves_feeds_whose_enclosures_exist(tmp_path, scenario):
    day, data = SCENARIOS[scenario]
    mp3 = tmp_path / "episode.mp3"
    mp3.write_bytes(data)
    root = tmp_path / "served"
    root.mkdir()
    killed_states = []
    with serving(root) as url:
        template = root / "template"
        published_base(template, url + "template/")
        at = 1
        while True:
            folder = root / f"k{at:02d}"
            shutil.copytree(template, folder)
            base = url + f"k{at:02d}/"
            for name in ("feed.xml", "radio.xml", "index.html"):  # the copy's links point at the copy
                path = folder / name
                path.write_bytes(path.read_bytes().replace(b"/template/", f"/k{at:02d}/".encode()))
            code = kill_run(folder, day, base, mp3, at)
            heads_agree(enclosures(folder, base))  # right after the kill, before any repair
            if code == 0:
                break
            killed_states.append((folder, base))
            at += 1
        assert len(killed_states) >= 10, f"only {len(killed_states)} steps to kill at"
        expected = sorted(path.read_bytes() for folder, base in killed_states for path in feed_files(folder, base))
        gpo = need_program("gpo", "gPodder's command-line client", ".ci/install-publish.sh")
        assert gpodder_downloads(gpo, tmp_path, [base + "feed.xml" for _, base in killed_states]) == expected
    for folder, base in killed_states:
        finish(folder, base, day, data)
        enclosures(folder, base)


def feed_files(folder: Path, base: str) -> list[Path]:
    parsed = podcastparser.parse(base, io.BytesIO((folder / "feed.xml").read_bytes()))
    return [folder / unquote(e["enclosures"][0]["url"][len(base):]) for e in parsed["episodes"]]


def gpodder_downloads(gpo: str, tmp_path: Path, feeds: list[str]) -> list[bytes]:
    """Subscribe gPodder to every feed (one OPML import) and download every episode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), GPODDER_HOME=str(tmp_path / "gpodder"),
               GPODDER_DOWNLOAD_DIR=str(tmp_path / "downloads"))
    opml = tmp_path / "feeds.opml"
    outlines = "".join(f'<outline type="rss" text="state {n}" xmlUrl="{feed}"/>' for n, feed in enumerate(feeds))
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><head><title>states</title></head>'
                    f"<body>{outlines}</body></opml>", encoding="utf-8")
    for args in (["import", str(opml)], ["download"]):
        done = subprocess.run([gpo, *args], env=env, capture_output=True, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout + done.stderr
    return sorted(p.read_bytes() for p in (tmp_path / "downloads").rglob("*") if p.is_file())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_full_disk_at_every_write_fails_cleanly(tmp_path, monkeypatch, scenario):
    """ENOSPC injected at each step in turn: exit 6; before the manifest is saved the output is
    exactly as it was, after it the feeds still name only what exists; the next run finishes."""
    day, data = SCENARIOS[scenario]
    base = "https://news.example.org/audio/"
    template = tmp_path / "template"
    published_base(template, base)
    at, failures = 1, 0
    while True:
        folder = tmp_path / f"e{at:02d}"
        shutil.copytree(template, folder)
        before = snapshot(folder)
        monkeypatch.setenv(FAULT_ENV, f"enospc@{at}")
        try:
            publish(folder, day, settings(base_url=base, **KEEP), mp3=data)
        except PublishError as error:
            assert error.exit_code == 6 and "No space left on device" in str(error)
            failures += 1
        else:
            break
        finally:
            monkeypatch.delenv(FAULT_ENV)
        enclosures(folder, base)
        if load(folder)[0] == load(template)[0]:  # the switch had not begun: nothing changed
            assert snapshot(folder) == before
        finish(folder, base, day, data)
        at += 1
    assert failures >= 10


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


TMPFS_RUN = textwrap.dedent("""
    import json, shutil, subprocess, sys
    from pathlib import Path
    from test_publication import publish, settings
    from test_publish_faults import enclosures
    from audiobulletin.errors import PublishError
    template, results, day, mp3 = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]).read_bytes()
    base = "https://news.example.org/audio/"
    disk = results / "disk"
    disk.mkdir()
    outcomes = []
    for kib in range(int(sys.argv[5]), int(sys.argv[6]), 4):
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(disk)], check=True)
        try:
            folder = disk / "out"
            try:
                shutil.copytree(template, folder)
            except OSError:
                outcomes.append([kib, "too small for the published folder"])
                continue
            try:
                publish(folder, day, settings(base_url=base, keep_episodes=3, archive_policy="remove"), mp3=mp3)
                outcome = "published"
            except (OSError, PublishError) as error:
                outcome = f"failed: {error}"
            enclosures(folder, base)  # raises if a feed names a missing or short file
            shutil.copytree(folder, results / f"after-{kib}")
            outcomes.append([kib, outcome])
            if outcome == "published":
                break
        finally:
            subprocess.run(["umount", str(disk)], check=True)
    print(json.dumps(outcomes))
""")


def _namespace_prefix() -> list[str] | None:
    """A command prefix that runs in a private mount namespace where tmpfs can be mounted."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ([unshare, "-m"], [unshare, "-Urm"]):
        probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"],
                               capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_real_full_disk_never_breaks_the_feeds(tmp_path, scenario):
    """A small tmpfs, one size after another (a page, 4 KiB, apart), until the publication fits:
    the disk fills while the episode is built, then at the manifest, then at each feed."""
    prefix = _namespace_prefix()
    if prefix is None:
        pytest.skip("cannot mount a tmpfs in a private mount namespace here (unshare -m / -Urm)")
    day, data = SCENARIOS[scenario]
    base = "https://news.example.org/audio/"
    template = tmp_path / "template"
    published_base(template, base)
    used_kib = sum(-(-p.stat().st_size // 4096) * 4 for p in template.rglob("*") if p.is_file())
    mp3 = tmp_path / "episode.mp3"
    mp3.write_bytes(data)
    results = tmp_path / "results"
    results.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    done = subprocess.run([*prefix, sys.executable, "-c", TMPFS_RUN, str(template), str(results), str(day),
                           str(mp3), str(used_kib), str(used_kib + 1024)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    failed = [o for o in outcomes if o[1].startswith("failed")]
    assert outcomes[-1][1] == "published" and len(failed) >= 10, outcomes
    assert all("No space left on device" in o[1] for o in failed), outcomes
    at = {m for o in failed for m in re.findall(r"cannot write (\S+):", o[1])}
    assert {"episodes.json", "feed.xml"} <= at, outcomes  # the disk filled during the switch too
    for kib, _ in outcomes:
        folder = results / f"after-{kib}"
        if folder.exists():
            finish(folder, base, day, data)
