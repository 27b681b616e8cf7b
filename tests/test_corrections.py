"""Corrections, withdrawals and rebuilds on published dates (without speech: episode files made
here, the broadcast cuts named by their audio as mastering names them), read back with
podcastparser, feedparser and lxml."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import wave
from pathlib import Path

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree
from timelines import sample_timeline

from audiobulletin.cli import cli
from audiobulletin.errors import InputError, PublishError
from audiobulletin.master.episode import audio_hash, wav_file_name
from audiobulletin.publish import PublishOptions, check_output, repair
from audiobulletin.publish.episode_files import write_episode_files
from audiobulletin.publish.manage import rebuild, withdraw
from audiobulletin.publish.manifest import EpisodeRecord, RadioCut, episode_guid, publication_time
from audiobulletin.publish.manifest_file import MANIFEST, ManifestDamaged, load
from audiobulletin.publish.publication import publish_episode
from audiobulletin.publish.versions import staged_episode

BASE = "https://news.example.org/audio/"
ATOM = "{http://www.w3.org/2005/Atom}"
HEADLINES = ("我市老旧小区改造全面提速", "晋阳湖公园开园")
FIRST = dt.datetime(2021, 6, 27, 0, 30, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2021, 6, 27, 6, 5, tzinfo=dt.timezone.utc)  # 14:05 in Beijing


def options(**changes) -> PublishOptions:
    values = dict(paper="太原日报", base_url=BASE, author="太原日报社", keep_episodes=5)
    return PublishOptions(**{**values, **changes})


def publish(out: Path, day: int, levels=(1000, 1100, 1200), mp3: bytes = b"ID3 mp3 take one " * 50,
            s: PublishOptions | None = None, now: dt.datetime = FIRST, headlines=HEADLINES) -> EpisodeRecord:
    """A date published as the pipeline does it: each cut's samples at `levels[n]` (bulletin,
    article 1, article 2 ...), its file named after them."""
    date = dt.date(2021, 6, day)
    with staged_episode(out, date) as staged:
        (staged.path / "bulletin.mp3").write_bytes(mp3)
        write_episode_files(staged.path, sample_timeline())
        facts = {"title": f"太原日报 {date}", "paper": "太原日报", "date": date.isoformat(), "page": "index.html",
                 "epub": f"{date}.epub", "daisy": "daisy/ncc.html", "duration_ms": 62550}
        (staged.path / "accessible").mkdir()  # what the index of editions reads
        (staged.path / "accessible" / "accessible-edition.json").write_text(json.dumps(facts), encoding="utf-8")
        staged.seal()
        cuts = []
        for number, level in enumerate(levels):
            pcm = int(level).to_bytes(2, "little", signed=True) * 4800
            name = wav_file_name("bulletin" if number == 0 else f"{number:02d}", audio_hash(pcm))
            path = staged.path / "radio" / name
            path.parent.mkdir(exist_ok=True)
            with wave.open(str(path), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(48000), w.writeframes(pcm)
            title = "太原日报" if number == 0 else headlines[number - 1]
            cuts.append(RadioCut(number, title, f"{staged.published_folder}/radio/{name}", path.stat().st_size, 0.1))
        record = EpisodeRecord(
            date=date.isoformat(), guid=episode_guid("太原日报", date), number=0, title=f"太原日报 {date}",
            description="要目：\n00:00 导语", audio=f"{staged.published_folder}/bulletin.mp3",
            audio_bytes=len(mp3), duration=62.55, published=publication_time(date).isoformat(),
            headlines=tuple(headlines[:len(levels) - 1]), radio=tuple(cuts))
        return publish_episode(out, staged, record, s or options(), now=now)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def items(out: Path, name: str = "feed.xml") -> list[etree._Element]:
    return etree.fromstring((out / name).read_bytes()).find("channel").findall("item")


def test_a_correction_keeps_the_episode_and_changes_its_enclosure(tmp_path):
    out = tmp_path / "out"
    publish(out, 26)
    first = publish(out, 27)
    before = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    built_before = etree.fromstring((out / "feed.xml").read_bytes()).find("channel").findtext("lastBuildDate")
    corrected = publish(out, 27, levels=(1001, 1100, 1250), mp3=b"ID3 mp3 take two " * 50, now=LATER)

    after = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    assert len(after["episodes"]) == 2  # one episode per date, not a second one for the correction
    old, new = before["episodes"][0], after["episodes"][0]
    assert (new["guid"], new["number"], new["published"]) == (old["guid"], old["number"], old["published"])
    assert new["enclosures"][0]["url"] != old["enclosures"][0]["url"]
    assert new["enclosures"][0]["url"] == BASE + corrected.audio
    assert (out / corrected.audio).read_bytes() == b"ID3 mp3 take two " * 50
    assert not (out / first.version_folder).exists()  # the superseded version went after the switch
    channel = etree.fromstring((out / "feed.xml").read_bytes()).find("channel")
    assert channel.findtext("lastBuildDate") != built_before
    assert channel.findtext("lastBuildDate") == "Sun, 27 Jun 2021 06:05:00 +0000"
    item = channel.find("item")
    assert item.findtext(f"{ATOM}updated") == "2021-06-27T06:05:00+00:00"
    assert channel.findall("item")[1].find(f"{ATOM}updated") is None  # the 26th was not corrected
    notes = new["description"]
    assert notes.startswith("要目：") and "更正：2021-06-27 14:05 重新发布，第2篇《晋阳湖公园开园》已更正。" in notes
    assert "第1篇" not in notes.split("更正：")[1]
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo
    stored = load(out)[0]["2021-06-27"]
    assert [c.articles for c in stored.corrections] == [(2,)] and stored.number == first.number == 2


def test_the_radio_feed_renames_and_marks_exactly_the_changed_cuts(tmp_path):
    out = tmp_path / "out"
    first = publish(out, 27)
    publish(out, 27, levels=(1001, 1100, 1250), mp3=b"ID3 mp3 take two " * 50, now=LATER)
    cuts = items(out, "radio.xml")
    names = [Path(i.find("enclosure").get("url")).name for i in cuts]
    before = [Path(c.file).name for c in first.radio]
    assert [n == b for n, b in zip(names, before)] == [False, True, False]  # bulletin, 01, 02
    assert [i.findtext(f"{ATOM}updated") for i in cuts] == ["2021-06-27T06:05:00+00:00", None,
                                                              "2021-06-27T06:05:00+00:00"]
    assert cuts[2].findtext("description") == "晋阳湖公园开园（更正 2021-06-27 14:05）"
    assert [i.findtext("guid") for i in cuts] == [first.item_guid(f"radio/{n:02d}") for n in range(3)]
    rss = etree.fromstring((out / "radio.xml").read_bytes()).find("channel")
    assert rss.findtext("lastBuildDate") == "Sun, 27 Jun 2021 06:05:00 +0000"


def test_the_same_content_again_changes_nothing(tmp_path):
    out = tmp_path / "out"
    publish(out, 27)
    publish(out, 27, levels=(1001, 1100, 1250), mp3=b"ID3 mp3 take two " * 50, now=LATER)
    snapshot = tree(out)
    publish(out, 27, levels=(1001, 1100, 1250), mp3=b"ID3 mp3 take two " * 50,
            now=LATER + dt.timedelta(hours=3))
    assert tree(out) == snapshot  # no second correction, no new time


def test_added_and_dropped_articles_are_named(tmp_path):
    out = tmp_path / "out"
    publish(out, 27, levels=(1000, 1100))
    publish(out, 27, levels=(1001, 1100, 1300), now=LATER, mp3=b"three")
    note = load(out)[0]["2021-06-27"].corrections[-1].note
    assert note == "更正：2021-06-27 14:05 重新发布，新增第2篇《晋阳湖公园开园》。"
    publish(out, 27, levels=(1002, 1100), now=LATER + dt.timedelta(minutes=1), mp3=b"two again")
    note = load(out)[0]["2021-06-27"].corrections[-1].note
    assert note == "更正：2021-06-27 14:06 重新发布，删去原第2篇《晋阳湖公园开园》。"
    notes = podcastparser.parse(BASE, io.BytesIO((out / "feed.xml").read_bytes()))["episodes"][0]["description"]
    assert notes.index("14:06") < notes.index("14:05")  # newest first


def test_corrections_round_trip_and_damage_is_named(tmp_path):
    out = tmp_path / "out"
    publish(out, 27)
    publish(out, 27, levels=(1001, 1100, 1250), mp3=b"take two", now=LATER)
    raw = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    entry = raw["episodes"][0]
    assert entry["corrections"][0]["articles"] == [2] and entry["updated"] == "2021-06-27T06:05:00+00:00"
    assert "withdrawn" not in entry  # defaults are left out: older manifests read the same
    entry["corrections"][0]["at"] = "yesterday"
    body = {k: v for k, v in raw.items() if k != "checksum"}
    from audiobulletin.publish.manifest_file import checksum

    (out / MANIFEST).write_text(json.dumps({**body, "checksum": checksum(body)}), encoding="utf-8")
    with pytest.raises(ManifestDamaged, match=r"episodes\[0\]\.corrections\[0\]\.at: must be a time"):
        load(out)


def test_a_backfill_has_no_episode_number_and_others_keep_theirs(tmp_path):
    out = tmp_path / "out"
    for day in (27, 29, 28):
        publish(out, day)
    parsed = podcastparser.parse(BASE, io.BytesIO((out / "feed.xml").read_bytes()))
    assert [(e["title"][-10:], e.get("number")) for e in parsed["episodes"]] == [
        ("2021-06-29", 2), ("2021-06-28", None), ("2021-06-27", 1)]
    [backfill] = [i for i in items(out) if i.findtext("title").endswith("06-28")]
    assert backfill.find("{http://www.itunes.com/dtds/podcast-1.0.dtd}episode") is None


def test_withdraw_takes_a_date_out_of_both_feeds_and_the_index(tmp_path):
    out = tmp_path / "out"
    for day in (25, 26, 27):
        publish(out, day)
    before = {i.findtext("guid"): i.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}episode") for i in items(out)}
    files = tree(out / "2021-06-26")
    changed = withdraw(out, "2021-06-26", options(), now=LATER)
    assert set(changed.files) == {"feed.xml", "radio.xml", "index.html"}
    after = {i.findtext("guid"): i.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}episode") for i in items(out)}
    gone = episode_guid("太原日报", dt.date(2021, 6, 26))
    assert gone not in after and after == {g: n for g, n in before.items() if g != gone}  # nobody renumbered
    assert not any("2021-06-26" in (i.findtext("title") or "") for i in items(out, "radio.xml"))
    assert tree(out / "2021-06-26") == files  # archive_policy "keep": the files stay
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "太原日报 2021-06-25" in page and "太原日报 2021-06-26" not in page
    record = load(out)[0]["2021-06-26"]
    assert record.withdrawn == "2021-06-27T06:05:00+00:00" and record.number == 2
    assert check_output(out).clean  # the check agrees with the withdrawal
    assert withdraw(out, "2021-06-26", options()).files == ()  # again: nothing to do
    undone = withdraw(out, "2021-06-26", options(), undo=True)
    assert not undone.record.withdrawn and gone in {i.findtext("guid") for i in items(out)}


def test_withdraw_under_the_remove_policy_deletes_the_files(tmp_path):
    out = tmp_path / "out"
    for day in (26, 27):
        publish(out, day)
    withdraw(out, "2021-06-26", options(archive_policy="remove"))
    assert not (out / "2021-06-26").exists() and load(out)[0]["2021-06-26"].removed
    assert check_output(out).clean
    with pytest.raises(InputError, match="generate 2021-06-26 again"):
        withdraw(out, "2021-06-26", options(archive_policy="remove"), undo=True)
    with pytest.raises(InputError, match="no episode for 2021-06-20"):
        withdraw(out, "2021-06-20", options())


def test_rebuild_with_a_new_base_url_rewrites_every_link_and_no_episode_file(tmp_path):
    out = tmp_path / "out"
    for day in (26, 27):
        publish(out, day)
    episodes = {d: tree(out / d) for d in ("2021-06-26", "2021-06-27")}
    moved = "https://cdn.example.net/taiyuan/"
    changed = rebuild(out, options(base_url=moved))
    assert set(changed.files) == {"feed.xml", "radio.xml", "index.html"}
    for name in ("feed.xml", "radio.xml"):
        xml = (out / name).read_text(encoding="utf-8")
        links = [v for v in __import__("re").findall(r'(?:url|href)="([^"]+)"', xml)]
        assert links and all(v.startswith(moved) for v in links), [v for v in links if not v.startswith(moved)]
        assert BASE not in xml
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{moved}feed.xml"' in page and "<title>太原日报 有声版 · 全部期次</title>" in page
    assert {d: tree(out / d) for d in episodes} == episodes
    assert rebuild(out, options(base_url=moved)).files == ()  # nothing left to change


def test_a_date_deleted_by_hand_is_left_out_with_a_warning(tmp_path):
    out = tmp_path / "out"
    for day in (25, 26, 27):
        publish(out, day)
    import shutil

    shutil.rmtree(out / "2021-06-26")
    audit = check_output(out)
    assert not audit.problems and audit.missing == ["2021-06-26"]
    assert "2021-06-26/ is missing" in audit.warnings()[0] and "left out of the feeds" in audit.warnings()[0]
    repair(audit, options())
    assert [i.findtext("title")[-10:] for i in items(out)] == ["2021-06-27", "2021-06-25"]
    record = load(out)[0]["2021-06-26"]
    assert record.removed and record.number == 2  # its number stays reserved
    assert check_output(out).clean


def test_every_date_folder_gone_at_once_is_a_problem(tmp_path):
    out = tmp_path / "out"
    for day in (26, 27):
        publish(out, day)
    import shutil

    for day in (26, 27):
        shutil.rmtree(out / f"2021-06-{day}")
    audit = check_output(out)
    assert audit.problems and not audit.missing
    with pytest.raises(PublishError):
        repair(audit, options())


def test_generate_refuses_a_withdrawn_date_before_any_speech(tmp_path):
    out = tmp_path / "out"
    publish(out, 27)
    withdraw(out, "2021-06-27", options())
    edition = tmp_path / "edition-2021-06-27.txt"
    edition.write_text("我市新建城市书房二十座\n\n本报讯 记者从市文旅局获悉，今年我市新建城市书房20座。\n", encoding="utf-8")
    cache = tmp_path / "cache"
    result = CliRunner().invoke(cli, ["generate", str(edition), "--out", str(out), "--engine", "offline",
                                      "--paper", "太原日报", "--base-url", BASE],
                                env={"AUDIOBULLETIN_CACHE_DIR": str(cache)})
    assert result.exit_code == 9, result.output + result.stderr
    assert "2021-06-27 was withdrawn" in result.stderr and "--undo" in result.stderr
    assert not list(cache.rglob("*.clip"))  # stopped before any speech


def test_episodes_list_and_show(tmp_path):
    out = tmp_path / "out"
    for day in (26, 28, 27):
        publish(out, day)
    publish(out, 28, levels=(1001, 1100, 1250), mp3=b"take two", now=LATER)
    withdraw(out, "2021-06-26", options())
    env = {"AUDIOBULLETIN_BASE_URL": BASE, "AUDIOBULLETIN_PAPER": "太原日报"}
    listed = CliRunner().invoke(cli, ["episodes", "list", "--out", str(out)], env=env)
    assert listed.exit_code == 0, listed.stderr
    rows = [line.split() for line in listed.stdout.splitlines()[1:]]
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("2021-06-28", "2", "1:02", "1"), ("2021-06-27", "-", "1:02", "0"), ("2021-06-26", "1", "1:02", "0")]
    assert rows[0][5:7] == ["in", "feed"] and rows[2][5] == "withdrawn"
    as_json = CliRunner().invoke(cli, ["episodes", "list", "--json", "--out", str(out)], env=env)
    first = json.loads(as_json.stdout.splitlines()[0])
    assert first["date"] == "2021-06-28" and first["corrections"] == 1 and first["state"] == "in"
    shown = CliRunner().invoke(cli, ["episodes", "show", "2021-06-28", "--out", str(out)], env=env)
    assert shown.exit_code == 0, shown.stderr
    record = load(out)[0]["2021-06-28"]
    assert f"  audio       {BASE}{record.audio}" in shown.stdout
    assert "2  晋阳湖公园开园  (corrected 2021-06-27 14:05)" in shown.stdout
    assert "更正：2021-06-27 14:05 重新发布，第2篇《晋阳湖公园开园》已更正。" in shown.stdout
    missing = CliRunner().invoke(cli, ["episodes", "show", "2021-07-01", "--out", str(out)], env=env)
    assert missing.exit_code == 2 and "no episode for 2021-07-01" in missing.stderr


def test_the_index_is_titled_with_the_podcast_and_links_its_feed(tmp_path):
    out = tmp_path / "out"
    publish(out, 27)
    page = etree.HTML((out / "index.html").read_bytes())
    assert page.findtext(".//title") == "太原日报 有声版 · 全部期次" and page.findtext(".//h1") == "太原日报 有声版"
    [alternate] = page.findall(".//link[@rel='alternate']")
    assert alternate.get("type") == "application/rss+xml" and alternate.get("href") == BASE + "feed.xml"
    assert page.find(".//a[@type='application/rss+xml']").get("href") == BASE + "feed.xml"


def test_cut_names_are_their_audio_hash(tmp_path):
    record = publish(tmp_path / "out", 27)
    for cut in record.radio:
        path = tmp_path / "out" / cut.file
        with wave.open(str(path)) as w:
            digest = hashlib.sha256(w.readframes(w.getnframes())).hexdigest()[:8]
        assert path.stem.endswith("-" + digest)
