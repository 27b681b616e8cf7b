import os
import subprocess
import sys

import pytest

from audiobulletin.atomic import atomic_path, write_atomic, write_if_changed
from audiobulletin.errors import LockedError, PublishError
from audiobulletin.publish.lock import LOCK_NAME, output_lock


def test_failure_inside_write_keeps_old_bytes_and_cleans_up(tmp_path):
    target = tmp_path / "feed.xml"
    target.write_bytes(b"<rss>old</rss>")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"<rss>half")
            raise RuntimeError("crash mid-write")
    assert target.read_bytes() == b"<rss>old</rss>"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]


def test_unwritable_target_is_a_one_line_publish_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(PublishError) as info:
        write_atomic(tmp_path / "file" / "feed.xml", "x")
    assert info.value.exit_code == 6 and "feed.xml" in str(info.value)


def test_write_if_changed_keeps_mtime_of_identical_content(tmp_path):
    target = tmp_path / "artwork.png"
    assert write_if_changed(target, b"png") is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(target, b"png") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(target, b"png2") is True and target.read_bytes() == b"png2"


HOLDER = """
import sys
from audiobulletin.publish.lock import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_concurrent_run_is_refused_naming_the_holder(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
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


def test_generate_on_a_locked_output_exits_7_naming_the_pid(tmp_path, sample_path, newsroom_config):
    from click.testing import CliRunner

    from audiobulletin.cli import cli

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["--config", str(newsroom_config), "generate", str(sample_path),
                                          "--date", "2021-06-27", "--out", str(tmp_path)])
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.exit_code == 7, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]
    assert f"pid {holder.pid}" in line and str(tmp_path) in line
