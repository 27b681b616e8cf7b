"""A whole edition: page files, sections, and audio that never lives in memory whole."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.earcon import headline_cue, section_cue
from audiobulletin.master.loudness import hop_energies, integrated_from_energies, k_weighted, measure
from audiobulletin.master.normalise import Target
from audiobulletin.master.programme import Applied, analyse, apply, solve
from audiobulletin.master.running import Running
from audiobulletin.parse import ParseOptions, parse_edition
from audiobulletin.script import build_script
from audiobulletin.script.segment import Role
from audiobulletin.speech.spool import ClipSpool
from audiobulletin.speech.voice import Clip
from audiobulletin.spool import PcmFile

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted((FIXTURES / "pages").glob("page*.txt"))
OPTIONS = ParseOptions(paper="太原日报")


def without_lines(edition):
    return [dataclasses.replace(a, line=0) for a in edition.articles]


# --- input --------------------------------------------------------------------------------------

def test_page_files_a_folder_one_file_and_json_give_the_same_edition():
    pages = parse_edition(PAGES, OPTIONS)
    folder = parse_edition(FIXTURES / "pages", OPTIONS)
    single = parse_edition(FIXTURES / "pages-2021-06-27.txt", OPTIONS)
    structured = parse_edition(FIXTURES / "pages-2021-06-27.json", OPTIONS)
    assert without_lines(pages) == without_lines(folder) == without_lines(single) == without_lines(structured)
    assert pages.sections == single.sections == structured.sections
    assert [(s.name, s.page, s.articles) for s in pages.sections] == [
        ("要闻", "01", (0, 1)), ("综合", "02", (2, 3)), ("城事", "03", (4,))]
    assert pages.date.isoformat() == single.date.isoformat() == structured.date.isoformat() == "2021-06-27"
    # the JSON's empty advertisement section is dropped, and said so
    assert "sections[1]: section 广告 has no article, dropped" in structured.notes


def test_an_edition_without_page_information_is_one_unnamed_section_and_reads_as_before(sample_path):
    edition = parse_edition(sample_path, OPTIONS)
    assert not edition.sectioned
    assert [(s.name, s.page, s.articles) for s in edition.sections] == [(None, None, (0, 1, 2))]
    script = build_script(edition)
    assert not any(s.role is Role.SECTION or s.section_cue for s in script.segments)
    assert [c.title for c in script.chapters[1:]] == [a.headline for a in edition.articles]


def _write_pages(folder: Path, pages: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


ARTICLE = "城市书房开放\n\n本报讯（记者 赵丽）今年我市新建城市书房20座。市民可以就近借阅图书。\n"


def test_pages_of_different_dates_are_exit_2_naming_both(tmp_path):
    paths = _write_pages(tmp_path, {
        "p1.txt": "太原日报 2021年6月27日 星期日 第01版：要闻\n\n" + ARTICLE,
        "p2.txt": "太原日报 2021年6月28日 星期一 第02版：综合\n\n" + ARTICLE.replace("书房", "驿站")})
    result = CliRunner().invoke(cli, ["parse", *map(str, paths)])
    assert result.exit_code == 2
    assert "p1.txt is 2021-06-27" in result.stderr and "p2.txt is 2021-06-28" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_duplicate_page_numbers_are_exit_2(tmp_path):
    paths = _write_pages(tmp_path, {
        "a.txt": "太原日报 2021年6月27日 星期日 第02版：综合\n\n" + ARTICLE,
        "b.txt": "太原日报 2021年6月27日 星期日 第02版：综合\n\n" + ARTICLE.replace("书房", "驿站")})
    result = CliRunner().invoke(cli, ["parse", *map(str, paths)])
    assert result.exit_code == 2
    assert "page 02 is in both a.txt and b.txt" in result.stderr


def test_a_page_without_an_article_is_noted_and_skipped(tmp_path):
    paths = _write_pages(tmp_path, {
        "p1.txt": "太原日报 2021年6月27日 星期日 第01版：要闻\n\n" + ARTICLE,
        "p2.txt": "太原日报 2021年6月27日 星期日 第02版：广告\n\n扫码阅读全文\n",
        "p3.txt": "太原日报 2021年6月27日 星期日 第03版：城事\n\n" + ARTICLE.replace("书房", "驿站")})
    result = CliRunner().invoke(cli, ["parse", *map(str, paths)])
    assert result.exit_code == 0, result.output
    assert "note: p2.txt: no article found on this page, skipped" in result.stderr
    edition = parse_edition(paths, OPTIONS)
    assert [(s.name, s.page) for s in edition.sections] == [("要闻", "01"), ("城事", "03")]


def test_a_page_file_without_a_header_is_the_page_its_place_says(tmp_path):
    paths = _write_pages(tmp_path, {"x.txt": "太原日报 2021年6月27日 星期日 第01版：要闻\n\n" + ARTICLE,
                                    "y.txt": ARTICLE.replace("书房", "驿站")})
    edition = parse_edition(paths, OPTIONS)
    assert [(s.title, s.page) for s in edition.sections] == [("要闻", "01"), ("第2版", "02")]


def test_json_sections_and_articles_together_are_refused(tmp_path):
    path = tmp_path / "e-2021-06-27.json"
    path.write_text(json.dumps({"articles": [], "sections": []}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 2 and "both \"articles\" and \"sections\"" in result.stderr


# --- script and cues ----------------------------------------------------------------------------

def test_the_intro_names_the_sections_and_each_opens_with_its_cue_and_name():
    edition = parse_edition(PAGES, OPTIONS)
    script = build_script(edition)
    intro = [s.text for s in script.segments if s.role is Role.INTRO]
    assert "今天共有3个版面，5篇文章：" in intro and "要闻2篇，综合2篇，城事1篇。" in intro
    openings = [s for s in script.segments if s.section_cue]
    assert [(s.role, s.section, s.text) for s in openings] == [
        (Role.SECTION, 0, "第1版，要闻，本版共2篇："), (Role.SECTION, 1, "第2版，综合，本版共2篇："),
        (Role.SECTION, 2, "第3版，城事，本版共1篇：")]
    assert [(c.title, c.article, c.section) for c in script.chapters] == [
        ("本期要目", None, None),
        ("要闻", None, 0), ("要闻｜我市新建城市书房二十座", 0, 0), ("要闻｜汾河湿地公园开放", 1, 0),
        ("综合", None, 1), ("综合｜气温回升，市民出游增多", 2, 1), ("综合｜夏粮收购工作启动", 3, 1),
        ("城事", None, 2), ("城事｜老旧小区加装电梯", 4, 2)]


def _dominant_hz(pcm: bytes, rate: int) -> float:
    x = np.frombuffer(pcm, "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def test_the_section_cue_is_longer_and_lower_than_the_article_chime():
    rate = 24000
    article, section = headline_cue(rate), section_cue(rate)
    assert len(section) > 1.5 * len(article)
    opening = int(0.15 * rate) * 2  # each cue's first note, in bytes
    assert _dominant_hz(section[:opening], rate) < 0.75 * _dominant_hz(article[:opening], rate)
    assert _dominant_hz(section, rate) not in (_dominant_hz(article, rate), _dominant_hz(article[:opening], rate))
    samples = np.frombuffer(section, "<i2").astype(float) / 32768
    assert 0.1 < np.abs(samples).max() < 0.25 and abs(samples[-1]) < 0.01  # same level, no click


# --- bounded memory -----------------------------------------------------------------------------

def test_spooled_audio_has_no_name_in_the_folder(tmp_path):
    with ClipSpool(tmp_path) as clips, PcmFile(24000, tmp_path) as pcm:
        clips[3] = Clip(b"\x01\x00" * 100, 24000, engine="x", skipped=("…",))
        pcm.append(np.arange(1000, dtype="<i2"))
        assert list(tmp_path.iterdir()) == []  # nothing a crash could leave behind
        assert clips[3].pcm == b"\x01\x00" * 100 and clips[3].skipped == ("…",) and 3 in clips
        assert np.array_equal(pcm.read(10, 20), np.arange(10, 20)) and pcm.frames == 1000
        names = {os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                 if os.path.exists(f"/proc/self/fd/{fd}")}
        assert any(str(tmp_path) in name and "(deleted)" in name for name in names)
    assert list(tmp_path.iterdir()) == []


def _programme(seconds: float, rate: int, seed: int, level: float) -> np.ndarray:
    """Speech-like audio with sharp peaks, so the limiter has work to do."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = np.sin(2 * np.pi * 180 * t) * 0.3 + rng.standard_normal(len(t)) * 0.05
    x *= (np.sin(2 * np.pi * 0.5 * t) > -0.5) * (0.3 + np.clip(np.sin(2 * np.pi * 4 * t), 0, None))
    x[:: rate // 3] += 0.6  # clicks: peaks far above the speech
    return (x / np.abs(x).max() * level).astype(np.float32)


def test_running_loudness_is_the_loudness_of_everything_so_far():
    rate = 24000
    rng = np.random.default_rng(3)
    parts = [rng.random(n) * 10 ** rng.uniform(-3, 1) for n in (7, 2, 300, 45, 1)]
    running = Running(rate)
    for k, part in enumerate(parts):
        whole = np.concatenate(parts[:k + 1])
        assert running.with_chapter(part) == pytest.approx(integrated_from_energies(whole, rate), abs=1e-9)
        running.append(part)
    assert np.array_equal(running.energies, np.concatenate(parts))


def test_streaming_normalisation_meets_target_and_ceiling_like_the_whole_array_one(tmp_path):
    rate = 24000
    x = _programme(95.0, rate, seed=5, level=0.9)
    with PcmFile.of(np.round(x * 32767).astype("<i2"), rate, tmp_path) as pcm:
        analysis = analyse(pcm, 0, pcm.frames)
        reference = hop_energies(k_weighted(pcm.read().astype(np.float32) / 32768, rate), rate)
        assert np.allclose(analysis.energies, reference, rtol=1e-9)
        target = Target(-19.0, -1.5)
        solution = solve(pcm, analysis, target)
        assert analysis.regions(solution.ceiling / solution.gain)  # the limiter acted somewhere
        applied = Applied([])
        out = np.concatenate([block[0] for block in apply(pcm, analysis, [solution], applied)])
    assert len(out) == len(x)
    heard = measure(out, rate)
    assert heard.integrated == pytest.approx(-19.0, abs=0.05)
    assert heard.true_peak <= -1.5 + 0.01
    assert applied.true_peaks[0] == pytest.approx(10 ** (heard.true_peak / 20), rel=1e-4)
    assert solution.loudness(rate, applied.true_peaks[0]).integrated == pytest.approx(heard.integrated, abs=0.01)


def test_chapters_normalised_one_after_another_leave_the_whole_on_target(tmp_path):
    """Each chapter is mastered as soon as it is complete, yet the episode as a whole is on
    target: every chapter gets the gain that puts the episode so far on target."""
    rate = 24000
    chapters = [_programme(s, rate, seed, level) for s, seed, level in ((20, 1, 0.2), (40, 2, 0.9), (7, 3, 0.5))]
    joined = np.concatenate(chapters)
    running, outputs = Running(rate), []
    with PcmFile.of(np.round(joined * 32767).astype("<i2"), rate, tmp_path) as pcm:
        first = 0
        for chapter in chapters:
            analysis = analyse(pcm, first, first + len(chapter))
            solution = solve(pcm, analysis, Target(-23.0, -1.5), running=running)
            running.append(solution.energies)
            outputs += [block[0] for block in apply(pcm, analysis, [solution])]
            first += len(chapter)
    whole = measure(np.concatenate(outputs), rate)
    assert whole.integrated == pytest.approx(-23.0, abs=0.05)
    assert integrated_from_energies(running.energies, rate) == pytest.approx(-23.0, abs=0.02)
    assert whole.true_peak <= -1.5 + 0.01
