"""Engine chains and the terms guard: which engines a run may use, decided before any speech."""

from __future__ import annotations

import pytest

from audiobulletin.errors import ConfigError
from audiobulletin.speech.builtin import BuiltinEngine, _build_kokoro, _describe_kokoro
from audiobulletin.speech.chain import EngineChain, check_chain
from audiobulletin.speech.registry import Registered, Registry, discover


@pytest.fixture(scope="module")
def registry() -> Registry:
    return discover()


def installed_kokoro(registry: Registry) -> Registry:
    """The registry as it is once the [kokoro] extra is installed (its packages importable)."""
    kokoro = BuiltinEngine(_describe_kokoro, _build_kokoro)
    return Registry({**registry.entries, "kokoro": Registered("kokoro", "test", kokoro)})


def test_chains_from_the_engine_and_fallback_settings():
    assert EngineChain.of("auto").engines == ("edge", "offline")  # as before
    assert EngineChain.of("auto", "kokoro").engines == ("edge", "kokoro")
    assert EngineChain.of("azure", "offline").engines == ("azure", "offline")
    assert EngineChain.of("azure").engines == ("azure",)
    assert EngineChain.of("offline").describe() == "offline"
    assert EngineChain.of("azure", "offline").describe() == "azure with offline fallback"
    with pytest.raises(ConfigError, match="fallback is the engine itself"):
        EngineChain.of("azure", "azure")


@pytest.mark.parametrize("engine, fallback, refused", [
    ("edge", "", ["edge"]),
    ("offline", "", ["offline"]),
    ("auto", "", ["edge", "offline"]),
    ("azure", "offline", ["offline"]),
    ("kokoro", "edge", ["edge"]),
])
def test_commercial_refuses_edge_and_the_offline_voice_naming_them_and_the_alternatives(
        registry, engine, fallback, refused):
    with pytest.raises(ConfigError) as raised:
        check_chain(EngineChain.of(engine, fallback), registry, commercial=True)
    error = raised.value
    assert error.exit_code == 3 and error.message.startswith("commercial = true, but")
    for name in ("edge", "offline"):
        assert (f"the {name} engine's terms" in error.message) == (name in refused)
    if "edge" in refused:
        assert "terms forbid commercial use" in error.message
    if "offline" in refused:
        assert "terms do not state commercial use" in error.message and "Baker" in error.message
    assert error.hint.startswith("engines whose terms allow it: azure, kokoro")


def test_commercial_allows_azure_and_kokoro(registry):
    with_kokoro = installed_kokoro(registry)
    check_chain(EngineChain.of("azure"), with_kokoro, commercial=True)
    check_chain(EngineChain.of("azure", "kokoro"), with_kokoro, commercial=True)
    check_chain(EngineChain.of("kokoro"), with_kokoro, commercial=True)


def test_kokoro_without_its_extra_is_not_installed_never_a_crash(registry):
    missing = BuiltinEngine(_describe_kokoro, _build_kokoro, requires=("audiobulletin_no_such_module",),
                            extra="kokoro")
    without = Registry({**registry.entries, "kokoro": Registered("kokoro", "test", missing, missing.missing())})
    with pytest.raises(ConfigError) as raised:
        check_chain(EngineChain.of("azure", "kokoro"), without, commercial=True)
    assert raised.value.message == "engine 'kokoro': not installed: pip install '.[kokoro]'"
    with pytest.raises(ConfigError) as guarded:  # and the guard's hint says so
        check_chain(EngineChain.of("edge"), without, commercial=True)
    assert "kokoro (not installed: pip install '.[kokoro]')" in guarded.value.hint


def test_without_commercial_every_installed_engine_is_allowed(registry):
    for engine, fallback in (("auto", ""), ("edge", ""), ("offline", ""), ("azure", "offline")):
        check_chain(EngineChain.of(engine, fallback), registry, commercial=False)


def test_an_unknown_engine_or_fallback_lists_the_known_ones(registry):
    for engine, fallback, setting in (("polly", "", "engine"), ("azure", "polly", "fallback")):
        with pytest.raises(ConfigError) as raised:
            check_chain(EngineChain.of(engine, fallback), registry, commercial=False)
        assert raised.value.setting == setting  # the pipeline names where it was set
        assert raised.value.one_line() == "unknown engine 'polly' — known engines: azure, edge, kokoro, offline"


def test_the_profile_must_have_voices_for_every_engine_of_the_chain(registry, tmp_path):
    from audiobulletin.speech import load_profile

    path = tmp_path / "p.toml"
    path.write_text('[azure]\nbody = { voice = "zh-CN-XiaoxiaoNeural" }\n', encoding="utf-8")
    profile = load_profile(path, registry)
    check_chain(EngineChain.of("azure"), registry, commercial=True, voice_for=profile.voice_for)
    with pytest.raises(ConfigError, match=r"no \[offline\] body voice"):
        check_chain(EngineChain.of("azure", "offline"), registry, commercial=False, voice_for=profile.voice_for)


def test_engine_settings_reach_their_engine_and_secrets_stay_out_of_reprs(tmp_path):
    from audiobulletin.config import load_settings
    from audiobulletin.pipeline import engine_options, stage_options

    env = {"AUDIOBULLETIN_AZURE_KEY": "secret-key-1", "AUDIOBULLETIN_AZURE_REGION": "eastasia",
           "AUDIOBULLETIN_ENGINE": "azure", "AUDIOBULLETIN_MY_VENDOR_TOKEN": "secret-token-2",
           "AUDIOBULLETIN_CACHE_DIR": str(tmp_path)}
    settings = load_settings(env=env)
    assert dict(settings.engine_env) == {"AUDIOBULLETIN_MY_VENDOR_TOKEN": "secret-token-2"}
    options = engine_options(settings)
    assert options["azure"]["key"] == "secret-key-1" and options["azure"]["region"] == "eastasia"
    assert options["my_vendor"] == {"token": "secret-token-2"}  # a plug-in named my_vendor
    assert options["my"] == {"vendor_token": "secret-token-2"}  # or one named my
    speech = stage_options(settings, publishing=False).speech
    assert speech.setup_for("azure").options["key"] == "secret-key-1"
    for shown in (repr(settings), repr(speech), repr(speech.setup_for("azure"))):
        assert "secret-key-1" not in shown and "secret-token-2" not in shown
