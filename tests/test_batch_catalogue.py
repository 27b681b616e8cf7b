"""The batch's catalogue and date range: every mistake is one line naming the file and line, with
its documented exit code, before anything is voiced or written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from click.testing import CliRunner

from audiobulletin.batch.catalogue import key_lines, load_catalogue
from audiobulletin.batch.editions import date_range, find_edition, fingerprint
from audiobulletin.batch.plan import EditionKey, plan_edition, title_run
from audiobulletin.cli import cli
from audiobulletin.config import Settings
from audiobulletin.errors import ConfigError, InputError
from audiobulletin.pipeline import read_edition
from batch_archive import write_archive, write_catalogue, write_pages


def _run(*args: str):
    return CliRunner().invoke(cli, ["batch", *map(str, args)])


def _one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def _line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_an_unknown_key_in_a_title_is_exit_3_with_file_and_line(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml")
    text = catalogue.read_text(encoding="utf-8").replace('name = "太原晚报"\n', 'name = "太原晚报"\nvoice = "baker"\n')
    catalogue.write_text(text, encoding="utf-8")
    result = _run(catalogue, "--dates", "2021-06-27")
    assert result.exit_code == 3
    line = _one_error_line(result)
    assert f"{catalogue}:{_line_of(catalogue, 'voice = ')}:" in line and "unknown key 'voice'" in line
    assert not (tmp_path / "feeds").exists()


def test_a_title_without_a_name_is_exit_3_at_its_table(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml")
    text = catalogue.read_text(encoding="utf-8").replace('name = "太原晚报"\n', "")
    catalogue.write_text(text, encoding="utf-8")
    result = _run(catalogue, "--dates", "2021-06-27")
    assert result.exit_code == 3
    second_table = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[paper]]"][1]
    line = _one_error_line(result)
    assert f"{catalogue}:{second_table}:" in line and "[[paper]] #2 has no name" in line


def test_an_unknown_top_level_key_and_a_bad_setting_name_their_lines(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml", extra='bitrate_kbps = "loud"\n')
    with pytest.raises(ConfigError) as bad_value:
        load_catalogue(catalogue, Settings())
    assert bad_value.value.where == f"{catalogue}:{_line_of(catalogue, 'bitrate_kbps')}"
    catalogue.write_text("titel = \"x\"\n" + catalogue.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError) as unknown:
        load_catalogue(catalogue, Settings())
    assert unknown.value.where == f"{catalogue}:1" and "unknown key 'titel'" in unknown.value.message


def test_a_setting_checked_by_its_stage_names_the_catalogue_line(tmp_path):
    """base_url is validated by the publish stage's options: the message still points at the line."""
    write_archive(tmp_path)
    catalogue = write_catalogue(tmp_path / "papers.toml")
    text = catalogue.read_text(encoding="utf-8").replace('base_url = "https://audio.example.org/taiyuan-evening/"',
                                                         'base_url = "ftp://nowhere"')
    catalogue.write_text(text, encoding="utf-8")
    result = _run(catalogue, "--dates", "2021-06-27")
    assert result.exit_code == 3
    assert f"{catalogue}:{_line_of(catalogue, 'ftp://')}" in _one_error_line(result)
    assert not (tmp_path / "feeds").exists()  # checked before anything is voiced


def test_two_titles_sharing_an_output_folder_is_exit_3(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml")
    text = catalogue.read_text(encoding="utf-8").replace('out = "feeds/taiyuan-evening"', 'out = "feeds/taiyuan-daily"')
    catalogue.write_text(text, encoding="utf-8")
    result = _run(catalogue, "--dates", "2021-06-27")
    assert result.exit_code == 3
    line = _one_error_line(result)
    assert "share the output folder" in line and "太原晚报" in line and "太原日报" in line


def test_a_title_folder_inside_another_is_exit_3(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml")
    text = catalogue.read_text(encoding="utf-8").replace('out = "feeds/taiyuan-evening"',
                                                         'out = "feeds/taiyuan-daily/evening"')
    catalogue.write_text(text, encoding="utf-8")
    assert _run(catalogue, "--dates", "2021-06-27").exit_code == 3


def test_a_title_needs_exactly_one_edition_source_and_known_placeholders(tmp_path):
    catalogue = write_catalogue(tmp_path / "papers.toml")
    original = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(original.replace("{date:%Y%m%d}", "{day}", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="placeholder"):
        load_catalogue(catalogue, Settings())
    catalogue.write_text(original.replace('name = "太原晚报"\n', 'name = "太原晚报"\ncommand = "cat x"\n'), encoding="utf-8")
    with pytest.raises(ConfigError, match="one of editions"):
        load_catalogue(catalogue, Settings())


def test_a_backwards_date_range_is_exit_2(tmp_path):
    write_archive(tmp_path)
    result = _run(write_catalogue(tmp_path / "papers.toml"), "--dates", "2021-06-28..2021-06-27")
    assert result.exit_code == 2
    line = _one_error_line(result)
    assert "runs backwards" in line and "2021-06-27..2021-06-28" in line


def test_date_ranges():
    assert date_range("2021-06-01..2021-06-30") == (dt.date(2021, 6, 1), dt.date(2021, 6, 30))
    assert date_range("2021-06-27") == (dt.date(2021, 6, 27), dt.date(2021, 6, 27))
    for bad in ("2021-06-31", "yesterday..today", "2021-06-02..2021-06-01"):
        with pytest.raises(InputError):
            date_range(bad)


def test_a_date_without_an_edition_is_noted_not_an_error(tmp_path):
    write_archive(tmp_path)
    catalogue = write_catalogue(tmp_path / "papers.toml")
    result = _run(catalogue, "--dates", "2021-06-20..2021-06-21")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("no edition") >= 4  # two titles x two dates, and the notes
    assert "4 no edition" in result.stdout
    assert (tmp_path / "feeds" / "feeds.opml").exists()  # the directory lists the titles all the same


def test_an_unknown_title_in_papers_is_exit_3(tmp_path):
    write_archive(tmp_path)
    result = _run(write_catalogue(tmp_path / "papers.toml"), "--dates", "2021-06-27", "--papers", "太原日报,人民日报")
    assert result.exit_code == 3 and "no title 人民日报" in _one_error_line(result)


def test_dask_without_a_scheduler_is_a_usage_error(tmp_path):
    result = _run(write_catalogue(tmp_path / "papers.toml"), "--dates", "2021-06-27", "--executor", "dask")
    assert result.exit_code == 2 and "--scheduler" in result.stderr


def test_every_edition_failing_is_exit_11_and_nothing_is_published(tmp_path):
    write_archive(tmp_path, {(paper, "20210627"): "" for paper in ("太原日报", "太原晚报")})
    result = _run(write_catalogue(tmp_path / "papers.toml"), "--dates", "2021-06-27", "--json")
    assert result.exit_code == 11, result.output
    assert "is empty" in result.stdout and '"failed": 2' in result.stdout
    assert not (tmp_path / "feeds" / "taiyuan-daily" / "feed.xml").exists()


def test_a_folder_of_page_files_is_one_edition_read_as_generate_reads_it(tmp_path):
    """Several files matching a date are the pages of one edition: the same reader as
    `generate page01.txt page02.txt page03.txt`, sections and all; every page is in the fingerprint."""
    write_archive(tmp_path)
    pages = write_pages(tmp_path, "太原日报", "20210627")
    [daily] = load_catalogue(write_catalogue(tmp_path / "papers.toml", papers=("太原日报",)), Settings()).titles
    day = dt.date(2021, 6, 27)
    found = find_edition(daily, day)
    assert found is not None and found.files == tuple(pages) and found.data is None
    run = title_run(daily, workers=1)
    plan = plan_edition(run, EditionKey(0, daily.name, day), found)
    assert plan.edition == read_edition(pages, replace(run.options, parse=replace(run.options.parse, date=day)))
    assert [(s.name, len(s.articles)) for s in plan.edition.sections] == [("要闻", 2), ("综合", 2), ("城事", 1)]
    before = fingerprint(found, run.digest)
    pages[2].write_text(pages[2].read_text(encoding="utf-8").replace("200部", "300部"), encoding="utf-8")
    assert fingerprint(find_edition(daily, day), run.digest) != before  # the last page changed: voice it again


def test_a_page_without_an_article_is_noted_and_skipped(tmp_path):
    write_archive(tmp_path)
    (tmp_path / "archive" / "太原日报" / "20210627" / "page2.txt").write_text("x", encoding="utf-8")
    [daily] = load_catalogue(write_catalogue(tmp_path / "papers.toml", papers=("太原日报",)), Settings()).titles
    day = dt.date(2021, 6, 27)
    found = find_edition(daily, day)
    assert found is not None and [f.name for f in found.files] == ["edition.txt", "page2.txt"]
    plan = plan_edition(title_run(daily, workers=1), EditionKey(0, daily.name, day), found)
    assert len(plan.edition.articles) == 1 and "page2.txt: no article found on this page, skipped" in plan.edition.notes


def test_key_lines_finds_keys_tables_and_skips_multiline_strings():
    text = 'title = "x"\n[defaults]\nengine = "offline"\n[[paper]]\nname = "a"\nfeed_description = """\nname = no\n"""\nout = "o"\n[[paper]]\n"out" = "p"\n'
    lines = key_lines(text)
    assert lines[("", "title")] == 1 and lines[("defaults", None)] == 2 and lines[("defaults", "engine")] == 3
    assert lines[(("paper", 0), "name")] == 5 and lines[(("paper", 0), "out")] == 9
    assert lines[(("paper", 1), None)] == 10 and lines[(("paper", 1), "out")] == 11


def test_an_edition_command_prints_the_edition_or_nothing_or_fails(tmp_path):
    import sys

    from audiobulletin.batch.editions import find_edition

    script = tmp_path / "print_edition.py"
    script.write_text("import sys\npaper, day = sys.argv[1:]\n"
                      "if day == '20210627': print(paper + '新闻\\n\\n本报讯 今天天气晴。')\n"
                      "elif day == '20210629': sys.exit('archive offline')\n", encoding="utf-8")
    catalogue = tmp_path / "papers.toml"
    catalogue.write_text(f'[[paper]]\nname = "太原日报"\ncommand = "{sys.executable} print_edition.py {{paper}} '
                         f'{{date:%Y%m%d}}"\nout = "feeds"\n', encoding="utf-8")
    [title] = load_catalogue(catalogue, Settings()).titles
    found = find_edition(title, dt.date(2021, 6, 27))
    assert found is not None and found.data.decode().startswith("太原日报新闻") and "print_edition.py 太原日报 20210627" in found.where
    assert find_edition(title, dt.date(2021, 6, 28)) is None  # printed nothing: no edition that day
    with pytest.raises(InputError, match="exited with 1.*archive offline"):
        find_edition(title, dt.date(2021, 6, 29))
