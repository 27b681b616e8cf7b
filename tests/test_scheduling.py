"""The shipped systemd units pass `systemd-analyze verify`, and the service's command line is one the
command accepts: run as written (paths moved into a temp folder) with an empty inbox, it exits 9,
the status the unit counts as success. `.ci/install-publish.sh` installs systemd."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
from pathlib import Path

from needs import need_program

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "examples" / "systemd"
INSTALLED = "/opt/audiobulletin/.venv/bin/audiobulletin"


def analyze() -> str:
    return need_program("systemd-analyze", "systemd's unit checker", ".ci/install-publish.sh")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in units
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_units_pass_systemd_analyze_verify(tmp_path):
    """Only the install path of the program is changed (verify checks that it is executable)."""
    here = str(Path(sys.executable).parent / "audiobulletin")
    for name in ("audiobulletin.service", "audiobulletin.timer"):
        (tmp_path / name).write_text((UNITS / name).read_text(encoding="utf-8").replace(INSTALLED, here),
                                     encoding="utf-8")
    done = subprocess.run([analyze(), "verify", str(tmp_path / "audiobulletin.service"),
                           str(tmp_path / "audiobulletin.timer")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "", done.stderr  # not even a warning


def test_the_timer_fires_in_the_morning_in_the_newsroom_time_zone():
    spec = unit("audiobulletin.timer")["Timer"]["OnCalendar"]
    done = subprocess.run([analyze(), "calendar", spec, "--iterations=6"], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "TZ": "Asia/Shanghai", "LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    times = [line.split()[-2] for line in done.stdout.splitlines() if "Iter." in line or "Next elapse" in line]
    # the iterations start from now, so they wrap around midnight depending on when the test runs
    assert sorted(times) == ["05:00:00", "05:30:00", "06:00:00", "06:30:00", "07:00:00", "07:30:00"]


def test_the_service_command_exits_9_with_an_empty_inbox(tmp_path):
    service = unit("audiobulletin.service")["Service"]
    assert service["SuccessExitStatus"] == "9" and service["Type"] == "oneshot"
    args = shlex.split(service["ExecStart"])
    assert args[0] == INSTALLED
    moved = [a.replace("/srv/audiobulletin", str(tmp_path)) for a in args[1:]]
    (tmp_path / "inbox").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
    env.update(TZ="Asia/Shanghai", AUDIOBULLETIN_CACHE_DIR=str(tmp_path / "cache"), AUDIOBULLETIN_PAPER="太原日报")
    done = subprocess.run([str(Path(sys.executable).parent / "audiobulletin"), *moved], capture_output=True,
                          text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 9, done.stderr
    assert "no edition for" in done.stderr and "yet" in done.stderr
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())
