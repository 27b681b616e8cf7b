"""The suite's own guarantee (conftest.py): what the shell exported and the folder pytest was started
from never reach a test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import HERE, PREFIX, ROOT

from audiobulletin.config import Settings, load_settings
from audiobulletin.speech.cache import default_cache_dir

EXPORTED = {"AUDIOBULLETIN_ENGINE": "edge", "AUDIOBULLETIN_BASE_URL": "http://x/"}


def test_a_test_sees_no_setting_from_outside():
    assert [name for name in os.environ if name.startswith(PREFIX)] == []
    settings = load_settings()
    assert (settings.engine, settings.base_url) == (Settings().engine, Settings().base_url)
    cwd = Path.cwd()
    assert ROOT not in (cwd, *cwd.parents) and list(cwd.iterdir()) == []
    assert Path.home() not in default_cache_dir().parents


def test_variables_exported_before_pytest_starts_are_cleared(tmp_path):
    """Runs the test above in a fresh pytest, from an unrelated folder, with settings exported and a
    config file there (a broken one): it passes only if the fixtures really hide them."""
    (tmp_path / "audiobulletin.toml").write_text('engine = "telepathy"\n', encoding="utf-8")
    env = {**os.environ, **EXPORTED, "AUDIOBULLETIN_CONFIG": str(tmp_path / "audiobulletin.toml")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={ROOT}",
         f"--basetemp={tmp_path / 'inner'}", f"{HERE / 'test_hermetic.py'}::test_a_test_sees_no_setting_from_outside"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout
