"""The HTTP server over real sockets: MIME types, HEAD, ranges, conditional GET, traversal."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.errors import PublishError
from audiobulletin.publish.server import listen, serving

AUDIO = os.urandom(200_000)
SECRET = b"the secret outside the tree"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("site")
    (base / "secret.txt").write_bytes(SECRET)
    root = base / "output"
    files = {
        "feed.xml": b"<rss/>", "radio.xml": b"<rss/>", "2021-06-27/bulletin.mp3": AUDIO,
        "2021-06-27/transcript.vtt": "WEBVTT\n".encode(), "2021-06-27/transcript.srt": b"1\n",
        "2021-06-27/chapters.json": b"{}", "2021-06-27/radio/01.wav": b"RIFF....WAVE",
        "book.epub": b"PK", "2021-06-27/transcript.txt": "太原".encode(), "artwork.png": b"\x89PNG",
        ".audiobulletin.lock": b"123\n",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "leak.txt").symlink_to(base / "secret.txt")
    (root / "up").symlink_to(base)
    (root / "inside.mp3").symlink_to(root / "2021-06-27" / "bulletin.mp3")
    with serving(root) as url:
        host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
        yield host, int(port), root


def request(site, method, path, headers=None):
    conn = http.client.HTTPConnection(*site[:2], timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()  # case-insensitive headers
    finally:
        conn.close()


def raw_request(site, target: bytes) -> bytes:
    with socket.create_connection(site[:2], timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("path,media_type", [
    ("/feed.xml", "application/rss+xml"), ("/2021-06-27/bulletin.mp3", "audio/mpeg"),
    ("/2021-06-27/transcript.vtt", "text/vtt"), ("/2021-06-27/transcript.srt", "application/x-subrip"),
    ("/2021-06-27/chapters.json", "application/json"), ("/2021-06-27/radio/01.wav", "audio/wav"),
    ("/book.epub", "application/epub+zip"), ("/artwork.png", "image/png"),
    ("/2021-06-27/transcript.txt", "text/plain"),
])
def test_mime_types(site, path, media_type):
    status, headers, _ = request(site, "GET", path)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media_type


def test_text_is_declared_utf8_and_feeds_revalidate(site):
    _, headers, body = request(site, "GET", "/2021-06-27/transcript.txt")
    assert headers["Content-Type"] == "text/plain; charset=utf-8" and body.decode() == "太原"
    assert request(site, "GET", "/feed.xml")[1]["Cache-Control"] == "no-cache"


def test_full_get_and_head(site):
    status, headers, body = request(site, "GET", "/2021-06-27/bulletin.mp3")
    assert status == 200 and body == AUDIO and headers["Accept-Ranges"] == "bytes"
    status, head, body = request(site, "HEAD", "/2021-06-27/bulletin.mp3")
    assert status == 200 and body == b""
    assert int(head["Content-Length"]) == len(AUDIO)
    assert head["ETag"] == headers["ETag"] and head["Last-Modified"] == headers["Last-Modified"]


@pytest.mark.parametrize("spec,start,end", [
    ("bytes=0-99", 0, 99), ("bytes=1000-", 1000, len(AUDIO) - 1), ("bytes=-500", len(AUDIO) - 500, len(AUDIO) - 1),
    ("bytes=199990-300000", 199990, len(AUDIO) - 1),
])
def test_byte_ranges(site, spec, start, end):
    status, headers, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": spec})
    assert status == 206
    assert headers["Content-Range"] == f"bytes {start}-{end}/{len(AUDIO)}"
    assert body == AUDIO[start:end + 1]


def test_unsatisfiable_range_is_416(site):
    status, headers, _ = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": f"bytes={len(AUDIO)}-"})
    assert status == 416
    assert headers["Content-Range"] == f"bytes */{len(AUDIO)}"


def test_conditional_get(site):
    _, headers, _ = request(site, "GET", "/2021-06-27/bulletin.mp3")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert request(site, "GET", "/2021-06-27/bulletin.mp3", {"If-None-Match": etag})[0] == 304
    assert request(site, "GET", "/2021-06-27/bulletin.mp3", {"If-Modified-Since": modified})[0] == 304
    old = formatdate(0, usegmt=True)
    assert request(site, "GET", "/2021-06-27/bulletin.mp3", {"If-Modified-Since": old})[0] == 200
    assert request(site, "GET", "/2021-06-27/bulletin.mp3", {"If-None-Match": '"other"'})[0] == 200
    # If-Range: the range only while the file is unchanged, else the whole new file
    status, _, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": "bytes=0-9", "If-Range": etag})
    assert (status, body) == (206, AUDIO[:10])
    status, _, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert (status, body) == (200, AUDIO)
    status, _, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": "bytes=0-9", "If-Range": "W/" + etag})
    assert (status, body) == (200, AUDIO)  # weak validators never satisfy If-Range
    status, _, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": "bytes=0-9", "If-Range": modified})
    assert (status, body) == (206, AUDIO[:10])
    status, _, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": "bytes=0-9", "If-Range": old})
    assert (status, body) == (200, AUDIO)


def test_our_etag_is_the_one_aiohttp_sends(site, tmp_path):
    from audiobulletin.publish.server import file_etag

    root = Path(site[2])
    _, headers, _ = request(site, "GET", "/2021-06-27/bulletin.mp3")
    assert headers["ETag"] == file_etag(root / "2021-06-27" / "bulletin.mp3")


@pytest.mark.parametrize("target", [
    b"/../secret.txt", b"/%2e%2e/secret.txt", b"/%2E%2E/secret.txt", b"/..%2fsecret.txt",
    b"/%2e%2e%2fsecret.txt", b"/2021-06-27/../../secret.txt", b"/2021-06-27/%2e%2e/%2e%2e/secret.txt",
    b"//etc/passwd", b"/%2fetc%2fpasswd", b"/etc/passwd", b"/leak.txt", b"/up/secret.txt",
    b"/.audiobulletin.lock", b"/2021-06-27", b"/2021-06-27/", b"/", b"/..\\secret.txt", b"/%00",
    b"/%ff%fe",
])
def test_traversal_and_hidden_paths_are_404(site, target):
    response = raw_request(site, target)
    status = int(response.split(b" ", 2)[1])
    assert status == 404, response[:200]
    assert SECRET not in response and b"root:" not in response and b"123\n" not in response.split(b"\r\n\r\n", 1)[-1]


def test_symlink_inside_the_tree_is_served(site):
    status, _, body = request(site, "GET", "/inside.mp3")
    assert status == 200 and body == AUDIO


def test_other_methods_are_refused(site):
    assert request(site, "POST", "/feed.xml")[0] == 405
    assert request(site, "PUT", "/feed.xml")[0] == 405


def test_busy_port_is_a_publish_error():
    taken = listen("127.0.0.1", 0)
    try:
        with pytest.raises(PublishError) as info:
            listen("127.0.0.1", taken.getsockname()[1])
        assert "cannot listen on 127.0.0.1" in str(info.value) and info.value.exit_code == 6
    finally:
        taken.close()


def test_cli_help_and_missing_folder(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "audiobulletin serve output/" in result.output
    result = runner.invoke(cli, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "is not a folder to serve" in result.output


def interrupt(proc: subprocess.Popen) -> str:
    """Ctrl-C the server and return what it printed on stderr; killed if it does not stop, so a
    failing test leaves nothing running."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise


def test_cli_serves_on_127_0_0_1_by_default(tmp_path):
    (tmp_path / "feed.xml").write_bytes(b"<rss/>")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "from audiobulletin.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", str(tmp_path), "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        match = re.search(r"at http://([\d.]+):(\d+)/", line)
        assert match, line
        assert match.group(1) == "127.0.0.1"
        status, headers, body = request((match.group(1), int(match.group(2))), "GET", "/feed.xml")
        assert (status, body) == (200, b"<rss/>")
    finally:
        interrupt(proc)
    assert proc.returncode == 0


@pytest.mark.parametrize("spec,status", [
    ("bytes=-0", 416),                  # a suffix of nothing is unsatisfiable (RFC 9110 14.1.2)
    ("bytes=0-1,5-6", 200),             # several ranges: the whole file, as RFC 9110 allows
    ("bytes=0-9, 20-29", 200),
    ("items=0-9", 200),                 # a unit we do not know: ignored
    ("bytes=abc", 200), ("bytes=9-2", 200), ("bytes=", 200),  # invalid range-specs: ignored
])
def test_range_edge_cases_follow_rfc_9110(site, spec, status):
    got, headers, body = request(site, "GET", "/2021-06-27/bulletin.mp3", {"Range": spec})
    assert got == status
    if status == 200:
        assert body == AUDIO and "Content-Range" not in headers
    else:
        assert headers["Content-Range"] == f"bytes */{len(AUDIO)}"


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    b"GET /feed.xml HTTP/9.9\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + os.urandom(64),  # a TLS hello on the plain port
    b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
]


def test_malformed_requests_are_one_line_each_without_traceback(tmp_path):
    (tmp_path / "feed.xml").write_bytes(b"<rss/>")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "from audiobulletin.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", str(tmp_path), "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        match = re.search(r"at http://([\d.]+):(\d+)/", proc.stderr.readline())
        address = (match.group(1), int(match.group(2)))
        for raw in MALFORMED:
            with socket.create_connection(address, timeout=30) as sock:
                sock.sendall(raw)
                assert sock.recv(100).split(b" ", 2)[1] == b"400"
        assert request(address, "GET", "/feed.xml")[0] == 200  # still serving
    finally:
        log = interrupt(proc)
    lines = log.splitlines()
    assert "Traceback" not in log and not any(line.startswith(" ") for line in lines), log
    bad = [line for line in lines if '" 400 ' in line]
    assert len(bad) == len(MALFORMED), log
    assert len(lines) == len(MALFORMED) + 1, log  # one line each, and the good request's
