"""A correction from the newsroom to the listener and the station, end to end: the real command and
offline voice, the output folder served on 127.0.0.1, gPodder (`gpo`) as the podcast app and the
station script of docs/publishing.md (curl) as the station.

    publish 06-26 and 06-27 -> gPodder subscribes and downloads, the station fetches every cut
    06-27 again with 12,468 corrected to 12,486 in article 2
    -> gPodder shows one 06-27 episode, fetches the corrected MP3 (byte for byte)
    -> the station fetches exactly the cuts whose audio changed: article 2 and the whole bulletin
    06-26's folder deleted by hand -> the next run warns, and the feed drops it (no dead link)
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner
from test_station_script import poll

from audiobulletin.cli import cli
from audiobulletin.publish.manifest_file import load
from audiobulletin.publish.server import serving
from gpodder_cli import gpodder
from needs import need_program
from short_edition import EDITION

pytestmark = pytest.mark.slow  # the real offline voice, three runs, gPodder

ROOT = Path(__file__).resolve().parent.parent


def test_a_correction_reaches_gpodder_and_the_station(tmp_path):
    gpo = gpodder(tmp_path)
    need_program("curl", "curl, which the station script uses", ".ci/install-publish.sh")
    inbox, out, incoming = tmp_path / "inbox", tmp_path / "out", tmp_path / "incoming"
    inbox.mkdir()
    out.mkdir()
    (inbox / "taiyuan-2021-06-26.txt").write_text(EDITION.replace("二十座", "十九座"), encoding="utf-8")
    (inbox / "taiyuan-2021-06-27.txt").write_text(EDITION, encoding="utf-8")

    with serving(out) as url:
        config = tmp_path / "audiobulletin.toml"
        config.write_text(f'paper = "太原日报"\nbase_url = "{url}"\nprofile = "{ROOT / "voices" / "default.toml"}"\n'
                          f'cache_dir = "{tmp_path / "cache"}"\n', encoding="utf-8")

        def generate(date: str):
            result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(inbox), "--date", date,
                                              "--out", str(out), "--engine", "offline", "--workers", "2", "--json"])
            assert result.exit_code == 0, result.output + result.stderr
            return json.loads(result.stdout), result.stderr

        generate("2021-06-26")
        first, _ = generate("2021-06-27")
        feed = url + "feed.xml"
        assert len(poll(url, incoming)) == 6  # two dates, three cuts each
        gpo("subscribe", feed)
        gpo("download", feed)
        downloads = tmp_path / "downloads"
        assert sorted(p.read_bytes() for p in downloads.rglob("*.mp3")) == sorted(
            (out / load(out)[0][d].audio).read_bytes() for d in ("2021-06-26", "2021-06-27"))
        guid = load(out)[0]["2021-06-27"].guid

        (inbox / "taiyuan-2021-06-27.txt").write_text(EDITION.replace("12,468", "12,486"), encoding="utf-8")
        corrected, _ = generate("2021-06-27")
        assert (first["status"], corrected["status"]) == ("published", "corrected")
        assert corrected["audio"] != first["audio"]
        assert 0 < corrected["speech"]["synthesised"] < corrected["segments"]  # only the changed sentence

        gpo("update", feed)
        listing = gpo("episodes", "--guid", feed)
        assert listing.count(guid) == 1 and listing.count("2021年6月27日") == 1  # one episode, not two
        gpo("download", feed, guid)  # gPodder keeps a downloaded episode's state: fetch it again by GUID
        new_mp3 = Path(corrected["audio"]).read_bytes()
        assert new_mp3 in [p.read_bytes() for p in downloads.rglob("*.mp3")]

        fetched = poll(url, incoming)
        assert fetched == ["2021-06-27/02.wav", "2021-06-27/bulletin.wav"]  # exactly the corrected cuts
        record = load(out)[0]["2021-06-27"]
        for cut in record.radio:
            name = "bulletin" if cut.number == 0 else f"{cut.number:02d}"
            assert (incoming / "2021-06-27" / f"{name}.wav").read_bytes() == (out / cut.file).read_bytes()

        parsed = podcastparser.parse(feed, io.BytesIO((out / "feed.xml").read_bytes()))
        [episode] = [e for e in parsed["episodes"] if e["guid"] == guid]
        assert "更正：" in episode["description"]
        assert "第2篇《气温回升，市民出游增多》已更正" in episode["description"]
        assert [c.articles for c in record.corrections] == [(2,)]

        shutil.rmtree(out / "2021-06-26")  # deleted by hand
        again, warnings = generate("2021-06-27")
        assert "warning: 2021-06-26/ is missing" in warnings and "left out of the feeds" in warnings
        assert again["audio"] == corrected["audio"]  # the same edition: the same version
        parsed = podcastparser.parse(feed, io.BytesIO((out / "feed.xml").read_bytes()))
        assert [e["guid"] for e in parsed["episodes"]] == [guid]
        for e in parsed["episodes"]:
            assert (out / e["enclosures"][0]["url"][len(url):]).is_file()

        clips = sorted((tmp_path / "cache").rglob("*.clip"))
        episode_files = {p: p.read_bytes() for p in (out / "2021-06-27").rglob("*") if p.is_file()}
        moved = "https://cdn.example.net/taiyuan/"
        rebuilt = CliRunner().invoke(cli, ["--config", str(config), "episodes", "rebuild", "--out", str(out),
                                           "--base-url", moved])
        assert rebuilt.exit_code == 0, rebuilt.stderr
        assert "feed.xml" in rebuilt.stdout and "radio.xml" in rebuilt.stdout
        for name in ("feed.xml", "radio.xml"):
            xml = (out / name).read_text(encoding="utf-8")
            assert url not in xml and xml.count(moved) >= 3
        assert sorted((tmp_path / "cache").rglob("*.clip")) == clips  # nothing was voiced
        assert {p: p.read_bytes() for p in (out / "2021-06-27").rglob("*") if p.is_file()} == episode_files
