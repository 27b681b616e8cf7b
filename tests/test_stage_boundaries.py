"""The package's imports follow the data flow: a stage imports only itself, earlier stages and the
shared helpers; only the pipeline and the command line (on top) see the settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "audiobulletin"

LAYERS = ["base", "parse", "script", "speech", "assemble", "master", "publish", "top"]
"""Allowed direction: a module may import its own layer and any layer before it."""

MODULE_LAYER = {
    # shared helpers with no knowledge of any stage
    "audiobulletin": "base", "__init__": "base", "__version__": "base", "errors": "base", "atomic": "base",
    "tomlfile": "base", "clock": "base", "ffmpeg": "base", "cleantext": "base", "interrupt": "base", "spool": "base",
    "edition": "parse",  # the parse stage's output
    "inbox": "parse",  # finds the edition file the parse stage reads
    "earcon": "assemble", "timeline": "assemble", "assemble": "assemble",  # the assembly stage and its output
    "config": "top", "pipeline": "top", "cli": "top", "doctor": "top", "review": "top", "batch": "top",
}


def layer_of(module: str) -> str:
    """audiobulletin.speech.cache -> speech; audiobulletin.errors -> base."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else parts[0]
    if head in LAYERS:
        return head
    if head not in MODULE_LAYER:
        pytest.fail(f"{module}: put this module in a layer in {__file__}")
    return MODULE_LAYER[head]


def imports_of(path: Path) -> set[str]:
    """Every audiobulletin module `path` imports, at module level or inside functions."""
    module = ".".join(("audiobulletin", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("audiobulletin")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("audiobulletin"):
                if node.module is None:  # from . import x: each name may be a module
                    found |= {f"{target}.{alias.name}" for alias in node.names}
                else:
                    found.add(target)
    return found


def modules():
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_stage_imports_only_itself_earlier_stages_and_shared_helpers(path):
    module = ".".join(("audiobulletin", *path.relative_to(PACKAGE).with_suffix("").parts))
    own = LAYERS.index(layer_of(module))
    for target in imports_of(path):
        theirs = layer_of(target)
        assert LAYERS.index(theirs) <= own, f"{module} ({LAYERS[own]}) imports {target} ({theirs}), a later stage"
        if LAYERS[own] != "top":
            assert layer_of(target) != "top", f"{module} imports {target}: stages get options, never settings"


def test_the_checker_sees_a_violation(tmp_path):
    """The walk above finds relative imports, function-level imports and `from . import x`."""
    path = PACKAGE / "speech" / "choose.py"
    found = imports_of(path)
    assert "audiobulletin.speech.cache" in found  # from .cache import CachedEngine
    assert "audiobulletin.script.reading" in found  # inside build_engine
    assert layer_of("audiobulletin.config") == "top" and layer_of("audiobulletin.speech.pinyin") == "speech"
    assert LAYERS.index(layer_of("audiobulletin.publish.feed")) > LAYERS.index(layer_of("audiobulletin.master"))


def test_each_stage_has_one_entry_with_its_options():
    from audiobulletin import master, parse, publish, script, speech

    assert callable(parse.parse_edition) and parse.ParseOptions.__dataclass_params__.frozen
    assert callable(script.build_script) and script.ScriptOptions.__dataclass_params__.frozen
    assert callable(speech.speak) and speech.SpeechOptions.__dataclass_params__.frozen
    assert callable(master.master) and master.MasterOptions.__dataclass_params__.frozen
    assert callable(publish.publish) and publish.PublishOptions.__dataclass_params__.frozen
