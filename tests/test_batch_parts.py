"""The batch's parts on their own: the fingerprint of settings, the exit code and the table, and
a batch's staged folders surviving a concurrent run's cleanup."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import replace

from audiobulletin.atomic import SHARED_STALE_SECONDS, remove_leftovers
from audiobulletin.batch.catalogue import load_catalogue
from audiobulletin.batch.plan import title_run
from audiobulletin.batch.report import BatchReport, EditionOutcome, Status
from audiobulletin.config import Settings
from audiobulletin.publish import open_staged_episode, staged_episode
from batch_archive import write_catalogue

DAY = dt.date(2021, 6, 27)


def test_the_settings_fingerprint_follows_what_changes_the_published_bytes(tmp_path):
    [daily, evening] = load_catalogue(write_catalogue(tmp_path / "papers.toml"), Settings()).titles
    digest = title_run(daily, workers=2).digest
    assert title_run(daily, workers=1).digest == digest  # how many processes voice it: no
    assert title_run(replace(daily, settings=replace(daily.settings, cache_dir=tmp_path / "elsewhere")),
                     workers=2).digest == digest  # where the cache is: no
    assert title_run(replace(daily, settings=replace(daily.settings, bitrate_kbps=96)), workers=2).digest != digest
    assert title_run(evening, workers=2).digest != digest  # another paper, another feed


def _report(*statuses: Status) -> BatchReport:
    return BatchReport(tuple(EditionOutcome("太原日报", DAY + dt.timedelta(days=n), s) for n, s in enumerate(statuses)),
                       "local", 1.0)


def test_the_exit_code_says_all_some_or_none():
    assert _report(Status.PUBLISHED, Status.UP_TO_DATE, Status.NO_EDITION).exit_code == 0
    assert _report(Status.NO_EDITION).exit_code == 0  # nothing to voice is not a failure
    assert _report(Status.PUBLISHED, Status.FAILED).exit_code == 10
    assert _report(Status.UP_TO_DATE, Status.FAILED).exit_code == 10
    assert _report(Status.FAILED, Status.NO_EDITION, Status.FAILED).exit_code == 11


def _column(line: str, text: str) -> int:
    """Where `text` starts on a terminal: a CJK character takes two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:line.index(text)])


def test_the_table_lines_up_chinese_titles_and_the_json_round_trips():
    report = BatchReport((EditionOutcome("太原日报", DAY, Status.PUBLISHED, duration=3725.4, voices=("offline",),
                                         seconds=12.34),
                          EditionOutcome("Evening Post", DAY, Status.FAILED, message="x.txt: is empty", exit_code=2)),
                         "dask", 61.0)
    lines = report.table().splitlines()
    assert _column(lines[1], "2021-06-27") == _column(lines[2], "2021-06-27") == 14  # 太原日报 is 8 columns wide
    assert "1:02:05" in lines[1] and "12.3 s" in lines[1] and "Evening Post 2021-06-27: x.txt: is empty" in lines
    data = json.loads(report.to_json())
    assert data["exit_code"] == 10 and data["counts"]["failed"] == 1 and data["executor"] == "dask"
    assert data["editions"][0] == {"title": "太原日报", "date": "2021-06-27", "status": "published", "duration": 3725.4,
                                   "voices": ["offline"], "seconds": 12.34, "message": "", "exit_code": 0, "audio": ""}


def test_a_batch_staged_folder_outlives_cleanup_until_it_is_stale(tmp_path):
    """A batch masters outside the output lock; a `generate` clearing leftovers under the lock must
    not take a live batch's staged edition (or the scratch files in it) away."""
    live = open_staged_episode(tmp_path, DAY, shared=True)
    scratch = live.path / ".bulletin.mp3.abcd1234.part"
    scratch.write_bytes(b"half an mp3")
    dead = open_staged_episode(tmp_path, DAY + dt.timedelta(days=1), shared=True)
    old = time.time() - SHARED_STALE_SECONDS - 60
    os.utime(dead.path, (old, old))
    with staged_episode(tmp_path, DAY + dt.timedelta(days=2)) as unshared:
        removed = remove_leftovers(tmp_path)
        assert unshared.path in removed  # an ordinary staged folder is a leftover under the lock
    assert live.path.is_dir() and scratch.exists()
    assert dead.path in removed and not dead.path.exists()
    live.discard()
    assert not live.path.exists()


def test_the_startup_check_leaves_a_live_batch_edition_alone(tmp_path):
    """`generate` checks and repairs the folder before any speech: a date folder holding only a
    batch's version being built is work in progress, not the leftover of a dead run."""
    from audiobulletin.publish import PublishOptions, check_output, repair

    live = open_staged_episode(tmp_path, DAY, shared=True)
    (live.path / "bulletin.mp3").write_bytes(b"being mastered")
    stale = open_staged_episode(tmp_path, DAY + dt.timedelta(days=1), shared=True)
    old = time.time() - SHARED_STALE_SECONDS - 60
    os.utime(stale.path, (old, old))
    remove_leftovers(tmp_path)  # as generate does, holding the lock
    audit = check_output(tmp_path)
    repair(audit, PublishOptions(paper="太原日报"))
    assert (live.path / "bulletin.mp3").exists()
    assert not stale.path.exists()
