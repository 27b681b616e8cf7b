"""Shared fixtures. Every test runs hermetically: no inherited AUDIOBULLETIN_* variable, a speech
cache and user config folder of its own, and a working folder that is neither the repository nor
shared with another test, so the suite passes from any folder and whatever the shell exported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
SAMPLE = FIXTURES / "taiyuan-daily-2021-06-27.txt"
PREFIX = "AUDIOBULLETIN_"

# the local speech servers' fixtures: edge_server / azure_server (per test) over one server a session
pytest_plugins = ["edge_server", "azure_server"]


def _isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Clear AUDIOBULLETIN_*; point the user cache and config folders (platformdirs follows the
    XDG variables on Linux, also in subprocesses) and the working folder into `home`."""
    for name in [n for n in os.environ if n.startswith(PREFIX)]:
        mp.delenv(name)
    for variable, folder in (("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
        (home / folder).mkdir(parents=True, exist_ok=True)
        mp.setenv(variable, str(home / folder))
    (home / "cwd").mkdir(exist_ok=True)
    mp.chdir(home / "cwd")


@pytest.fixture(scope="session", autouse=True)
def hermetic_session(tmp_path_factory):
    """For module- and session-scoped fixtures, which are set up before any function fixture."""
    # A suite started in the background by a non-interactive shell inherits SIGINT ignored, and
    # so would every program it starts: the Ctrl-C tests would then test nothing. A handler (not
    # an ignore) is reset to the default in the programs started, so they get Ctrl-C again.
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, tmp_path_factory.mktemp("session-home"))
        yield


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory, monkeypatch):
    """Per test: a fresh speech cache (a test that needs the voice runs it), config folder and
    working folder."""
    _isolate(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def newsroom_config(tmp_path_factory) -> Path:
    """A config file naming the paper; everything else is the default."""
    path = tmp_path_factory.mktemp("config") / "audiobulletin.toml"
    path.write_text('paper = "太原日报"\n', encoding="utf-8")
    return path
