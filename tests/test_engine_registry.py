"""Engines as plug-ins: the entry-point group, the built-in engines' descriptions and terms, and
plug-ins that are broken in the ways a real one can be."""

from __future__ import annotations

import importlib.metadata
import textwrap

import pytest

from audiobulletin.errors import ConfigError
from audiobulletin.speech import builtin
from audiobulletin.speech.engine import (CommercialUse, Engine, EngineInfo, EngineSetup, SpeechRequest, Terms,
                                         VoiceInfo)
from audiobulletin.speech.registry import GROUP, discover
from audiobulletin.speech.voice import Voice
from plugin_dist import write_distribution

GOOD_PLUGIN = textwrap.dedent('''
    from audiobulletin.speech.engine import Clip, CommercialUse, Engine, EngineInfo, Terms, VoiceInfo

    class Hum(Engine):
        name = "hum"
        info = EngineInfo(name="hum", label="嗡", voices=(VoiceInfo("low", "zh-CN"),), output="24 kHz PCM",
                          word_boundaries=False,
                          terms=Terms(CommercialUse.ALLOWED, "test", "https://example.org/terms"))

        def version(self):
            return "hum/1"

        def render(self, requests, on_result):
            for request in requests:
                on_result(request, Clip(b"\\x00\\x10" * 2400, 24000, engine="hum"))
''')


def test_the_package_registers_its_engines_under_the_entry_point_group():
    registered = {e.name: e.value for e in importlib.metadata.entry_points(group=GROUP)
                  if e.dist is not None and e.dist.name == "audiobulletin"}
    assert registered == {name: f"audiobulletin.speech.builtin:{name}"
                          for name in ("offline", "edge", "azure", "kokoro")}
    registry = discover()
    for name in registered:
        assert registry.entries[name].spec is getattr(builtin, name)


def test_every_built_in_engine_declares_its_voices_output_and_terms():
    registry = discover()
    expected = {"offline": CommercialUse.UNKNOWN, "edge": CommercialUse.FORBIDDEN,
                "azure": CommercialUse.ALLOWED, "kokoro": CommercialUse.ALLOWED}
    for name, commercial in expected.items():
        info = registry.info(name)
        assert info.name == name and info.label and info.output
        assert info.terms.commercial_use is commercial
        assert info.terms.url.startswith("https://") and "\n" not in info.terms.licence
        assert info.voices and all(v.language.startswith("zh") for v in info.voices)
    assert registry.info("edge").word_boundaries and not registry.info("azure").word_boundaries
    assert registry.info("azure").network and not registry.info("offline").network
    assert registry.info("offline").offline_reading and not registry.info("edge").offline_reading
    assert {v.name for v in registry.info("kokoro").voices} == {"zf_xiaoxiao", "zm_yunyang"}
    assert "Apache-2.0" in registry.info("kokoro").terms.licence


def test_voice_names_are_checked_against_each_engines_list_or_pattern():
    registry = discover()
    assert registry.info("offline").voice_problem("baker") is None
    assert "has no voice 'xiaoxiao' (it has baker)" in registry.info("offline").voice_problem("xiaoxiao")
    assert registry.info("azure").voice_problem("zh-CN-XiaochenMultilingualNeural") is None
    assert "(like zh-CN-XiaoxiaoNeural)" in registry.info("edge").voice_problem("Xiaoxiao")


def test_an_engine_whose_packages_are_missing_says_how_to_install_them():
    kokoro_without_extra = builtin.BuiltinEngine(builtin._describe_kokoro, builtin._build_kokoro,
                                                 requires=("audiobulletin_no_such_module",), extra="kokoro")
    assert kokoro_without_extra.missing() == "not installed: pip install '.[kokoro]'"
    with pytest.raises(ConfigError, match=r"kokoro engine is not installed: pip install '\.\[kokoro\]'") as raised:
        kokoro_without_extra.create(EngineSetup())
    assert raised.value.exit_code == 3
    assert kokoro_without_extra.info.terms.commercial_use is CommercialUse.ALLOWED  # still described


def test_a_plugin_that_raises_on_import_is_named_and_the_others_still_work(tmp_path, monkeypatch):
    write_distribution(tmp_path, "vendor-voice", {
        "vendor_voice": "raise RuntimeError('the vendor SDK is not configured')\n",
        "hum_engine": GOOD_PLUGIN}, {"vendor": "vendor_voice:Engine", "hum": "hum_engine:Hum"})
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = discover()
    broken = registry.entries["vendor"]
    assert broken.spec is None
    assert broken.problem == ("plug-in 'vendor' (vendor_voice:Engine) failed to load: "
                              "RuntimeError: the vendor SDK is not configured")
    with pytest.raises(ConfigError, match="plug-in 'vendor' .* failed to load") as raised:
        registry.create("vendor", EngineSetup())
    assert raised.value.exit_code == 3
    hum = registry.create("hum", EngineSetup())
    results = {}
    hum.render([SpeechRequest(0, "嗡。", Voice("hum", "low"))], lambda r, res: results.setdefault(r.index, res))
    assert results[0].engine == "hum" and results[0].duration == pytest.approx(0.1)
    assert registry.info("azure").name == "azure"  # the built-ins are untouched


@pytest.mark.parametrize("source, target, problem", [
    ("x = 1\n", "notengine:x", "is not an engine: it needs `info` (an EngineInfo) and `create(setup)`"),
    (GOOD_PLUGIN, "hum_engine:Hum", "calls itself 'hum': the entry point must use that name"),
])
def test_a_plugin_that_is_not_a_valid_engine_is_refused_with_its_name(tmp_path, monkeypatch, source, target,
                                                                       problem):
    module = target.split(":")[0]
    write_distribution(tmp_path, "odd", {module: source}, {"odd": target})
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = discover().entries["odd"]
    assert entry.spec is None and entry.problem == f"plug-in 'odd' ({target}) {problem}"


def test_two_plugins_claiming_one_name_are_both_refused(tmp_path, monkeypatch):
    write_distribution(tmp_path / "a", "first", {"hum_a": GOOD_PLUGIN}, {"hum": "hum_a:Hum"})
    write_distribution(tmp_path / "b", "second", {"hum_b": GOOD_PLUGIN}, {"hum": "hum_b:Hum"})
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    entry = discover().entries["hum"]
    assert entry.spec is None and "registered twice" in entry.problem
    assert "first 1.0" in entry.problem and "second 1.0" in entry.problem


def test_an_unknown_engine_lists_the_known_ones():
    with pytest.raises(ConfigError) as raised:
        discover().entry("polly", where="audiobulletin.toml")
    assert raised.value.exit_code == 3
    assert raised.value.one_line() == ("audiobulletin.toml: unknown engine 'polly' — "
                                       "known engines: azure, edge, kokoro, offline")


def test_engine_descriptions_refuse_what_the_guard_could_not_read():
    with pytest.raises(ValueError, match="one-line licence"):
        Terms(CommercialUse.ALLOWED, "line one\nline two", "https://example.org")
    with pytest.raises(ValueError, match="a URL"):
        Terms("allowed", "MIT", "example.org")
    assert Terms("forbidden", "x", "https://example.org").commercial_use is CommercialUse.FORBIDDEN
    with pytest.raises(ValueError):
        Terms("perhaps", "x", "https://example.org")
    with pytest.raises(ValueError, match="unknown role"):
        VoiceInfo("v", "zh-CN", roles=("anchor",))
    with pytest.raises(ValueError, match="lower-case identifier"):
        EngineInfo("My Engine", "x", (), "pcm", False, Terms("allowed", "x", "https://example.org"))


def test_engine_create_builds_a_plain_subclass():
    class Plain(Engine):
        name = "plain"

        def version(self):
            return "1"

        def render(self, requests, on_result):
            pass

    assert isinstance(Plain.create(EngineSetup(workers=2)), Plain)
