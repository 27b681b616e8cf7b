"""What a run shows: the estimate's arithmetic (with a clock the test moves), and the real command
in a real terminal (a pty): stage lines, the speech bar, and a fallback note that stays one
clean line when the online voice is unreachable."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
from local_server import closed_port
from pty_run import run_in_pty

from audiobulletin.cli.progress import ERASE_LINE, Estimate, RunDisplay, clip_to_width, display_width
from audiobulletin.pipeline import SpeechWork
from audiobulletin.script.segment import Part
from short_edition import EDITION

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_estimate_during_the_warm_up_then_remaining_work_over_measured_rate():
    clock = Clock()
    estimate = Estimate([10] * 12, clock)
    clock.now += 20  # the voice loads
    estimate.done(0, cached=False)  # first burst: its work began before it, not measured
    estimate.done(1, cached=False)
    assert estimate.seconds_left() is None
    for index in range(2, 4):  # one result every 2 s: 10 characters / 2 s
        clock.now += 2
        estimate.done(index, cached=False)
        assert estimate.seconds_left() is None  # fewer than 3 bursts after the first
    clock.now += 2
    estimate.done(4, cached=False)
    # 30 characters measured in 6 s since the first result: 5/s; 70 characters left: 14 s
    assert estimate.seconds_left() == pytest.approx(14.0)
    clock.now += 3
    assert estimate.seconds_left() == pytest.approx(11.0)  # counts down between results


def test_a_quick_start_still_waits_for_the_warm_up_seconds():
    clock = Clock()
    estimate = Estimate([10] * 12, clock)
    estimate.done(0, cached=False)
    for index in range(1, 6):
        clock.now += 0.5
        estimate.done(index, cached=False)
    assert estimate.seconds_left() is None  # 5 bursts in 2.5 s: too soon to trust


def test_cache_hits_are_neither_work_done_nor_work_left():
    clock = Clock()
    estimate = Estimate([10] * 8, clock)
    for index in range(4):
        estimate.done(index, cached=True)  # at once, before any synthesis
    assert estimate.left == 40 and estimate.first is None
    clock.now += 10
    estimate.done(4, cached=False)
    for index in range(5, 8):
        clock.now += 3
        estimate.done(index, cached=False)
    assert estimate.seconds_left() == 0.0  # all done


def test_the_bar_fits_the_terminal_and_names_the_article_being_read():
    out = io.StringIO()
    display = RunDisplay(out, tty=True)
    display.speech_started(SpeechWork((None, 0, 0, 1, 1, None), (5, 20, 30, 20, 30, 5),
                                      ("我市新建城市书房二十座", "气温回升，市民出游增多")))
    display.segment_done(0, cached=False, ok=True)
    line = display.bar_line(60)
    assert display_width(line) <= 59
    assert "article 1/2 我市新建" in line and line.endswith("estimating…")
    display.segment_done(1, cached=False, ok=True)
    display.segment_done(2, cached=False, ok=True)
    assert "article 2/2" in display.bar_line(100)
    display.close()
    assert clip_to_width("气温回升，市民出游增多", 9) == "气温回升…" and display_width("气温") == 4


def test_a_note_erases_the_bar_and_is_one_whole_line():
    out = io.StringIO()
    display = RunDisplay(out, tty=True)
    display.speech_started(SpeechWork((0, 0), (10, 10), ("标题",), fallback="offline"))
    display.fallback(Part(0), "online voice zh-CN-YunyangNeural failed after 5 attempt(s): unreachable: "
                              "speech.platform.bing.com:443: connection refused", "offline")
    display.close()
    text = out.getvalue()
    note = "note: article 1 (标题): online voice zh-CN-YunyangNeural failed after 5 attempt(s): unreachable: " \
           "speech.platform.bing.com:443: connection refused; reading it with the offline voice\n"
    assert ERASE_LINE + note in text
    before, after = text.split(note)
    assert before.endswith(ERASE_LINE) and after.startswith(ERASE_LINE)  # the bar: erased, then drawn again


def test_without_a_terminal_only_stage_lines_and_notes():
    out = io.StringIO()
    display = RunDisplay(out, tty=False)
    display.stage("parse")
    display.stage_done("parse", 0.12)
    display.speech_started(SpeechWork((0,), (10,), ("标题",)))
    display.segment_done(0, cached=True, ok=True)
    display.note("something happened")
    display.stage_done("speech", 3.0)
    display.close()
    assert out.getvalue() == ("parse       0.1 s\nnote: something happened\n"
                              "speech      3.0 s  1 segments\n")
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


@pytest.mark.slow  # the real command and the real offline voice
def test_in_a_terminal_with_the_online_voice_unreachable(tmp_path):
    """The real command in a pty: `auto` with nothing listening where the online voice should be.
    Each article's note is one line naming it and the reason in plain words; the bar says
    "estimating…" before it says any time left; no control sequence inside a note."""
    edition = tmp_path / "short-2021-06-27.txt"
    edition.write_text(EDITION, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
    env.update(AUDIOBULLETIN_CACHE_DIR=str(tmp_path / "cache"), AUDIOBULLETIN_PAPER="太原日报",
               AUDIOBULLETIN_EDGE_ENDPOINT=f"ws://127.0.0.1:{closed_port()}/edge/v1",
               AUDIOBULLETIN_PROFILE=str(ROOT / "voices" / "default.toml"), TERM="xterm")
    run = run_in_pty([str(Path(sys.executable).parent / "audiobulletin"), "generate", str(edition), "--out", str(tmp_path / "out"),
                      "--engine", "auto", "--workers", "2"], env=env, cwd=str(tmp_path))
    text = run.text
    assert run.returncode == 0, text
    lines = text.replace("\r\n", "\n").split("\n")
    notes = [line for line in lines if "note: " in line]
    assert notes, text
    for line in notes:
        shown = line.split(ERASE_LINE)[-1]  # what the terminal shows on that line at the end
        assert shown.startswith("note: ") and "\x1b" not in shown and "\r" not in shown, repr(line)
        assert "SSLContext" not in shown and "object at 0x" not in shown
    articles = [n.split(ERASE_LINE)[-1] for n in notes if "article" in n]
    assert any("article 1 (我市新建城市书房二十座)" in n and "connection refused" in n
               and n.endswith("reading it with the offline voice") for n in articles), notes
    bar = [frame for frame in re.split(r"\r\x1b\[K", text) if "/14" in frame or re.search(r" \d+/\d+ ", frame)]
    assert bar and "estimating…" in bar[0]
    lefts = [i for i, frame in enumerate(bar) if re.search(r"\d+:\d\d left", frame)]
    assert all("estimating…" not in frame for frame in bar[lefts[0]:]) if lefts else True
    for stage in ("parse", "script", "speech", "assemble", "master", "publish"):
        assert re.search(rf"(^|\n|\x1b\[K){stage} +\d+\.\d s", text), stage
    assert "published 2021-06-27, episode 1" in text


def test_the_summary_names_every_output_the_voices_and_the_cache():
    import datetime as dt

    from audiobulletin.cli.summary import summary_lines
    from audiobulletin.pipeline import RunReport

    out = Path("/srv/out")
    report = RunReport(date=dt.date(2021, 6, 27), out_dir=out, duration=807.6, loudness_lufs=-19.0,
                       headlines=("标题",), segments=12, engines={0: "offline"}, number=3,
                       voices={"offline": ("baker",)}, from_cache=2, synthesised=10,
                       timings={"speech": 60.0, "master": 3.5},
                       outputs={"feed": (out / "feed.xml",), "episode": (out / "a.mp3",),
                                "transcripts": (out / "t.vtt", out / "t.srt"), "radio": (out / "radio.xml",),
                                "accessible": (out / "index.html",), "index": (out / "index.html",)})
    lines = summary_lines(report)
    assert lines[0] == ("published 2021-06-27, episode 3: 1 article, 12 segments (10 synthesised, 2 from the cache), "
                        "13:27 at -19.0 LUFS, in 1:03")
    assert "  voices   offline: baker" in lines
    assert "  transcripts  /srv/out/t.vtt" in lines and "               /srv/out/t.srt" in lines
    assert lines[-1] == "  article 1  offline   标题"
    assert [line for line in summary_lines(report, short=True)] == [
        lines[0], "  feed         /srv/out/feed.xml", "  episode      /srv/out/a.mp3", "  article 1  offline   标题"]
