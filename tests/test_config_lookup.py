"""Where settings, the voice profile and the lexicon come from when no path is given.

Config file: --config, $AUDIOBULLETIN_CONFIG, ./audiobulletin.toml, the user config folder.
voices/*.toml: beside the config file in use, the working folder, the package.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audiobulletin.config import (find_config, load_settings, packaged_voices_file, user_config_file,
                                  voices_file)
from audiobulletin.errors import ConfigError
from audiobulletin.script.reading import load_lexicon
from audiobulletin.script.segment import Role
from audiobulletin.speech import load_profile

REPO_VOICES = Path(__file__).resolve().parents[1] / "voices"


@pytest.fixture
def empty_place() -> Path:
    """The test's own empty working folder; conftest's `hermetic` also gives it an empty user
    config folder ($XDG_CONFIG_HOME) and clears AUDIOBULLETIN_*."""
    return Path.cwd()


def _config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_anywhere_means_defaults_and_the_packaged_voices(empty_place):
    assert find_config() is None
    settings = load_settings()
    assert settings.paper == "" and settings.engine == "auto"
    assert settings.profile == packaged_voices_file("default.toml")
    assert settings.lexicon == packaged_voices_file("lexicon.toml")
    assert load_profile(settings.profile).voice_for("offline", Role.BODY).name == "baker"
    assert load_lexicon(settings.lexicon).readings  # the shipped lexicon is not empty


def test_the_packaged_voices_are_the_repository_files_not_a_copy():
    # one copy of each file: in this (editable) install the package reads voices/ itself
    for name in ("default.toml", "lexicon.toml"):
        assert packaged_voices_file(name).samefile(REPO_VOICES / name)


def test_config_lookup_order(empty_place, tmp_path):
    user = _config(user_config_file(), 'paper = "用户报"\n')
    assert user.is_relative_to(os.environ["XDG_CONFIG_HOME"])
    assert find_config() == user and load_settings().paper == "用户报"

    _config(empty_place / "audiobulletin.toml", 'paper = "本地报"\n')
    assert find_config() == Path("audiobulletin.toml") and load_settings().paper == "本地报"

    from_env = _config(tmp_path / "env.toml", 'paper = "环境报"\n')
    env = {"AUDIOBULLETIN_CONFIG": str(from_env)}
    assert find_config(env=env) == from_env and load_settings(env=env).paper == "环境报"

    explicit = _config(tmp_path / "flag.toml", 'paper = "命令报"\n')
    assert find_config(explicit, env) == explicit and load_settings(explicit, env).paper == "命令报"


def test_an_explicit_config_that_does_not_exist_is_an_error_not_a_fallback(empty_place, tmp_path):
    _config(empty_place / "audiobulletin.toml", 'paper = "本地报"\n')
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.toml")


def test_precedence_defaults_file_environment_flags(empty_place):
    config = _config(empty_place / "audiobulletin.toml", 'paper = "文件报"\nkeep_episodes = 5\nworkers = 2\n')
    env = {"AUDIOBULLETIN_KEEP_EPISODES": "7", "AUDIOBULLETIN_WORKERS": "3"}
    settings = load_settings(config, env, workers=4)
    assert (settings.paper, settings.keep_episodes, settings.workers, settings.bitrate_kbps) == ("文件报", 7, 4, 64)


def test_voices_beside_the_config_file_win_over_the_working_folder_and_the_package(empty_place, tmp_path):
    site = tmp_path / "site"
    config = _config(site / "audiobulletin.toml", 'paper = "某报"\n')
    shipped = (REPO_VOICES / "default.toml").read_text(encoding="utf-8")
    assert load_settings(config).profile == packaged_voices_file("default.toml")

    in_work = _config(empty_place / "voices" / "default.toml", shipped.replace('name = "default"', 'name = "work"'))
    assert voices_file("default.toml") == in_work
    assert load_settings(config).profile == in_work

    beside = _config(site / "voices" / "default.toml", shipped.replace('name = "default"', 'name = "site"'))
    settings = load_settings(config)
    assert settings.profile == beside and load_profile(settings.profile).name == "site"
    # no lexicon beside the config or in the working folder: the packaged one
    assert settings.lexicon == packaged_voices_file("lexicon.toml")


def test_paths_in_a_config_file_are_relative_to_it_and_settings_beat_the_lookup(empty_place, tmp_path):
    site = tmp_path / "site"
    _config(site / "voices" / "default.toml", "[offline]\nbody = { voice = \"baker\" }\n")
    mine = _config(site / "profiles" / "mine.toml", "[offline]\nbody = { voice = \"baker\", rate = 5 }\n")
    config = _config(site / "audiobulletin.toml", 'profile = "profiles/mine.toml"\nlexicon = ""\n')
    settings = load_settings(config)
    assert settings.profile == mine and settings.lexicon is None
    flagged = load_settings(config, profile=REPO_VOICES / "default.toml")
    assert flagged.profile == REPO_VOICES / "default.toml"
