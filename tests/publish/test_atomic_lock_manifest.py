import datetime as dt
import json
import os
import subprocess
import sys
import uuid

import pytest

from audiobulletin.errors import LockedError, PublishError
from audiobulletin.publish import atomic
from audiobulletin.publish.atomic import copy_atomic, write_atomic
from audiobulletin.publish.lock import LOCK_NAME, output_lock
from audiobulletin.publish.manifest import (
    MANIFEST_NAME, load_manifest, podcast_guid, remove_files, retain, save_manifest,
)

FEED_URL = "https://news.example.com/podcast/feed.xml"
D = [dt.date(2021, 6, d) for d in (25, 26, 27, 28)]


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "feed.xml"
    write_atomic(target, "旧")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]


def test_failure_inside_write_keeps_old_bytes_and_cleans_up(tmp_path):
    target = tmp_path / "feed.xml"
    target.write_bytes(b"<rss>old</rss>")
    with pytest.raises(RuntimeError):
        with atomic._staged(target) as handle:
            handle.write(b"<rss>half")
            raise RuntimeError("crash mid-write")
    assert target.read_bytes() == b"<rss>old</rss>"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]


def test_unwritable_target_is_a_publish_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(PublishError) as info:
        write_atomic(tmp_path / "file" / "feed.xml", "x")
    assert info.value.exit_code == 6 and "feed.xml" in str(info.value)


def test_copy_atomic_streams_the_same_bytes(tmp_path):
    source = tmp_path / "a.bin"
    source.write_bytes(os.urandom(3 << 20))
    copy_atomic(source, tmp_path / "sub" / "b.bin")
    assert (tmp_path / "sub" / "b.bin").read_bytes() == source.read_bytes()


HOLDER = """
import sys, time
from audiobulletin.publish.lock import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_concurrent_run_is_refused_naming_the_holder(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockedError) as info:
            with output_lock(tmp_path):
                pass
        assert info.value.exit_code == 7
        assert f"pid {holder.pid}" in str(info.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with output_lock(tmp_path) as path:  # free again once the holder is gone
        assert path.read_text().strip() == str(os.getpid())
    assert not (tmp_path / LOCK_NAME).exists()


def test_stale_lock_of_a_dead_pid_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_NAME).write_text(f"{dead.pid}\n")
    with output_lock(tmp_path) as path:
        assert path.read_text().strip() == str(os.getpid())


def test_podcast_guid_follows_the_podcasting_2_0_rule():
    # the example from the podcast namespace documentation
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_numbers_and_guids_are_stable_across_regeneration_and_retention(tmp_path):
    m = load_manifest(tmp_path, FEED_URL)
    assert m.podcast_guid == podcast_guid(FEED_URL) and m.episodes == ()
    for date in (D[1], D[0], D[2]):  # backfilling an older date still takes the next number
        m = m.with_episode(date, (f"episodes/{date}.mp3",))
    assert [(e.date, e.number) for e in m.episodes] == [(D[0], 2), (D[1], 1), (D[2], 3)]
    save_manifest(tmp_path, m)
    again = load_manifest(tmp_path, "https://moved.example.org/feed.xml")
    assert again == m  # the podcast GUID is kept even if the base URL changes
    regenerated = again.with_episode(D[1], (f"episodes/{D[1]}.mp3", "x.vtt"))
    assert regenerated.episode(D[1]).number == 1
    assert regenerated.episode(D[1]).guid == m.episode(D[1]).guid
    assert uuid.UUID(m.episode(D[1]).guid).version == 5
    assert len({e.guid for e in m.episodes}) == 3
    assert m.episode(D[1]).item_guid("radio/01") == m.episode(D[1]).item_guid("radio/01")
    assert m.episode(D[1]).item_guid("radio/01") != m.episode(D[1]).item_guid("radio/02")
    data = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert data["episodes"][0]["date"] == "2021-06-25"


def test_retention_keeps_newest_n_and_removes_files_by_policy(tmp_path):
    m = load_manifest(tmp_path, FEED_URL)
    for date in D:
        files = (f"episodes/{date}.mp3", f"radio/{date}/01.wav")
        for name in files:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(b"audio")
        m = m.with_episode(date, files)
    assert [e.date for e in m.in_feed(2)] == [D[3], D[2]]  # newest first
    assert [e.date for e in m.archived(2)] == [D[0], D[1]]

    kept, doomed = retain(m, 2, "keep")
    assert kept == m and doomed == ()

    after, doomed = retain(m, 2, "remove")
    assert sorted(doomed) == sorted(f for e in m.episodes[:2] for f in e.files)
    assert (tmp_path / "episodes" / f"{D[0]}.mp3").exists()  # nothing deleted before the feed is written
    remove_files(tmp_path, doomed)
    assert not (tmp_path / "episodes" / f"{D[0]}.mp3").exists()
    assert not (tmp_path / "radio" / str(D[0])).exists()
    assert (tmp_path / "episodes" / f"{D[3]}.mp3").exists()
    assert [(e.number, e.removed) for e in after.episodes] == [(1, True), (2, True), (3, False), (4, False)]
    # a larger keep cannot bring removed episodes back; regenerating one does, with its number
    assert [e.date for e in after.in_feed(10)] == [D[3], D[2]]
    back = after.with_episode(D[0], (f"episodes/{D[0]}.mp3",))
    assert back.episode(D[0]).number == 1 and not back.episode(D[0]).removed


def test_remove_files_never_leaves_the_output_folder(tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (tmp_path / "out").mkdir()
    remove_files(tmp_path / "out", ("../precious.txt",))
    assert outside.read_text() == "keep me"


def test_damaged_manifest_is_a_clear_error(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(PublishError) as info:
        load_manifest(tmp_path, FEED_URL)
    assert "manifest" in str(info.value) and info.value.exit_code == 6
