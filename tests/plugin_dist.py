"""Installed-looking plug-in distributions for tests: a module and its dist-info in a folder that a
test puts on sys.path, so importlib.metadata finds the entry points exactly as pip would leave them."""

from __future__ import annotations

from pathlib import Path

from audiobulletin.speech.registry import GROUP


def write_distribution(root: Path, dist: str, modules: dict[str, str], engines: dict[str, str],
                       version: str = "1.0") -> Path:
    """`modules`: module name -> source; `engines`: entry-point name -> "module:attr"."""
    root.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (root / f"{name}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    lines = "".join(f"{name} = {target}\n" for name, target in engines.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}", encoding="utf-8")
    return root
