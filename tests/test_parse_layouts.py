"""Real layouts beyond the sample: e-paper web exports, Traditional + half-width punctuation,
indented single-line paragraphs, JSON from a CMS. Every fixture also passes the coverage check."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from audiobulletin.errors import InputError
from audiobulletin.parse import parse_file, parse_text
from audiobulletin.parse.punctuation import full_width

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
SAMPLE = Path(__file__).parent / "fixtures" / "taiyuan-daily-2021-06-27.txt"
WHOLE = None
# What of each fixture is not read: line (1-based) -> WHOLE line, or the pieces of it not read.
UNREAD = {
    "epaper-export.txt": {**dict.fromkeys((1, 2, 5, 6, 7, 8, 14, 15, 17, 19, 20, 21, 22, 25, 26), WHOLE),
                          11: ["王晓明 摄"]},
    "web-export-furniture.txt": {**dict.fromkeys((1, 2, 3, 9, 10, 12, 15, 18, 19), WHOLE), 17: ["（下转第4版）"]},
    "digest-photo-story.txt": {**dict.fromkeys((1, 2, 4, 12), WHOLE), 5: ["■"], 6: ["■"], 7: ["■"],
                               10: ["本报记者 王晓明 摄"], 20: ["图片说明：", "新华社发"]},
    "traditional-halfwidth.txt": {},
    "single-lines-indented.txt": {},
    "taiyuan-daily-2021-06-27.txt": {},
}
# The same for the JSON fixture: (article, field, index) -> WHOLE or pieces.
UNREAD_JSON = {
    "cms-leftovers.json": {(0, "paragraphs", 1): ["（下转第3版）"], (0, "paragraphs", 2): ["<p>", "</p>"],
                           (0, "paragraphs", 3): WHOLE, (0, "paragraphs", 4): WHOLE,
                           (0, "captions", 0): ["图片说明：", "（本报记者 周琳 摄）"],
                           (1, "paragraphs", 0): ["&nbsp;"], (1, "paragraphs", 1): WHOLE,
                           (1, "paragraphs", 2): WHOLE},
}


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def _read_back(edition) -> str:
    return _squash("".join(
        a.headline + "".join(a.subheadings) + (a.byline or "") + "".join(a.paragraphs) + "".join(a.captions)
        + (a.credit or "") for a in edition.articles))


def _check(pieces: list[tuple[str, list[str] | None]], edition) -> None:
    """Every sentence of what is read (or the piece of it on one line, when the page cut it) is in
    the parsed edition; nothing that is not read is."""
    parsed = _read_back(edition)
    kept = []
    for text, unread in pieces:
        if unread is WHOLE:
            assert _squash(text) not in parsed
            continue
        for piece in unread:
            assert piece in text
            text = text.replace(piece, "")
            assert _squash(piece) not in parsed
        kept.append(text)
    sentences = [s for text in kept for s in re.split(r"(?<=[。！？])", _squash(text)) if s]
    assert [s for s in sentences if s not in parsed] == []


def assert_nothing_lost(path: Path, edition) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    unread = UNREAD[path.name]
    _check([(full_width(line.strip()), unread.get(n, [])) for n, line in enumerate(lines, 1)], edition)


def assert_nothing_lost_json(path: Path, edition) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    unread = UNREAD_JSON[path.name]
    _check([(text, unread.get((n, field, k), [])) for n, article in enumerate(data["articles"])
            for field in ("paragraphs", "captions") for k, text in enumerate(article.get(field, []))], edition)


@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.txt")) + [SAMPLE], ids=lambda p: p.name)
def test_every_fixture_loses_no_sentence_and_reads_no_furniture(path):
    assert_nothing_lost(path, parse_file(path))


@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.json")), ids=lambda p: p.name)
def test_every_json_fixture_loses_no_sentence_and_reads_no_leftover(path):
    assert_nothing_lost_json(path, parse_file(path))


def test_every_fixture_has_its_unread_list():
    assert {p.name for p in LAYOUTS.iterdir()} == set(UNREAD) - {SAMPLE.name} | set(UNREAD_JSON)


def test_epaper_export():
    edition = parse_file(LAYOUTS / "epaper-export.txt")
    assert edition.date.isoformat() == "2021-06-27"  # from the page header
    first, second = edition.articles
    assert first.headline == "我市新增5G基站1200个" and first.subheadings == ()
    assert first.byline == "本报讯" and first.reporters == ("王晓明",) and first.credit == "（王晓明）"
    assert first.captions == ("图为工作人员在调试5G基站设备。",)  # the photo credit is not read
    assert first.paragraphs[-1].startswith("又讯")  # a follow-on item stays in its article
    assert second.headline == "市长：把民生实事办到群众心坎上"
    assert second.reporters == ("李华", "张伟")
    assert len(edition.notes) == 16 and all("not read" in n for n in edition.notes)
    assert "line 11: photo credit not read: 王晓明 摄" in edition.notes
    assert (first.section, first.page, second.section, second.page) == ("要闻", "A1", "要闻", "A2")


def test_traditional_with_half_width_punctuation():
    first, second = parse_file(LAYOUTS / "traditional-halfwidth.txt").articles
    assert first.headline == "全市居民人均可支配收入增長8.5%"
    assert first.byline == "本報訊（記者 陳美玲）" and first.reporters == ("陳美玲",)
    assert first.paragraphs[0].startswith("據市統計局最新發布的數據，今年一季度，")
    assert "12,468元，同比增長8.5%。其中" in first.paragraphs[0]  # numbers keep their ASCII marks
    assert "“居民收入穩步增長，消費市場持續回暖。”" in first.paragraphs[1]
    assert second.headline == "專家：消費回暖態勢明顯" and second.byline == "本報訊"


def test_indented_single_line_paragraphs_comma_headline_and_trailing_credit():
    first, second = parse_file(LAYOUTS / "single-lines-indented.txt").articles
    assert first.headline == "稳字当头，进字为先"  # a comma headline, proven by the byline after it
    assert first.subheadings == ("奋力推动全市经济高质量发展",)
    assert len(first.paragraphs) == 3 and all(not p.startswith("\u3000") for p in first.paragraphs)
    assert second.headline == "城市书房开到家门口" and second.byline is None
    assert second.credit == "（本报记者 赵丽）" and second.reporters == ("赵丽",)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_of_a_fixture(tmp_path, encoding):
    text = (LAYOUTS / "single-lines-indented.txt").read_text(encoding="utf-8")
    path = tmp_path / "edition.txt"
    path.write_bytes(text.encode(encoding))
    assert parse_file(path).articles == parse_text(text).articles


def test_undecodable_file_names_the_file(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "标题\n正文。".encode("gb18030"))  # UTF-8 BOM, then GB18030
    with pytest.raises(InputError, match="broken.txt.*not valid utf-8"):
        parse_file(path)


def test_section_heads_inside_an_article_are_not_new_articles():
    text = "全市推进营商环境改革\n本报讯 今年以来成效明显。\n一、审批提速\n办理时间缩短一半。\n二、服务上门\n企业满意度提高。\n"
    [article] = parse_text(text).articles
    assert article.paragraphs == ("今年以来成效明显。", "一、审批提速", "办理时间缩短一半。", "二、服务上门", "企业满意度提高。")


def test_json_edition_round_trip(tmp_path):
    parsed = parse_file(SAMPLE, paper="太原日报")
    path = tmp_path / "edition-2021-06-27.json"
    path.write_text(json.dumps(parsed.to_json(), ensure_ascii=False), encoding="utf-8")
    again = parse_file(path)
    # everything printed comes back; only `line` (where each article starts in its file) differs
    assert [replace(a, line=0) for a in again.articles] == [replace(a, line=0) for a in parsed.articles]
    assert again.paper == "太原日报" and again.date == parsed.date


@pytest.mark.parametrize("document,message", [
    ("{", "is not valid JSON (line 1"),
    ('{"articles": []}', "non-empty \"articles\" list"),
    ('{"articles": [{"paragraphs": ["一。"]}]}', "articles[0].headline must be a non-empty string"),
    ('{"articles": [{"headline": "标题", "paragraphs": "一。"}]}', "articles[0].paragraphs must be a list of strings"),
    ('{"articles": [{"headline": "标题", "paragraphs": ["一。"], "teaser": "x"}]}', "unknown field(s) teaser"),
    ('{"date": "27.06.2021", "articles": [{"headline": "标题", "paragraphs": ["一。"]}]}', "is not like 2021-06-27"),
])
def test_json_edition_validation(tmp_path, document, message):
    path = tmp_path / "edition.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
