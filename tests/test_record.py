"""The published record: episodes.json checked whole before any speech, never silently lost,
rebuilt exactly by `episodes recover` from the date folders and the feeds."""

import hashlib
import io
import json
import shutil

import podcastparser
import pytest
from click.testing import CliRunner
from test_publication import BASE, publish, settings

from audiobulletin.cli import cli
from audiobulletin.errors import PublishError
from audiobulletin.publish import check_output, recover, repair, save_recovered
from audiobulletin.publish.manifest_file import MANIFEST, PREVIOUS, ManifestDamaged, load, read_raw

EDITION = "我市新建城市书房二十座\n\n本报讯（记者 赵丽）记者从市文旅局获悉，今年我市新建城市书房20座。\n"


def tree(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def out(tmp_path):
    """Four dates published, the feeds listing the newest three (the oldest archived, kept)."""
    folder = tmp_path / "out"
    for day in (25, 26, 27, 28):
        publish(folder, day, settings(keep_episodes=3))
    return folder


def rewrite(out, change):
    """Edit the manifest as a person or a bad disk would, checksum and all."""
    raw = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    change(raw)
    (out / MANIFEST).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


def test_the_manifest_is_checksummed_and_keeps_its_previous_generation(out):
    raw = read_raw(out / MANIFEST)
    assert raw["version"] == 2 and len(raw["episodes"]) == 4
    assert [e["date"] for e in json.loads((out / PREVIOUS).read_text())["episodes"]] == [
        "2021-06-25", "2021-06-26", "2021-06-27"]
    # reformatting by hand keeps the checksum valid; changing a value does not
    text = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps(text, ensure_ascii=False, indent=4), encoding="utf-8")
    assert len(load(out)[0]) == 4
    rewrite(out, lambda raw: raw["episodes"][0].update(title="changed"))
    with pytest.raises(ManifestDamaged, match="checksum"):
        load(out)


@pytest.mark.parametrize("field,value,message", [
    ("number", "2", 'episodes[1].number: must be a whole number >= 0, got \'2\''),
    ("published", "yesterday", "episodes[1].published: must be a time with its offset"),
    ("audio_bytes", -3, "episodes[1].audio_bytes"),
    ("audio", "../../etc/passwd", "episodes[1].audio: must be a path inside the folder 2021-06-26/"),
    ("guid", "not-a-guid", "episodes[1].guid: must be a UUID"),
    ("number", 1, "episodes[1].number: 1 is also used by another episode"),
])
def test_type_errors_are_exit_6_naming_the_field(out, field, value, message):
    def damage(raw):
        raw["episodes"][1][field] = value
        del raw["checksum"]  # as an editor that knows nothing of checksums: a version 1 file
        raw["version"] = 1

    rewrite(out, damage)
    with pytest.raises(PublishError) as info:
        check_output(out)
    assert info.value.exit_code == 6 and message in info.value.message
    assert str(out / MANIFEST) in str(info.value) and "episodes recover" in str(info.value)


@pytest.mark.parametrize("loss", ["deleted", "emptied"])
def test_a_lost_manifest_stops_generate_before_any_speech_and_recover_restores_it(out, tmp_path, loss):
    original = load(out)[0]
    if loss == "deleted":
        (out / MANIFEST).unlink()
        (out / PREVIOUS).unlink()  # the previous generation gone too: the date folders suffice
    else:
        (out / MANIFEST).write_text('{"episodes": []}', encoding="utf-8")
    before = tree(out)
    edition = tmp_path / "short-2021-06-29.txt"
    edition.write_text(EDITION, encoding="utf-8")
    config = tmp_path / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nbase_url = "{BASE}"\ncache_dir = "{tmp_path / "cache"}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(out),
                                      "--engine", "offline", "-q"])
    assert result.exit_code == 6, result.output
    [line] = [row for row in result.stderr.splitlines() if row.startswith("audiobulletin: error:")]
    assert f"audiobulletin episodes recover --out {out}" in line
    assert ("is missing" in line) if loss == "deleted" else ("which episodes.json does not hold" in line)
    assert "segment" not in result.stderr and not (tmp_path / "cache").exists()  # nothing was spoken
    assert tree(out) == before  # the feeds untouched

    result = CliRunner().invoke(cli, ["--config", str(config), "episodes", "recover", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "recovered 4 episodes" in result.stdout
    assert load(out)[0] == original  # every field: GUID, number, title, files, radio cuts
    assert CliRunner().invoke(cli, ["episodes", "check", "--out", str(out)]).exit_code == 0


def test_recover_skips_a_damaged_entry_but_keeps_the_episode_from_its_folder(out):
    original = load(out)[0]
    rewrite(out, lambda raw: raw["episodes"][2].update(number="3"))
    recovered = recover(out)
    assert any("episodes[2].number" in s for s in recovered.skipped)
    assert recovered.records == original
    aside = save_recovered(out, recovered)
    assert aside.name == "episodes.json.damaged" and load(out)[0] == original


def test_recover_keeps_the_numbers_of_removed_dates(tmp_path):
    out = tmp_path / "out"
    for day in (25, 26, 27):
        publish(out, day, settings(keep_episodes=2, archive_policy="remove"))
    original = load(out)[0]
    assert original["2021-06-25"].removed and not (out / "2021-06-25").exists()
    (out / MANIFEST).unlink()
    recovered = recover(out)
    assert recovered.records == original  # 2021-06-25 from episodes.json.1, still removed, number 1


def test_recover_without_episode_records_uses_the_feed(out):
    """Folders of an older layout (no episode.json): GUID, number and title come from the feed."""
    original = load(out)[0]
    for record in original.values():
        (out / record.version_folder / "episode.json").unlink()
    (out / MANIFEST).unlink()
    (out / PREVIOUS).unlink()
    recovered = recover(out, paper="太原日报")
    for date in ("2021-06-26", "2021-06-27", "2021-06-28"):  # in the feed
        got, want = recovered.records[date], original[date]
        assert (got.guid, got.number, got.title, got.audio, got.audio_bytes) == (
            want.guid, want.number, want.title, want.audio, want.audio_bytes)
        assert [(c.number, c.file, c.bytes) for c in got.radio] == [(c.number, c.file, c.bytes) for c in want.radio]
    # not in the feed: GUID derived as generate does; its number is lost, and a later one would put
    # it out of date order, so it is numbered as a backfill would be: not at all
    archived = recovered.records["2021-06-25"]
    assert archived.guid == original["2021-06-25"].guid and archived.number == 0


def test_check_finds_missing_files_and_unknown_folders(out):
    records = load(out)[0]
    (out / records["2021-06-27"].audio).write_bytes(b"truncated")
    (out / "2021-06-20" / "abcdef12").mkdir(parents=True)
    (out / "2021-06-20" / "abcdef12" / "bulletin.mp3").write_bytes(b"x")
    audit = check_output(out)
    messages = [p.message for p in audit.problems]
    assert any("has 9 bytes, episodes.json says" in m for m in messages)
    assert any("2021-06-20/ holds a published episode that episodes.json does not list" in m for m in messages)
    with pytest.raises(PublishError):
        repair(audit, settings())


def test_feeds_rewritten_and_leftovers_removed_after_an_interrupted_switch(out, tmp_path):
    """As a kill after the manifest but before the feeds leaves it: the feeds still point at the
    previous version of 2021-06-28, which still exists. The check rewrites them, then tidies."""
    feeds = {name: (out / name).read_bytes() for name in ("feed.xml", "radio.xml")}
    old = load(out)[0]["2021-06-28"]
    shutil.copytree(out / old.version_folder, tmp_path / "old")
    new = publish(out, 28, settings(keep_episodes=3), mp3=b"ID3 corrected episode " * 90)
    assert new.version != old.version and not (out / old.version_folder).exists()
    shutil.copytree(tmp_path / "old", out / old.version_folder)  # as it was before the cleanup step
    for name, data in feeds.items():
        (out / name).write_bytes(data)
    (out / ".publishing.json").write_text(json.dumps({"date": "2021-06-28", "version": new.version}))
    (out / "2021-06-28" / ".new.staging-x").mkdir()
    audit = check_output(out)
    assert not audit.problems and audit.stale and audit.interrupted == "2021-06-28"
    done = repair(audit, settings(keep_episodes=3))
    assert any("finish the interrupted publication" in line for line in done)
    parsed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    assert parsed["episodes"][0]["enclosures"][0]["url"] == BASE + new.audio
    assert sorted(p.name for p in (out / "2021-06-28").iterdir()) == [new.version]
    assert not (out / ".publishing.json").exists() and check_output(out).clean
