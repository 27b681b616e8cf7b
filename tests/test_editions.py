"""Three editions of other papers' layouts, each with an exact expectation: the articles and
their headlines, sections and pages, what is dropped (and why), and every segment as spoken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.parse import parse_file
from audiobulletin.script import build_script

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
EXPECTED = Path(__file__).parent / "fixtures" / "expected"

# (headline, subheadings, section, page, byline, reporters, paragraphs, captions)
ARTICLES = {
    "web-export-furniture.txt": [
        ("冬储菜供应充足 价格总体平稳", (), "要闻", "A01", "本报讯（记者 孙立平）", ("孙立平",), 3, ()),
        ("城东新建3座口袋公园", (), "城事", "02", "本报讯（记者 周琳）", ("周琳",), 1, ()),
        ("市民服务中心延长办理时间", (), "城事", "02", "本报讯", (), 1, ()),
    ],
    "digest-photo-story.txt": [
        ("市场监管", (), "综合", "A03", "本报讯", (), 1, ()),
        ("文化旅游", (), "综合", "A03", None, (), 1, ()),
        ("交通出行", (), "综合", "A03", None, (), 1, ()),
        ("初雪装点汾河畔", (), "综合", "A03", None, (), 0, ("11月28日，市民在汾河公园赏雪拍照。",)),
        ("老旧小区改造提速", (), "综合", "A03", None, (), 1, ()),
        ("社区食堂覆盖八成街道", (), "综合", "A03", None, (), 1, ()),
        ("全市中小学启动冬季长跑", (), "综合", "A03", "本报讯（记者 李华）", ("李华",), 1, ("学生们在操场上进行长跑训练。",)),
    ],
    "cms-leftovers.json": [
        ("全市供暖运行平稳 室温达标率99%", (), "要闻", "A01", "本报讯（记者 孙立平）", ("孙立平",), 3,
         ("工作人员在换热站巡检。",)),
        ("汾河晚报客户端上线“问政”栏目", (), None, None, None, ("李华",), 1, ()),
    ],
}
DROPPED = {
    "web-export-furniture.txt": [
        "line 1: page header not read: 汾河晚报 2026年11月29日 星期日",
        "line 2: page header not read: 汾河晚报 第01版",
        "line 3: page header not read: A01 要闻",
        "line 9: page-turn mark not read: （下转第3版）",
        "line 10: editor credit not read: 责任编辑：王芳 校对：李强 美编：赵敏",
        "line 12: page header not read: 汾河晚报 2026年11月29日 星期日 第02版：城事",
        "line 15: editor credit not read: （编辑 马超）",
        "line 17: page-turn mark not read: （下转第4版）",
        "line 18: scan-code line not read: 扫码阅读全文",
        "line 19: copyright line not read: 汾河晚报社版权所有 未经授权不得转载",
    ],
    "digest-photo-story.txt": [
        "line 1: page header not read: 2026年11月29日 星期日",
        "line 2: page header not read: A03 综合",
        "line 4: digest label not read: 短讯",
        "line 10: photo credit not read: 本报记者 王晓明 摄",
        "line 12: digest label not read: 本地新闻速览",
        "line 20: photo credit not read: 新华社发",
    ],
    "cms-leftovers.json": [
        "articles[0].captions[0]: photo credit not read: （本报记者 周琳 摄）",
        "articles[0].paragraphs[1]: page-turn mark not read: （下转第3版）",
        "articles[0].paragraphs[2]: CMS markup not read: <p>",
        "articles[0].paragraphs[2]: CMS markup not read: </p>",
        "articles[0].paragraphs[3]: editor credit not read: （编辑 马超）",
        "articles[0].paragraphs[4]: editor credit not read: 责任编辑：王芳",
        "articles[1].paragraphs[0]: CMS markup not read: &nbsp;",
        "articles[1].paragraphs[1]: scan-code line not read: 扫码阅读全文",
        "articles[1].paragraphs[2]: copyright line not read: 汾河晚报社版权所有 未经授权不得转载",
    ],
}


def _spoken(name: str) -> list[tuple[str, str, str]]:
    lines = (EXPECTED / f"{Path(name).stem}.spoken.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_articles_headlines_sections_and_pages(name):
    edition = parse_file(LAYOUTS / name)
    assert edition.date is not None and edition.date.isoformat() == "2026-11-29"  # from a page header or the JSON
    assert [(a.headline, a.subheadings, a.section, a.page, a.byline, a.reporters, len(a.paragraphs), a.captions)
            for a in edition.articles] == ARTICLES[name]


@pytest.mark.parametrize("name", sorted(DROPPED))
def test_what_is_dropped_and_why(name):
    assert list(parse_file(LAYOUTS / name).notes) == DROPPED[name]


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_every_segment_as_spoken(name):
    script = build_script(parse_file(LAYOUTS / name))
    said = [("-" if s.article is None else f"{s.article + 1}.{s.paragraph}", s.role.value, s.spoken)
            for s in script.segments]
    assert said == _spoken(name)


def test_no_listener_hears_furniture_a_credit_or_a_caption_twice():
    for name in ARTICLES:
        # the section's name is said where the section opens (and in the intro), never in an article
        spoken = "".join(s.spoken for s in build_script(parse_file(LAYOUTS / name)).segments
                         if s.article is not None)
        for never in ("版权所有", "责任编辑", "编辑马超", "下转", "扫码", "摄", "新华社发", "短讯", "速览",
                      "图片说明：图片说明", "要闻", "星期日第"):
            assert never not in spoken, (name, never)


def test_parse_and_script_agree_on_the_paper_a_json_edition_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no audiobulletin.toml naming another paper
    path = LAYOUTS / "cms-leftovers.json"
    parsed = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    scripted = CliRunner().invoke(cli, ["script", str(path), "--json"])
    assert parsed.exit_code == 0 and scripted.exit_code == 0, parsed.output + scripted.output
    data = json.loads(parsed.stdout)
    assert data["paper"] == "汾河晚报"
    assert data["segments"][0]["spoken"] == json.loads(scripted.stdout)[0]["spoken"] == "这里是汾河晚报有声版。"
    # and the printed edition reads back as the same edition, sections and pages included
    again = tmp_path / "again.json"
    again.write_text(parsed.stdout, encoding="utf-8")
    assert parse_file(again).articles == parse_file(path).articles
