"""What killed runs leave in the output folder, and how the next run clears it; signals held
during the publish switch."""

from __future__ import annotations

import os
import signal

import pytest

from audiobulletin.atomic import atomic_path, remove_leftovers, scratch_path, staged_folder
from audiobulletin.interrupt import deferred


def kept(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_staged_folders_and_scratch_files_of_dead_runs_are_removed(tmp_path):
    (tmp_path / "2021-06-26" / "radio").mkdir(parents=True)
    (tmp_path / "2021-06-26" / "bulletin.mp3").write_bytes(b"published")
    (tmp_path / "feed.xml").write_text("<rss/>")
    (tmp_path / ".audiobulletin.lock").write_text("123\n")
    (tmp_path / ".notes.txt").write_text("someone's hidden file, not ours")
    # what staged_folder, scratch_path and atomic_path make, as a SIGKILL leaves them
    stage = staged_folder(tmp_path / "2021-06-27")
    staged = stage.__enter__().path
    (staged / "radio").mkdir()
    scratch_path(staged / "bulletin.mp3", "part0")
    part = scratch_path(tmp_path / "feed.xml", "part")
    deep = scratch_path(tmp_path / "2021-06-26" / "radio" / "01.wav", "part")
    old_style = tmp_path / ".staging-2021-06-25-4242"  # an earlier version's name
    old_style.mkdir()

    removed = remove_leftovers(tmp_path)
    assert sorted(removed) == sorted([staged, part, deep, old_style])
    assert kept(tmp_path) == [".audiobulletin.lock", ".notes.txt", "2021-06-26", "2021-06-26/bulletin.mp3",
                              "2021-06-26/radio", "feed.xml"]
    assert remove_leftovers(tmp_path) == []
    stage.__exit__(None, None, None)  # the run "resumes": its cleanup finds nothing to remove


def test_a_folder_parked_between_the_two_renames_of_a_commit_is_put_back(tmp_path):
    """Killed after the published folder was moved aside but before the new one took its place."""
    parked = tmp_path / ".2021-06-27.old-4242"
    parked.mkdir()
    (parked / "bulletin.mp3").write_bytes(b"the published episode")
    assert remove_leftovers(tmp_path) == [parked]
    assert (tmp_path / "2021-06-27" / "bulletin.mp3").read_bytes() == b"the published episode"

    parked.mkdir()  # killed after both renames, before the old folder was removed
    (parked / "bulletin.mp3").write_bytes(b"the previous episode")
    remove_leftovers(tmp_path)
    assert kept(tmp_path) == ["2021-06-27", "2021-06-27/bulletin.mp3"]
    assert (tmp_path / "2021-06-27" / "bulletin.mp3").read_bytes() == b"the published episode"


def test_a_finished_atomic_write_leaves_nothing_to_clear(tmp_path):
    with atomic_path(tmp_path / "feed.xml") as tmp:
        tmp.write_text("<rss/>")
    assert remove_leftovers(tmp_path) == [] and kept(tmp_path) == ["feed.xml"]


def test_a_signal_during_the_switch_is_delivered_once_it_is_done():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("first rename")
            done.append("second rename")
    assert done == ["first rename", "second rename"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
