"""A whole edition in sections through `generate` (real offline voice, real ffmpeg), read back with
independent tools: ffprobe's chapters, mutagen's tables of contents, the DAISY book's links, the
web page's and the EPUB's headings, the feed through podcastparser and gPodder."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import podcastparser
import pytest
from lxml import etree, html
from mutagen.id3 import ID3, CTOCFlags

from audiobulletin.publish.manifest_file import load
from audiobulletin.publish.server import serving
from fault_runs import Run, alive, descendants, kill_all, leftovers, tree
from gpodder_cli import gpodder
from readback import chapters as ffmpeg_chapters
from readback import ebur128

pytestmark = pytest.mark.slow  # the real offline voice on a three-page edition

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("page*.txt"))
DATE = "2021-06-27"
BASE = "https://radio.example.org/pod/"
TITLES = ["本期要目", "要闻", "要闻｜我市新建城市书房二十座", "要闻｜汾河湿地公园开放", "综合",
          "综合｜气温回升，市民出游增多", "综合｜夏粮收购工作启动", "城事", "城事｜老旧小区加装电梯"]


def command(folder: Path, out: Path, cache: Path, episodes: str = "section", base: str = BASE) -> list[str]:
    config = folder / f"{cache.name}-{episodes}.toml"
    config.write_text(f'paper = "太原日报"\nbase_url = "{base}"\nepisodes = "{episodes}"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\ncache_dir = "{cache}"\n', encoding="utf-8")
    return [sys.executable, "-c", "from audiobulletin.cli import main; main()", "--config", str(config),
            "generate", *map(str, PAGES), "--date", DATE, "--out", str(out), "--engine", "offline", "--workers", "2"]


def generate(folder: Path, out: Path, cache: Path, episodes: str = "section", base: str = BASE):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
    result = subprocess.run(command(folder, out, cache, episodes, base), capture_output=True, text=True,
                            timeout=900, env=env)
    assert result.returncode == 0, result.stderr
    return result


def version_of(out: Path) -> Path:
    """The published version folder of the date (output/2021-06-27/<version>/)."""
    return out / load(out)[0][DATE].version_folder


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sections")
    out, cache = folder / "out", folder / "cache"
    generate(folder, out, cache)
    return folder, out, cache


def test_ffprobe_lists_the_chapters_in_order_with_their_sections(published):
    _, out, _ = published
    found = ffmpeg_chapters(version_of(out) / "bulletin.mp3")
    assert [c.title for c in found] == TITLES
    assert all(a.end_ms == b.start_ms for a, b in zip(found, found[1:]))


def test_mutagen_reads_a_top_table_of_contents_of_section_tables(published):
    _, out, _ = published
    tags = ID3(version_of(out) / "bulletin.mp3")
    tocs = {toc.element_id: toc for toc in tags.getall("CTOC")}
    chaps = {chap.element_id: chap.sub_frames["TIT2"].text[0] for chap in tags.getall("CHAP")}
    top = tocs["toc"]
    assert top.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert top.child_element_ids == ["chp0", "sec0", "sec1", "sec2"] and chaps["chp0"] == "本期要目"
    nested = {toc_id: (tocs[toc_id].sub_frames["TIT2"].text[0], [chaps[c] for c in tocs[toc_id].child_element_ids])
              for toc_id in top.child_element_ids[1:]}
    assert nested == {"sec0": ("要闻", TITLES[1:4]), "sec1": ("综合", TITLES[4:7]), "sec2": ("城事", TITLES[7:])}
    assert not any(tocs[t].flags & CTOCFlags.TOP_LEVEL for t in nested)


def test_the_daisy_ncc_has_edition_section_article_levels_and_every_link_resolves(published):
    _, out, _ = published
    book = version_of(out) / "accessible" / "daisy"
    ncc = etree.parse(str(book / "ncc.html"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    headings = [(h.tag.split("}")[1], "".join(h.itertext()), h.find("x:a", ns).get("href"))
                for h in ncc.xpath("//x:body/*[self::x:h1 or self::x:h2 or self::x:h3]", namespaces=ns)]
    assert [(level, text) for level, text, _ in headings] == [
        ("h1", "太原日报 2021年6月27日"), ("h2", "要闻"), ("h3", "我市新建城市书房二十座"), ("h3", "汾河湿地公园开放"),
        ("h2", "综合"), ("h3", "气温回升，市民出游增多"), ("h3", "夏粮收购工作启动"), ("h2", "城事"),
        ("h3", "老旧小区加装电梯"), ("h2", "结束语")]
    assert ncc.xpath("string(//x:meta[@name='ncc:depth']/@content)", namespaces=ns) == "3"
    content = etree.parse(str(book / "content.html"))
    content_ids = set(content.xpath("//@id"))
    smil_files = {href.split("#")[0] for _, _, href in headings}
    for _, _, href in headings:  # ncc -> a par in the SMIL
        name, anchor = href.split("#")
        assert anchor in etree.parse(str(book / name)).xpath("//@id"), href
    for name in smil_files:  # SMIL -> the text in content.html and the audio file
        smil = etree.parse(str(book / name))
        for src in smil.xpath("//text/@src"):
            assert src.split("#")[0] == "content.html" and src.split("#")[1] in content_ids, (name, src)
        assert {src for src in smil.xpath("//audio/@src")} == {"episode.mp3"} and (book / "episode.mp3").is_file()
    assert [h.tag for h in content.xpath("//x:h1|//x:h2|//x:h3", namespaces=ns)][:4] == [
        "{http://www.w3.org/1999/xhtml}h1", "{http://www.w3.org/1999/xhtml}h2", "{http://www.w3.org/1999/xhtml}h3",
        "{http://www.w3.org/1999/xhtml}h3"]


def test_the_web_page_nests_articles_in_sections(published):
    _, out, _ = published
    page = html.parse(str(version_of(out) / "accessible" / "index.html"))
    sections = page.xpath("//section[contains(@class, 'paper-section')]")
    assert [s.xpath("string(h2)") for s in sections] == ["要闻", "综合", "城事"]
    assert [[a.xpath("string(.//h3)") for a in s.xpath("article")] for s in sections] == [
        ["我市新建城市书房二十座", "汾河湿地公园开放"], ["气温回升，市民出游增多", "夏粮收购工作启动"], ["老旧小区加装电梯"]]
    toc = page.xpath("//nav[@aria-labelledby='toc-h']/ol/li")
    assert [li.xpath("string(a)") for li in toc] == ["要闻", "综合", "城事"]
    assert [li.xpath("string(a)") for li in toc[0].xpath("ol/li")] == ["我市新建城市书房二十座", "汾河湿地公园开放"]


def test_the_epub_nav_nests_articles_in_sections(published):
    _, out, _ = published
    with zipfile.ZipFile(version_of(out) / "accessible" / f"{DATE}.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        smils = [n for n in book.namelist() if n.endswith(".smil")]
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    top = nav.xpath("//x:nav/x:ol/x:li", namespaces=ns)
    assert [li.xpath("string(x:a)", namespaces=ns) for li in top] == [
        "太原日报 2021年6月27日", "要闻", "综合", "城事", "结束语"]
    assert [li.xpath("string(x:a)", namespaces=ns) for li in top[1].xpath("x:ol/x:li", namespaces=ns)] == [
        "我市新建城市书房二十座", "汾河湿地公园开放"]
    assert {"EPUB/s01.smil", "EPUB/a01.smil", "EPUB/a05.smil"} <= set(smils)  # overlays per article


def test_transcripts_and_chapters_mark_where_each_section_starts(published):
    _, out, _ = published
    day = version_of(out)
    chapters = json.loads((day / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    assert [c["title"] for c in chapters] == TITLES
    vtt = (day / "transcript.vtt").read_text(encoding="utf-8")
    assert [m for m in re.findall(r"^NOTE 版面：(.+)$", vtt, re.M)] == ["要闻", "综合", "城事"]
    text = (day / "transcript.txt").read_text(encoding="utf-8")
    assert text.count("＝" * 20) == 3 and text.index("要闻") < text.index("综合") < text.index("城事")


def test_one_feed_item_per_section_with_stable_guids_and_each_section_mp3_on_target(published, tmp_path):
    folder, out, cache = published
    feed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    items = sorted(feed["episodes"], key=lambda e: e["published"])
    assert [e["title"] for e in items] == ["太原日报 6月27日 要闻", "太原日报 6月27日 综合", "太原日报 6月27日 城事"]
    assert [e["number"] for e in items] == [1, 2, 3]
    version = load(out)[0][DATE].version_folder
    assert [e["enclosures"][0]["url"] for e in items] == [BASE + f"{version}/sections/0{n}.mp3" for n in (1, 2, 3)]
    for n, item in enumerate(items, start=1):
        mp3 = version_of(out) / "sections" / f"0{n}.mp3"
        assert item["enclosures"][0]["file_size"] == mp3.stat().st_size
        meter = ebur128(mp3)
        assert abs(meter.integrated + 19.0) <= 0.5 and meter.true_peak <= -1.0
        found = ffmpeg_chapters(mp3)
        assert found[0].title == TITLES[[1, 4, 7][n - 1]] and found[0].start_ms == 0
        assert abs(found[-1].end_ms / 1000 - item["total_time"]) <= 1
    # regenerated (a correction): the same sections keep their GUIDs
    again = tmp_path / "again"
    generate(folder, again, cache)
    renewed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((again / "feed.xml").read_bytes()))
    assert sorted(e["guid"] for e in renewed["episodes"]) == sorted(e["guid"] for e in items)


def test_gpodder_subscribes_and_downloads_every_section_episode(published, tmp_path):
    gpo = gpodder(tmp_path)
    folder, _, cache = published
    out = tmp_path / "served"

    out.mkdir()
    with serving(out) as url:
        generate(folder, out, cache, base=url)  # the feed's links must point at this server
        gpo("subscribe", url + "feed.xml")
        listing = gpo("episodes", url + "feed.xml")
        assert all(f"太原日报 6月27日 {name}" in listing for name in ("要闻", "综合", "城事"))
        gpo("download", url + "feed.xml")
    downloads = sorted(p for p in (tmp_path / "downloads").rglob("*") if p.is_file())
    sections = sorted((version_of(out) / "sections").glob("*.mp3"))
    assert len(downloads) == len(sections) == 3
    assert sorted(p.read_bytes() for p in downloads) == sorted(p.read_bytes() for p in sections)


def _mastering(out: Path) -> bool:
    """A run has begun mastering: an MP3 part is being encoded in the version it builds."""
    return any(".part" in p.name for d in out.glob("*/.*.staging-*") for p in d.rglob("*"))


def test_a_whole_edition_run_stopped_while_mastering_leaves_no_spooled_audio_and_the_output_as_it_was(
        published, tmp_path):
    """SIGTERM while chapters are being mastered: the run exits 143, every file it had (the
    spooled clips, the assembled episode, the broadcast audio: all unnamed) and every part is
    gone, and the published output is byte-identical; SIGKILL leaves only its hidden staging
    folder of MP3 parts, which the next run clears."""
    folder, out, cache = published
    for signum in (signal.SIGTERM, signal.SIGKILL):
        target = tmp_path / f"out-{signum}"
        subprocess.run(["cp", "-a", str(out), str(target)], check=True)
        before = tree(target)
        run, children = Run.start(command(folder, target, cache)), []
        try:
            assert run.wait_for(functools.partial(_mastering, target)), run.errors
            children = descendants(run.process.pid)
            spooled = [os.readlink(f"/proc/{run.process.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{run.process.pid}/fd")]
            run.process.send_signal(signum)
            code = run.process.wait(timeout=60)
            at_exit = [c for c in children if alive(c)]
            # SIGTERM: the run stops its encoders and workers; SIGKILL: they see their input end
            deadline = time.monotonic() + 30
            while [c for c in children if alive(c)] and time.monotonic() < deadline:
                time.sleep(0.05)
            still = [c for c in children if alive(c)]
        finally:
            run.stop()
            kill_all(children)
        assert still == []
        # the spool: files open in the staged folder, none of them with a name
        assert any(".staging-" in link and "(deleted)" in link for link in spooled), spooled
        if signum == signal.SIGTERM:
            assert code == 143, run.errors
            assert at_exit == []  # stopped before the run exited
            assert tree(target) == before  # hidden files included
        else:
            assert {name: digest for name, digest in tree(target).items()
                    if not any(p.startswith(".") for p in name.split("/"))} == \
                {name: digest for name, digest in before.items() if not any(p.startswith(".") for p in name.split("/"))}
            left = leftovers(target)
            assert left and all(".staging-" in name for name in left)
            files = [p for d in target.glob("*/.*.staging-*") for p in d.rglob("*") if p.is_file()]
            assert all(p.name.startswith(".bulletin.mp3.") and ".part" in p.name for p in files), files
