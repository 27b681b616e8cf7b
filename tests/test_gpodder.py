"""A real podcast client subscribes to the served feed: gPodder's command-line client `gpo`.

CI installs it with .ci/install-publish.sh (Debian package gpodder); elsewhere, without it, the
test skips (under CI=true it fails: see needs.py).
"""

import subprocess

import pytest

from audiobulletin.ffmpeg import ffmpeg_exe
from audiobulletin.publish.server import serving
from gpodder_cli import gpodder
from test_publication import publish, settings

pytestmark = pytest.mark.slow  # a podcast client process downloading real MP3s


def real_mp3(path) -> bytes:
    """A 20-second 64 kbit/s MP3 made by ffmpeg, so the client downloads a real episode."""
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=20",
                    "-ac", "1", "-ar", "44100", "-b:a", "64k", "-y", str(path)], check=True)
    return path.read_bytes()


def test_gpodder_subscribes_and_downloads_complete_episodes(tmp_path):
    gpo = gpodder(tmp_path)
    out = tmp_path / "output"
    out.mkdir()
    mp3 = real_mp3(tmp_path / "episode.mp3")

    with serving(out) as url:
        s = settings(base_url=url)
        publish(out, 26, s, mp3=mp3[:len(mp3) // 2])
        publish(out, 27, s, mp3=mp3)
        gpo("subscribe", url + "feed.xml")
        listing = gpo("episodes", url + "feed.xml")
        assert "太原日报 2021-06-27" in listing and "太原日报 2021-06-26" in listing
        gpo("download", url + "feed.xml")
    downloads = sorted(p for p in (tmp_path / "downloads").rglob("*") if p.is_file())
    assert len(downloads) == 2, downloads
    assert sorted(p.read_bytes() for p in downloads) == sorted([mp3[:len(mp3) // 2], mp3])


def test_a_withdrawn_episode_leaves_gpodder_and_the_others_keep_number_and_guid(tmp_path):
    """`episodes withdraw`, then `gpo update`: gPodder drops the (not downloaded) episode the feed no
    longer lists; the others keep the numbers and GUIDs it knows them by."""
    import io

    import podcastparser

    from audiobulletin.publish.manage import withdraw
    from test_corrections import options
    from test_corrections import publish as publish_take

    gpo = gpodder(tmp_path)
    out = tmp_path / "output"
    out.mkdir()
    mp3 = real_mp3(tmp_path / "episode.mp3")

    with serving(out) as url:
        s = options(base_url=url)
        for day in (25, 26, 27):
            publish_take(out, day, mp3=mp3, s=s)
        feed = url + "feed.xml"
        before = podcastparser.parse(feed, io.BytesIO((out / "feed.xml").read_bytes()))["episodes"]
        gpo("subscribe", feed)
        assert all(f"太原日报 2021-06-{day}" in gpo("episodes", feed) for day in (25, 26, 27))
        withdraw(out, "2021-06-26", s)
        gpo("update", feed)
        listing = gpo("episodes", "--guid", feed)
    assert "太原日报 2021-06-26" not in listing
    after = podcastparser.parse(feed, io.BytesIO((out / "feed.xml").read_bytes()))["episodes"]
    kept = [(e["guid"], e["number"]) for e in before if not e["title"].endswith("06-26")]
    assert [(e["guid"], e["number"]) for e in after] == kept == [(kept[0][0], 3), (kept[1][0], 1)]
    assert all(guid in listing for guid, _ in kept)
