"""Configuration and input that cannot make a good episode stop the run before any speech, with
one line naming the value's source: the flag, the environment variable, or the file and line."""

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EDITION = "我市新建城市书房二十座\n\n本报讯（记者 赵丽）记者从市文旅局获悉，今年我市新建城市书房20座。\n"


@pytest.fixture
def setup(tmp_path):
    edition = tmp_path / "short-2021-06-27.txt"
    edition.write_text(EDITION, encoding="utf-8")
    out = tmp_path / "out"
    return tmp_path, edition, out


def config(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "audiobulletin.toml"
    path.write_text("\n".join(['paper = "太原日报"', f'cache_dir = "{tmp_path / "cache"}"', *lines]) + "\n",
                    encoding="utf-8")
    return path


def generate(config_path: Path, edition: Path, out: Path, *flags: str, env: dict | None = None):
    result = CliRunner().invoke(cli, ["--config", str(config_path), "generate", str(edition), "--out", str(out),
                                      "--engine", "offline", "-q", *flags], env=env)
    errors = [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return result.exit_code, errors[0]


def nothing_spoken(tmp_path: Path, out: Path) -> bool:
    return not (tmp_path / "cache").exists() and not any(out.rglob("*.mp3"))


def test_unknown_offline_voice_is_exit_3_naming_the_voice_and_those_that_exist(setup):
    tmp_path, edition, out = setup
    profile = tmp_path / "voices.toml"
    profile.write_text('[offline]\nbody = { voice = "baker" }\nheadline = { voice = "xiaoyan", rate = -10 }\n',
                       encoding="utf-8")
    code, line = generate(config(tmp_path, f'profile = "{profile}"'), edition, out)
    assert code == 3
    assert f"{profile}:3 [offline] headline" in line and "no voice 'xiaoyan' (it has baker)" in line
    assert nothing_spoken(tmp_path, out)


@pytest.mark.parametrize("source,expected", [
    ("file", "audiobulletin.toml:3"), ("environment", "$AUDIOBULLETIN_BASE_URL"), ("flag", "--base-url"),
])
def test_base_url_without_host_is_exit_3_naming_its_source(setup, source, expected):
    tmp_path, edition, out = setup
    lines = ['base_url = "http://"'] if source == "file" else []
    env = {"AUDIOBULLETIN_BASE_URL": "http://"} if source == "environment" else None
    flags = ["--base-url", "http://"] if source == "flag" else []
    code, line = generate(config(tmp_path, *lines), edition, out, *flags, env=env)
    assert code == 3 and expected in line and "no host" in line and "'http://'" in line
    assert nothing_spoken(tmp_path, out)


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_an_unbelievable_date_flag_is_exit_2(setup, date):
    tmp_path, edition, out = setup
    code, line = generate(config(tmp_path), edition, out, "--date", date)
    assert code == 2 and line.startswith(f"audiobulletin: error: --date: the date {date} is outside 1900-01-01")
    assert nothing_spoken(tmp_path, out)


def test_dates_from_the_file_name_and_the_json_field_name_their_source(setup):
    tmp_path, _, out = setup
    named = tmp_path / "edition-2999-01-01.txt"
    named.write_text(EDITION, encoding="utf-8")
    code, line = generate(config(tmp_path), named, out)
    assert code == 2 and f"{named} (the date in its name)" in line
    cms = tmp_path / "edition.json"
    cms.write_text(json.dumps({"date": "1066-10-14", "articles": [{"headline": "标题", "paragraphs": ["正文。"]}]}),
                   encoding="utf-8")
    code, line = generate(config(tmp_path), cms, out)
    assert code == 2 and f'{cms} (its "date" field)' in line and "1066-10-14" in line
    # the window is a setting: widened, the same edition parses
    result = CliRunner().invoke(cli, ["--config", str(config(tmp_path, "earliest_year = 1000")), "parse", str(cms)])
    assert result.exit_code == 0, result.output


def test_a_bad_value_in_the_config_file_names_its_line(setup):
    tmp_path, edition, out = setup
    code, line = generate(config(tmp_path, "# workers below", 'workers = "many"'), edition, out)
    assert code == 3 and "audiobulletin.toml:4" in line and "workers has an invalid value 'many'" in line


def test_a_30_mb_edition_stops_at_the_size_check(setup):
    tmp_path, _, out = setup
    huge = tmp_path / "huge-2021-06-27.txt"
    with open(huge, "w", encoding="utf-8") as f:
        for _ in range(30):
            f.write(EDITION * (1024 * 1024 // len(EDITION.encode())))
    assert huge.stat().st_size > 29 * 1024 * 1024
    code, line = generate(config(tmp_path), huge, out)
    assert code == 2 and "is larger than the 1,000,000 bytes an edition may have" in line
    assert "max_edition_bytes" in line and nothing_spoken(tmp_path, out)


def test_the_profile_check_leaves_a_published_folder_untouched(setup):
    from test_publication import publish

    tmp_path, edition, out = setup
    publish(out, 26)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    profile = tmp_path / "voices.toml"
    profile.write_text('[offline]\nbody = { voice = "nobody" }\n', encoding="utf-8")
    code, _ = generate(config(tmp_path, f'profile = "{profile}"'), edition, out)
    assert code == 3
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()} == before
