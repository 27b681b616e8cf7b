"""The batch on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, the real offline voice, real ffmpeg. The same batch with `--executor local` publishes
the same bytes; a worker killed mid-batch costs nothing but time; a closed port fails at once."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from batch_archive import FOLDERS, write_archive, write_catalogue, write_pages
from dask_cluster import DaskCluster, HeldPublish

pytestmark = pytest.mark.slow  # a cluster, the real voice on four short editions


def _batch(catalogue: Path, *args: str):
    result = CliRunner().invoke(cli, ["batch", str(catalogue), "--dates", "2021-06-27..2021-06-28", "--json", *args])
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".audiobulletin.lock"}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same archive published by the local executor and by a two-worker Dask cluster; one
    of its editions is a folder of page files (a whole edition in sections)."""
    root = tmp_path_factory.mktemp("batch")
    write_archive(root)
    write_pages(root, "太原晚报", "20210628")
    local = _batch(write_catalogue(root / "local.toml", feeds="local", cache="cache-local"), "--workers", "2")
    with DaskCluster(root / "cluster", workers=2) as cluster:
        # the first title (t0) is held from publishing until its mastered editions' clips are let go
        with HeldPublish(cluster.address, root / "dask" / FOLDERS["太原日报"], "t0") as watch:
            remote = _batch(write_catalogue(root / "dask.toml", feeds="dask", cache="cache-dask"),
                            "--executor", "dask", "--scheduler", cluster.address)
        from distributed import Client

        from audiobulletin.batch.dask_tasks import shelf_counts

        with Client(cluster.address, timeout=30, set_as_default=False) as client:
            counts = client.run(shelf_counts)
    return root, local, remote, counts, watch


def test_both_executors_publish_every_edition(both):
    _, local, remote, *_ = both
    for report in (local, remote):
        assert report["exit_code"] == 0 and report["counts"]["published"] == 4
        assert [(e["title"], e["date"], e["status"]) for e in report["editions"]] == [
            ("太原日报", "2021-06-27", "published"), ("太原晚报", "2021-06-27", "published"),
            ("太原日报", "2021-06-28", "published"), ("太原晚报", "2021-06-28", "published")]
        assert all(e["voices"] == ["offline"] and e["duration"] > 5 for e in report["editions"])
    assert (local["executor"], remote["executor"]) == ("local", "dask")


def test_dask_output_is_the_local_output(both):
    """Every published file is the same, byte for byte: audio, feeds, transcripts, broadcast WAVs,
    the accessible edition, the version names, the feed directory."""
    root, *_ = both
    local, remote = _files(root / "local"), _files(root / "dask")
    assert local.keys() == remote.keys()
    assert sum(name.endswith("/bulletin.mp3") for name in local) == 4 and "feeds.opml" in local
    assert sum(name.endswith(".wav") for name in local) >= 8 and sum(name.endswith(".epub") for name in local) == 4
    differ = [name for name, path in local.items() if path.read_bytes() != remote[name].read_bytes()]
    assert differ == []


def test_each_worker_loaded_the_voice_once_and_both_worked(both):
    *_, counts, _ = both
    assert len(counts) == 2
    for worker in counts.values():
        assert worker["built"] == {"offline": 1}, counts
        assert worker["tasks"] >= 2, counts


def test_workers_free_an_editions_clips_once_it_is_mastered(both):
    *_, watch = both
    assert watch.mastered  # an edition was seen mastered and held from publishing (else this proves nothing)
    assert watch.freed


def test_feeds_number_episodes_in_date_order(both):
    root, *_ = both
    for folder in FOLDERS.values():
        feed = podcastparser.parse(f"https://audio.example.org/{folder}/feed.xml",
                                   io.BytesIO((root / "dask" / folder / "feed.xml").read_bytes()))
        assert [e["number"] for e in sorted(feed["episodes"], key=lambda e: e["published"])] == [1, 2]


def _edition_published(folder: Path) -> bool:
    try:
        return bool(json.loads((folder / "episodes.json").read_text())["episodes"])
    except (OSError, ValueError):
        return False


def test_a_worker_killed_mid_batch_costs_only_time(tmp_path):
    write_archive(tmp_path)
    catalogue = write_catalogue(tmp_path / "papers.toml")
    first_title = tmp_path / "feeds" / FOLDERS["太原日报"]
    with DaskCluster(tmp_path / "cluster", workers=2) as cluster:
        victim = cluster.workers[0]
        killed = threading.Event()

        def kill_once_the_batch_is_under_way():
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not _edition_published(first_title):
                time.sleep(0.05)
            if victim.poll() is None:
                cluster.kill_worker(victim)
                killed.set()

        killer = threading.Thread(target=kill_once_the_batch_is_under_way)
        killer.start()
        try:
            report = _batch(catalogue, "--executor", "dask", "--scheduler", cluster.address)
        finally:
            killer.join()
        assert killed.is_set() and victim.returncode == -9
        assert cluster.workers[1].poll() is None  # the survivor did the rest
    # an edition whose publishing the dead worker had finished (but not reported) is published
    # again by the survivor: the same version, so "unchanged"
    assert report["exit_code"] == 0, report
    assert report["counts"]["published"] + report["counts"]["unchanged"] == 4 and report["counts"]["published"] >= 3
    for folder in FOLDERS.values():
        manifest = json.loads((tmp_path / "feeds" / folder / "episodes.json").read_text())
        assert [(e["date"], e["number"]) for e in manifest["episodes"]] == [("2021-06-27", 1), ("2021-06-28", 2)]
        for episode in manifest["episodes"]:
            assert (tmp_path / "feeds" / folder / episode["audio"]).stat().st_size == episode["audio_bytes"] > 10_000


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_within_ten_seconds(tmp_path):
    write_archive(tmp_path)
    catalogue = write_catalogue(tmp_path / "papers.toml")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    done = subprocess.run([sys.executable, "-c", "from audiobulletin.cli import main; main()", "batch", str(catalogue), "--dates", "2021-06-27",
                           "--executor", "dask"], env={**_env(), "DASK_SCHEDULER_ADDRESS": address},
                          capture_output=True, text=True, timeout=10)
    assert done.returncode == 12, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("audiobulletin: error:") and address in lines[0], done.stderr
    assert "cannot reach the Dask scheduler" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "feeds" / FOLDERS["太原日报"] / "feed.xml").exists()


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
