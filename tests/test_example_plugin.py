"""The example plug-in package (examples/beep-engine) installed with pip, as a newsroom would
install its vendor's engine: it is found through its entry point, listed by `voices` with its
terms, and voices a segment through `say`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.speech.registry import discover

pytestmark = pytest.mark.slow  # pip builds and installs the package
EXAMPLE = Path(__file__).parents[1] / "examples" / "beep-engine"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The package installed by pip into a folder of its own (module + dist-info with its entry points)."""
    target = tmp_path_factory.mktemp("site")
    source = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("src") / EXAMPLE.name)  # builds leave files
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                           "--disable-pip-version-check", "--target", str(target), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture
def beep_installed(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    yield
    sys.modules.pop("beep_engine", None)


def test_pip_installs_it_as_an_engine(site, beep_installed):
    assert sorted(p.name for p in site.glob("*.dist-info")) == ["audiobulletin_beep_engine-1.0.dist-info"]
    entry = discover().entries["beep"]
    assert entry.problem == "" and entry.source == "beep_engine:BeepEngine (audiobulletin-beep-engine 1.0)"
    assert entry.info.terms.commercial_use.value == "allowed"


def test_voices_lists_it_with_its_terms(beep_installed):
    result = CliRunner().invoke(cli, ["voices", "--engine", "beep"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].startswith("beep: 提示音 — runs here; 24 kHz 16-bit mono PCM")
    assert lines[3] == "  terms: commercial use allowed — example code, public domain — https://example.org/terms"
    assert lines[4].split()[:3] == ["a440", "-", "zh-CN"]
    assert "beep" in CliRunner().invoke(cli, ["voices"]).output


def test_it_voices_a_segment(beep_installed, tmp_path):
    profile = tmp_path / "beep.toml"
    profile.write_text('[beep]\nbody = { voice = "a440" }\n', encoding="utf-8")
    out = tmp_path / "beep.wav"
    result = CliRunner().invoke(cli, ["say", "本报讯。", "--engine", "beep", "-o", str(out)],
                                env={"AUDIOBULLETIN_PROFILE": str(profile),
                                     "AUDIOBULLETIN_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    said = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    spoken = said["spoken"]  # what the engine was given: a beep per character
    assert said["beep"] == spoken  # its engine input: the text as given (Engine.engine_input's default)
    assert spoken.startswith("本报讯") and f"({0.2 * len(spoken):.1f} s, beep)" in result.stderr
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == 24000 and wav.getnframes() == len(spoken) * 4800
