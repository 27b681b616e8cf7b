"""The written accessible edition, read back with real parsers: HTML page and index, EPUB 3
package and overlays, DAISY 2.02 ncc and SMIL, and the sentence-level sync with the timeline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from accessible_fixtures import EDITION, build_timeline, make_mp3, publish_sample

from audiobulletin.errors import PublishError
from audiobulletin.publish.accessible import write_accessible_edition, write_index
from audiobulletin.script.segment import Role

SYNC_TOLERANCE_S = 0.010
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "smil": "http://www.w3.org/ns/SMIL",
    "x": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("output")
    written, timeline, mp3 = publish_sample(root)
    return root, written, timeline, mp3


def _page(path: Path):
    import lxml.html

    return lxml.html.parse(str(path)).getroot()


def _resolve(base: Path, href: str) -> Path:
    return (base.parent / unquote(urlsplit(href).path)).resolve()


def _clock(value: str) -> float:
    """SMIL clock values used here: h:mm:ss.fff, npt=12.345s, 12.345s."""
    value = value.removeprefix("npt=")
    if value.endswith("s"):
        return float(value[:-1])
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _assert_in_sync(pars: list[tuple[str, float, float]], timeline):
    """Every clip is one timeline segment to within 10 ms, and every spoken segment has its clip.

    pars: (text of the referenced element, clipBegin, clipEnd).
    """
    unmatched = list(timeline.segments)
    for text, begin, end in pars:
        hits = [t for t in unmatched
                if abs(t.start - begin) <= SYNC_TOLERANCE_S and abs(t.heard_until - end) <= SYNC_TOLERANCE_S]
        assert len(hits) == 1, f"no timeline segment at {begin}-{end} for {text!r}"
        spoken = hits[0]
        if spoken.role == Role.BYLINE:
            assert text == EDITION.articles[spoken.article].byline
        else:
            assert spoken.segment.text in text
        unmatched.remove(spoken)
    assert unmatched == []


# --- HTML -----------------------------------------------------------------------------------


def test_page_structure_language_headings_and_full_text(published):
    _, written, _, _ = published
    page = _page(written.page)
    assert page.get("lang") == "zh-CN"
    assert [h.text_content() for h in page.iter("h1")] == ["太原日报 2021年6月27日"]
    article_h2 = [a.find(".//h2").text_content() for a in page.iter("article")]
    assert article_h2 == [a.headline for a in EDITION.articles]
    text = page.find(".//main").text_content()
    for article in EDITION.articles:
        for line in (*article.subheadings, article.byline or "", *article.paragraphs):
            assert line in text


def test_page_skip_link_comes_first_and_targets_main(published):
    _, written, _, _ = published
    page = _page(written.page)
    first_link = next(page.iter("a"))
    assert (first_link.get("class"), first_link.get("href")) == ("skip", "#main")
    assert page.get_element_by_id("main").tag == "main"


def test_page_sentences_carry_ids_and_timeline_times(published):
    _, written, timeline, _ = published
    page = _page(written.page)
    spans = page.xpath("//span[@data-start]")
    ids = [s.get("id") for s in page.xpath("//span[contains(@class, 's')]")]
    assert len(ids) == len(set(ids)) and all(ids)
    _assert_in_sync([(s.text_content(), float(s.get("data-start")), float(s.get("data-end"))) for s in spans],
                    timeline)


def test_page_audio_jump_links_and_transcripts_resolve(published):
    _, written, timeline, mp3 = published
    page = _page(written.page)
    audio = page.find(".//audio")
    assert audio.get("controls") is not None
    assert _resolve(written.page, audio.get("src")) == mp3.resolve()
    jumps = page.xpath("//article//a[contains(@class, 'jump')]")
    chapters = [c for c in timeline.chapters if c.article is not None]
    assert len(jumps) == len(chapters)
    for link, chapter in zip(jumps, chapters):
        target, fragment = link.get("href").split("#")
        assert _resolve(written.page, target) == mp3.resolve()
        assert abs(float(fragment.removeprefix("t=")) - chapter.start) <= 0.001
        assert float(link.get("data-start")) == float(fragment.removeprefix("t="))
    transcript = page.xpath("//a[contains(., 'WebVTT')]")[0]
    assert _resolve(written.page, transcript.get("href")) == (mp3.parent / "episode.vtt").resolve()
    for href in ("2021-06-27.epub", "daisy/ncc.html"):
        assert page.xpath(f"//a[@href='{href}']") and _resolve(written.page, href).is_file()


def test_page_has_no_external_assets(published):
    _, written, _, _ = published
    page = _page(written.page)
    assert page.xpath("//link[@rel='stylesheet'] | //script[@src] | //img | //iframe") == []
    for attr in page.xpath("//@src | //@href"):
        assert not re.match(r"^[a-z]+:|^//", attr), attr


def test_index_lists_editions_newest_first(published, tmp_path):
    older = dataclasses.replace(EDITION, date=dt.date(2021, 6, 26))
    publish_sample(tmp_path, older)
    publish_sample(tmp_path, EDITION)
    index = write_index(tmp_path)
    page = _page(index)
    assert page.get("lang") == "zh-CN" and len(page.xpath("//h1")) == 1
    titles = [a.text_content() for a in page.xpath("//main/ol/li/a")]
    assert titles == ["太原日报 2021年6月27日", "太原日报 2021年6月26日"]
    for href in page.xpath("//main//a/@href"):
        assert _resolve(index, href).is_file(), href
    edition_page = _page(tmp_path / "2021-06-26" / "accessible" / "index.html")
    assert _resolve(tmp_path / "2021-06-26" / "accessible" / "index.html",
                    edition_page.xpath("//a[.='全部期次']/@href")[0]) == index.resolve()


# --- EPUB -----------------------------------------------------------------------------------


def test_epub_container_mimetype_first_and_stored(published):
    _, written, _, _ = published
    with zipfile.ZipFile(written.epub) as book:
        first = book.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert book.read("mimetype") == b"application/epub+zip"
        container = ET.fromstring(book.read("META-INF/container.xml"))
        assert container[0][0].get("full-path") == "EPUB/package.opf"


def test_epub_package_metadata(published):
    _, written, _, _ = published
    with zipfile.ZipFile(written.epub) as book:
        opf = ET.fromstring(book.read("EPUB/package.opf"))
    meta = {}
    for m in opf.iterfind("opf:metadata/opf:meta", NS):
        meta.setdefault((m.get("property"), m.get("refines")), []).append(m.text)
    assert opf.find("opf:metadata/dc:language", NS).text == "zh-CN"
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert meta[("schema:accessMode", None)] == ["textual", "auditory"]
    assert "textual" in meta[("schema:accessModeSufficient", None)]
    assert {"synchronizedAudioText", "structuralNavigation"} <= set(meta[("schema:accessibilityFeature", None)])
    assert meta[("schema:accessibilityHazard", None)] == ["none"]
    assert meta[("schema:accessibilitySummary", None)][0]
    assert meta[("media:active-class", None)] == ["-epub-media-overlay-active"]
    overlays = [i for i in opf.iterfind("opf:manifest/opf:item", NS) if i.get("media-type") == "application/smil+xml"]
    per_overlay = [_clock(meta[("media:duration", f"#{i.get('id')}")][0]) for i in overlays]
    assert abs(sum(per_overlay) - _clock(meta[("media:duration", None)][0])) < 1e-9
    navs = [i for i in opf.iterfind("opf:manifest/opf:item", NS) if i.get("properties") == "nav"]
    assert len(navs) == 1


def _epub_overlays(book: zipfile.ZipFile):
    """(overlay name, [(referenced text, begin, end)]) for every SMIL, checking references resolve."""
    names = set(book.namelist())
    out = []
    for name in sorted(n for n in names if n.endswith(".smil")):
        smil = ET.fromstring(book.read(name))
        pars = []
        for par in smil.iterfind(".//smil:par", NS):
            text_src = par.find("smil:text", NS).get("src")
            audio = par.find("smil:audio", NS)
            doc, frag = text_src.split("#")
            xhtml = ET.fromstring(book.read(f"EPUB/{doc}"))
            target = xhtml.find(f".//*[@id='{frag}']")
            assert target is not None, text_src
            assert f"EPUB/{audio.get('src')}" in names
            pars.append(("".join(target.itertext()), _clock(audio.get("clipBegin")), _clock(audio.get("clipEnd"))))
        out.append((name, pars))
    return out


def test_epub_overlays_match_the_timeline_sentence_by_sentence(published):
    _, written, timeline, _ = published
    with zipfile.ZipFile(written.epub) as book:
        overlays = _epub_overlays(book)
        opf = ET.fromstring(book.read("EPUB/package.opf"))
    _assert_in_sync([p for _, pars in overlays for p in pars], timeline)
    durations = {m.get("refines"): _clock(m.text) for m in opf.iterfind("opf:metadata/opf:meta", NS)
                 if m.get("property") == "media:duration" and m.get("refines")}
    for name, pars in overlays:
        stem = Path(name).stem
        assert abs(durations[f"#mo-{stem}"] - sum(e - b for _, b, e in pars)) < 1e-6


def test_epub_one_document_per_article_with_headline_and_byline_overlaid(published):
    _, written, _, _ = published
    with zipfile.ZipFile(written.epub) as book:
        a01 = ET.fromstring(book.read("EPUB/a01.xhtml"))
        nav = ET.fromstring(book.read("EPUB/nav.xhtml"))
        smil = book.read("EPUB/a01.smil").decode()
        docs = [ET.fromstring(book.read(n)) for n in book.namelist() if n.endswith(".xhtml")]
    assert a01.find(".//x:h1", NS).findtext("x:span", namespaces=NS) == EDITION.articles[0].headline
    assert "a01.xhtml#a01-s1\"" in smil  # headline
    byline_id = a01.find(".//x:p[@class='byline']/x:span", NS).get("id")
    assert f"a01.xhtml#{byline_id}\"" in smil
    links = [a.text for a in nav.iterfind(".//x:ol/x:li/x:a", NS)]
    assert links[1:4] == [a.headline for a in EDITION.articles]
    for doc in docs:
        assert doc.get("lang") == "zh-CN" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"


# --- DAISY 2.02 -------------------------------------------------------------------------------


def _mp3_seconds(path: Path) -> float:
    from mutagen.mp3 import MP3

    return MP3(path).info.length


def test_daisy_ncc_metadata_and_headings(published):
    _, written, _, _ = published
    folder = written.daisy_ncc.parent
    ncc = ET.parse(written.daisy_ncc).getroot()
    meta = {m.get("name"): m.get("content") for m in ncc.iterfind("x:head/x:meta", NS) if m.get("name")}
    assert meta["dc:title"] == "太原日报 2021年6月27日"
    assert meta["dc:format"] == "Daisy 2.02"
    assert meta["dc:language"] == "zh-CN"
    assert meta["ncc:charset"] == "utf-8"
    assert meta["ncc:multimediaType"] == "audioFullText"
    for required in ("dc:creator", "dc:date", "dc:identifier", "dc:publisher", "ncc:generator", "ncc:narrator",
                     "ncc:pageFront", "ncc:pageNormal", "ncc:pageSpecial", "ncc:tocItems", "ncc:depth"):
        assert meta.get(required), required
    assert int(meta["ncc:files"]) == len([p for p in folder.iterdir() if p.is_file()])
    headings = [el for el in ncc.find("x:body", NS)]
    assert headings[0].tag == f"{{{NS['x']}}}h1" and headings[0].get("class") == "title"
    h2 = [h.findtext("x:a", namespaces=NS) for h in headings if h.tag == f"{{{NS['x']}}}h2"]
    assert h2[:3] == [a.headline for a in EDITION.articles]
    assert int(meta["ncc:tocItems"]) == len(headings)

    # In reading (ncc) order, each SMIL starts where the ones before it end.
    reading_order = [h.find("x:a", NS).get("href").split("#")[0] for h in headings]
    assert sorted(reading_order) == sorted(p.name for p in folder.glob("*.smil"))
    total = 0.0
    for name in reading_order:
        smil_meta = {m.get("name"): m.get("content") for m in ET.parse(folder / name).getroot().iter("meta")}
        assert abs(_clock(smil_meta["ncc:totalElapsedTime"]) - total) < 1e-6
        total += _clock(smil_meta["ncc:timeInThisSmil"])
    h, m, s = (int(x) for x in meta["ncc:totalTime"].split(":"))
    assert 0 <= total - (h * 3600 + m * 60 + s) < 1  # whole seconds, cut down as players show them


def test_daisy_every_link_clip_and_text_reference_resolves(published):
    _, written, timeline, _ = published
    folder = written.daisy_ncc.parent
    ncc = ET.parse(written.daisy_ncc).getroot()
    for a in ncc.iterfind(".//x:body//x:a", NS):
        smil_name, par_id = a.get("href").split("#")
        smil = ET.parse(folder / smil_name).getroot()
        assert smil.find(f".//par[@id='{par_id}']") is not None, a.get("href")

    content_cache: dict[str, ET.Element] = {}
    pars = []
    for smil_path in sorted(folder.glob("*.smil")):
        smil = ET.parse(smil_path).getroot()
        seq = smil.find("body/seq")
        clips = 0.0
        for par in seq.iterfind("par"):
            doc, frag = par.find("text").get("src").split("#")
            content = content_cache.setdefault(doc, ET.parse(folder / doc).getroot())
            target = content.find(f".//*[@id='{frag}']")
            assert target is not None, frag
            audio = par.find("audio")
            mp3 = folder / audio.get("src")
            assert mp3.is_file()
            begin, end = _clock(audio.get("clip-begin")), _clock(audio.get("clip-end"))
            assert 0 <= begin < end <= _mp3_seconds(mp3)
            clips += end - begin
            pars.append(("".join(target.itertext()), begin, end))
        assert abs(_clock(seq.get("dur")) - clips) < 1e-6
    _assert_in_sync(pars, timeline)


# --- writing ----------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_edition_untouched(tmp_path, monkeypatch):
    written, timeline, mp3 = publish_sample(tmp_path)
    before = {p: p.read_bytes() for p in written.folder.rglob("*") if p.is_file()}

    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("audiobulletin.publish.accessible.daisy.link_or_copy", disk_full)
    with pytest.raises(PublishError, match="No space left"):
        write_accessible_edition(EDITION, timeline, mp3, written.folder)
    assert {p: p.read_bytes() for p in written.folder.rglob("*") if p.is_file()} == before
    assert [p.name for p in written.folder.parent.iterdir() if p.name.startswith(".")] == []


def test_a_missing_episode_is_a_publish_error(tmp_path):
    with pytest.raises(PublishError, match="episode MP3 not found"):
        write_accessible_edition(EDITION, build_timeline(), tmp_path / "nope.mp3", tmp_path / "accessible")
    assert not (tmp_path / "accessible").exists()


def test_an_episode_inside_the_target_folder_is_refused(tmp_path):
    timeline = build_timeline()
    mp3 = make_mp3(tmp_path / "episode.mp3", timeline.duration)
    with pytest.raises(PublishError, match="replaced whole"):
        write_accessible_edition(EDITION, timeline, mp3, tmp_path)
    assert mp3.is_file()
