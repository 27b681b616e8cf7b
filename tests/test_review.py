"""The review desk (`audiobulletin review`): the page in real Chromium (axe-core, the keyboard, a
segment played through the real offline voice, a lexicon entry previewed and saved), its token and
its address, and lexicon edits it must refuse without touching the file."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.config import Settings
from audiobulletin.review.desk import Desk
from audiobulletin.review.lexicon_file import entry_line, with_entry
from audiobulletin.review.server import reviewing
from audiobulletin.script.reading.lexicon import Entry, load_lexicon
from audiobulletin.speech.mandarin_frontend import count_syllables
from needs import need_file, need_program

ROOT = Path(__file__).resolve().parent.parent
JS = Path(__file__).parent / "js"
CHROMIUM = "/usr/bin/chromium"
SHIPPED_LEXICON = ROOT / "voices" / "lexicon.toml"
SHORT = """\
我市开通政务服务热线

本报讯（记者 赵丽）市民可拨打咨询电话：0351-12345。长治市民也可咨询。
"""


def desk_for(edition: Path, tmp: Path, lexicon_text: bytes | None = None) -> tuple[Desk, Path]:
    lexicon = tmp / "voices" / "lexicon.toml"
    lexicon.parent.mkdir(parents=True, exist_ok=True)
    lexicon.write_bytes(SHIPPED_LEXICON.read_bytes() if lexicon_text is None else lexicon_text)
    settings = Settings(paper="太原日报", engine="offline", cache_dir=tmp / "cache", profile=ROOT / "voices" / "default.toml")
    return Desk(edition, settings, lexicon), lexicon


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def request(url: str, data: dict | None = None, json_reply: bool = True):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {"Accept": "application/json"} if json_reply else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=120) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# --- the page in a real browser -----------------------------------------------------------------

@pytest.mark.slow  # Chromium, Node, and the real offline voice
def test_the_review_page_in_a_real_browser(sample_path, tmp_path):
    install = ".ci/install-accessible.sh"
    need_program(CHROMIUM, "Chromium", install)
    need_program("node", "Node.js", install)
    for package in ("playwright-core", "axe-core"):
        need_file(JS / "node_modules" / package / "package.json", f"npm package {package}", install)
    desk, lexicon = desk_for(sample_path, tmp_path)
    original = lexicon.read_bytes()
    try:
        with reviewing(desk) as url:
            run = subprocess.run(["node", str(JS / "review_page.mjs"), url, "readings", "新冠病毒", "新型冠状病毒"],
                                 capture_output=True, text=True, timeout=600, env={**os.environ, "CHROMIUM_PATH": CHROMIUM})
        assert run.returncode == 0, run.stderr[-3000:]
        page = json.loads(run.stdout)
        played = int(page["flagged"]["id"].removeprefix("s"))
        clip = desk.play(played)  # from the cache the page filled
    finally:
        desk.close()

    assert page["title"] == "审读：太原日报 2021年6月27日"
    assert page["axe"] == [] and page["axeWithPreview"] == [], json.dumps(page["axe"], ensure_ascii=False)
    assert page["external"] == []
    # the keyboard reaches every control, in order, and each has an accessible name
    assert [t["key"] for t in page["tab"]] == page["controls"] and len(page["controls"]) > 101
    names = [re.match(r'- (\w+) "(.+)"', t["snapshot"]) for t in page["tab"]]
    assert all(names), [t["snapshot"] for t, n in zip(page["tab"], names) if not n]
    assert {n.group(1) for n in names} == {"link", "combobox", "textbox", "button"}
    assert "link 播放第1段" in {f"{n.group(1)} {n.group(2)}" for n in names}
    # a flagged segment, played: WAV bytes of the clip's duration, announced in the live region
    assert page["flagged"]["flags"][0].startswith("数字或单位已改写")
    audio = page["audio"]
    assert (audio["status"], audio["contentType"], audio["riff"], audio["wave"]) == (200, "audio/wav", "RIFF", "WAVE")
    assert (audio["format"], audio["channels"], audio["bits"], audio["sampleRate"]) == (1, 1, 16, clip.sample_rate)
    assert audio["frames"] == len(clip.pcm) // 2 and clip.cached
    syllables = count_syllables(desk.readings.rows[played].segment.spoken)
    assert 0.15 * syllables <= audio["seconds"] <= 0.45 * syllables
    assert page["playStatus"] == f"正在播放第{played}段，{clip.duration:.2f}秒"
    # the entry, typed: the preview lists the segments it changes; saved: the file and `script --changed`
    changed = [5, 87, 89, 91, 93, 95]
    assert page["previewSegments"] == [f"#s{i}" for i in changed]
    assert page["previewStatus"] == "预览：“新冠病毒”会改变 6 段"
    assert page["saveStatus"] == "已保存“新冠病毒”到 lexicon.toml 第 21 行，旧文件备份为 lexicon.toml.bak；6 段的读法已更新"
    assert page["alert"] == "" and page["focusAfterSave"] == "save"
    assert page["changedRows"] == [f"s{i}" for i in changed] and "新冠病毒" in page["entries"]
    saved = lexicon.read_text(encoding="utf-8")
    assert tomllib.loads(saved)["readings"] == {"万柏林": "万百林", "新冠病毒": "新型冠状病毒"}
    assert tomllib.loads(saved)["pinyin"] == tomllib.loads(original.decode())["pinyin"]
    assert saved.splitlines()[20] == '"新冠病毒" = "新型冠状病毒"'
    assert set(original.decode().splitlines()) < set(saved.splitlines())  # every comment kept
    assert (lexicon.parent / "lexicon.toml.bak").read_bytes() == original
    written = [name for name in files_under(tmp_path) if not name.startswith("cache/")]
    assert written == ["voices/lexicon.toml", "voices/lexicon.toml.bak"]  # and the speech cache: nothing else
    result = CliRunner().invoke(cli, ["script", str(sample_path), "--paper", "太原日报", "--engine", "offline",
                                      "--lexicon", str(lexicon), "--changed", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["index"] for r in json.loads(result.stdout)] == changed


# --- token and address --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def short_edition(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("edition") / "short-2021-06-27.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


def test_requests_without_the_token_are_refused(short_edition, tmp_path):
    desk, lexicon = desk_for(short_edition, tmp_path)
    before = lexicon.read_bytes()
    try:
        with reviewing(desk) as url:
            parts = urllib.parse.urlsplit(url)
            token = parts.path.strip("/")
            origin = f"{parts.scheme}://{parts.netloc}"
            assert re.fullmatch(r"[A-Za-z0-9_-]{24}", token)
            assert request(url, json_reply=False)[0] == 200
            for path in ("/", "/index.html", f"/{token[:-1]}/", f"/{token}x/", f"/x{token}/", "/audio/1.wav",
                         f"/{token.upper()}/", f"/%2F{token}/"):
                status, _, body = request(origin + path, json_reply=False)
                assert status == 403 and b"forbidden" in body, path
            form = {"section": "readings", "written": "热线", "say": "热xian"}
            assert request(f"{origin}/save", form)[0] == 403
            assert request(f"{origin}/{token[:-1]}/save", form)[0] == 403
            assert lexicon.read_bytes() == before
            status, headers, _ = request(url + "audio/0.wav")
            assert status == 200 and headers["Content-Type"] == "audio/wav"
            assert "default-src 'none'" in headers["Content-Security-Policy"]
            assert headers["Referrer-Policy"] == "no-referrer"
    finally:
        desk.close()


def test_it_binds_127_0_0_1_only(short_edition, tmp_path):
    desk, _ = desk_for(short_edition, tmp_path)
    try:
        with reviewing(desk) as url:
            parts = urllib.parse.urlsplit(url)
            assert parts.hostname == "127.0.0.1"
            with pytest.raises(ConnectionRefusedError):  # another loopback address: nobody listens there
                socket.create_connection(("127.0.0.2", parts.port), timeout=5).close()
            addresses = [a for a in _local_addresses() if not a.startswith("127.")]
            for address in addresses:
                with pytest.raises(OSError):
                    socket.create_connection((address, parts.port), timeout=5).close()
    finally:
        desk.close()


def _local_addresses() -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)})
    except OSError:
        return []


def test_the_review_command_prints_its_address_and_stops_on_ctrl_c(short_edition, tmp_path):
    lexicon = tmp_path / "voices" / "lexicon.toml"
    lexicon.parent.mkdir()
    lexicon.write_bytes(SHIPPED_LEXICON.read_bytes())
    config = tmp_path / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nengine = "offline"\ncache_dir = "{tmp_path / "cache"}"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\n', encoding="utf-8")
    command = Path(sys.executable).with_name("audiobulletin")
    process = subprocess.Popen([str(command), "--config", str(config), "review",
                                str(short_edition), "--lexicon", str(lexicon), "--port", "0"],
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        url = None
        for line in process.stderr:
            found = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]+/", line)
            if found:
                url = found.group(0)
                break
        assert url, "no address printed"
        assert request(url, json_reply=False)[0] == 200
        assert request(url.rsplit("/", 2)[0] + "/", json_reply=False)[0] == 403
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert sorted(files_under(tmp_path)) == ["audiobulletin.toml", "voices/lexicon.toml"]  # nothing else written


def test_review_help_has_an_example():
    result = CliRunner().invoke(cli, ["review", "--help"])
    assert result.exit_code == 0 and "audiobulletin review examples/" in result.output


# --- bad input: one line with file and line, nothing saved ---------------------------------------

BAD_ENTRIES = [
    ({"section": "readings", "written": "热线", "say": "  "}, 21, "needs a non-empty reading"),
    ({"section": "readings", "written": "热线(", "say": "热线", "scope": "regex", "example": "热线("}, 21,
     "invalid regular expression"),
    ({"section": "readings", "written": r"\d{5}", "say": "五位数", "scope": "regex"}, 21, "needs an example"),
    ({"section": "pinyin", "written": "长治", "say": "chang2 kiu1"}, 27, "the offline voice has no syllable kiu1"),
    ({"section": "pinyin", "written": "热线", "say": "re4"}, 32, "1 syllable(s) for 2 Chinese character(s)"),
]


@pytest.mark.parametrize("form, line, message", BAD_ENTRIES, ids=[m for _, _, m in BAD_ENTRIES])
def test_a_bad_entry_is_refused_with_file_and_line(short_edition, tmp_path, form, line, message):
    desk, lexicon = desk_for(short_edition, tmp_path)
    before = files_under(lexicon.parent)
    try:
        with reviewing(desk) as url:
            for action in ("preview", "save"):
                status, _, body = request(url + action, form)
                reply = json.loads(body)
                assert status == 400 and not reply["ok"]
                assert reply["error"].startswith(("无法预览：" if action == "preview" else "没有保存：")
                                                 + f"{lexicon}:{line} ")
                assert message in reply["error"] and "\n" not in reply["error"]
            status, _, page = request(url + "save", form, json_reply=False)  # without JavaScript
            assert status == 400 and f"{lexicon}:{line}".encode() in page
    finally:
        desk.close()
    assert files_under(lexicon.parent) == before  # nothing saved, no backup made


def test_a_lexicon_that_is_no_longer_utf8_is_left_alone(short_edition, tmp_path):
    desk, lexicon = desk_for(short_edition, tmp_path)
    broken = SHIPPED_LEXICON.read_bytes() + '"阳曲" = "阳曲"\n'.encode("gb18030")  # edited elsewhere since
    lexicon.write_bytes(broken)
    try:
        with reviewing(desk) as url:
            status, _, body = request(url + "save", {"section": "readings", "written": "热线", "say": "热线"})
    finally:
        desk.close()
    assert status == 400
    assert json.loads(body)["error"] == f"没有保存：{lexicon}:32: not UTF-8 text (byte 0xd1) — save the lexicon as UTF-8"
    assert files_under(lexicon.parent) == {"lexicon.toml": broken}


def test_the_commands_refuse_a_bad_lexicon_in_one_line(short_edition, tmp_path):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_bytes('[pinyin]\n"长治" = "chang2 zhi4"\n"太原" = "tai4 kiu1"\n'.encode())
    result = CliRunner().invoke(cli, ["script", str(short_edition), "--paper", "太原日报", "--engine", "offline",
                                      "--lexicon", str(lexicon)])
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"audiobulletin: error: {lexicon}:3 [pinyin] 太原: the offline voice has no "
                                     "syllable kiu1 — check the spelling and tone")
    lexicon.write_bytes('[readings]\n"太原" = "太原"\n'.encode() + '"阳曲" = "阳曲"\n'.encode("gb18030"))
    command = Path(sys.executable).with_name("audiobulletin")  # a process: were it to start serving, it times out
    result = subprocess.run([str(command), "review", str(short_edition), "--paper", "太原日报", "--lexicon", str(lexicon),
                             "--port", "0"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip().endswith(f"audiobulletin: error: {lexicon}:3: not UTF-8 text (byte 0xd1) — "
                                          "save the lexicon as UTF-8")


# --- the lexicon file as text ---------------------------------------------------------------------

def test_edits_keep_comments_and_order():
    text = '# fixes\n[readings]\n"太原" = "太原"   # the city\n\n[pinyin]\n"长治" = "zhang3 zhi4"  # not zhang3\n'
    replaced, line = with_entry(text, Entry("pinyin", "长治", "chang2 zhi4"))
    assert line == 6 and replaced.splitlines()[5] == '"长治" = "chang2 zhi4"   # not zhang3'
    added, line = with_entry(text, Entry("readings", "阳曲", "阳曲", scope="word", example="阳曲县"))
    assert line == 4 and added.splitlines()[3] == '"阳曲" = { reading = "阳曲", scope = "word", example = "阳曲县" }'
    fresh, line = with_entry("", Entry("readings", 'a"b', "x\\y"))
    assert fresh == '[readings]\n"a\\"b" = "x\\\\y"\n' and line == 2
    assert tomllib.loads(fresh)["readings"] == {'a"b': "x\\y"}
    assert entry_line(Entry("readings", r"(?<=电话)\d+", "号码", scope="regex", example="电话123")) == \
        r'"(?<=电话)\\d+" = { reading = "号码", scope = "regex", example = "电话123" }'


def test_a_saved_entry_loads_back(short_edition, tmp_path):
    desk, lexicon = desk_for(short_edition, tmp_path)
    try:
        saved = desk.save(desk.entry("readings", r"(?<=电话：)0351(?=-)", "零三五幺", "regex", "咨询电话：0351-12345"))
    finally:
        desk.close()
    assert saved.preview.entry.line == 21 and saved.backup == lexicon.with_name("lexicon.toml.bak")
    reloaded = load_lexicon(lexicon)
    assert reloaded.find("readings", r"(?<=电话：)0351(?=-)").scope == "regex"
    # the reading replaces 0351 before numbers are read: the rest becomes a negative number
    assert [c.index for c in saved.preview.changes] == [6]
    edition, table = saved.preview.warnings  # in this edition, and in the normaliser's table
    assert (edition.written, edition.after) == ("0351-12345", "零三五幺负一万两千三百四十五")
    assert table.written == "0351-1234567"
