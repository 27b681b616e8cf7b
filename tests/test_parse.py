import re

import pytest

from audiobulletin.errors import InputError
from audiobulletin.parse import parse_file, parse_text
from audiobulletin.parse.decode import decode_edition

# The nine places where the page layout cut a paragraph: (end of the first piece, start of the next).
LAYOUT_BREAKS = [
    ("树牢理", "念、强化责任"), ("极端重要", "性，进一步"), ("切实", "做到不留盲区"),
    ("全方位", "监督体系，贯通"), ("更多更", "公平惠及"), ("担当省会", "责任，进一步"),
    ("全力助", "推，各级医疗"), ("请已接种第一剂次", "新冠病毒疫苗到期后"), ("确保完", "成有效的全程"),
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _everything(edition) -> str:
    """All parsed text in reading order."""
    return "".join(a.headline + "".join(a.subheadings) + (a.byline or "") + "".join(a.paragraphs)
                   for a in edition.articles)


def test_sample_has_exactly_three_articles_with_headline_blocks(sample_path):
    edition = parse_file(sample_path, paper="太原日报")
    assert [a.headline for a in edition.articles] == [
        "市委理论学习中心组举行学习会", "市委常委会召开会议", "我市提前完成新冠病毒疫苗第二剂次接种目标任务"]
    first, second, third = edition.articles
    assert first.subheadings == ("深入学习贯彻习近平总书记关于安全生产重要论述", "罗清宇主持并讲话")
    assert second.subheadings == (
        "传达学习《中共中央关于加强对“一把手”和领导班子监督的意见》",
        "传达学习省十三届人大五次会议精神、省委书记林武在全省换届后县（市、区）党政正职专题培训班开班式上的重要讲话精神",
        "审议《太原市创建国家卫生城市工作方案》《关于2021—2025年推动全市新的社会阶层人士统战工作高质量发展的实施方案》",
        "罗清宇主持")
    assert third.subheadings == ()
    assert edition.date.isoformat() == "2021-06-27"


def test_bylines_and_reporters(sample_path):
    first, second, third = parse_file(sample_path).articles
    assert first.byline == second.byline == "本报讯（全媒体记者 赵继钊 殷雪鸢）"
    assert first.reporters == ("赵继钊", "殷雪鸢")
    assert third.byline == "本报讯（记者 郝晓炜）" and third.reporters == ("郝晓炜",)
    assert first.paragraphs[0].startswith("6月26日，市委理论学习中心组举行学习会")
    assert third.paragraphs[0].startswith("市卫健委消息")


def test_paragraph_counts_keep_real_boundaries(sample_path):
    # 21 body paragraphs in the file; 9 layout cuts joined -> 4 + 7 + 3 paragraphs.
    assert [len(a.paragraphs) for a in parse_file(sample_path).articles] == [4, 7, 3]


@pytest.mark.parametrize("before,after", LAYOUT_BREAKS)
def test_every_layout_break_is_healed_without_a_space(sample_path, before, after):
    paragraphs = [p for a in parse_file(sample_path).articles for p in a.paragraphs]
    assert sum((before + after) in p for p in paragraphs) == 1
    assert not any(p.endswith(before) for p in paragraphs)


def test_every_paragraph_ends_a_sentence(sample_path):
    for article in parse_file(sample_path).articles:
        for paragraph in article.paragraphs:
            assert paragraph[-1] in "。！？”", paragraph[-20:]


def test_no_sentence_of_the_input_is_lost(sample_text, sample_path):
    parsed = _squash(_everything(parse_file(sample_path)))
    sentences = [s for s in re.split(r"(?<=[。！？])", _squash(sample_text)) if s]
    assert len(sentences) == 47
    assert [s for s in sentences if s not in parsed] == []
    # and nothing is added or reordered: the parse is the input, whitespace aside
    assert parsed == _squash(sample_text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_are_detected(sample_text, encoding):
    text, _ = decode_edition(sample_text.encode(encoding), "x.txt")
    assert text.lstrip("\ufeff") == sample_text


def test_crlf_and_cr_line_endings(sample_text):
    base = [a.paragraphs for a in parse_text(sample_text).articles]
    assert [a.paragraphs for a in parse_text(sample_text.replace("\n", "\r\n")).articles] == base
    assert [a.paragraphs for a in parse_text(sample_text.replace("\n", "\r")).articles] == base


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"  \n\t\n\xe3\x80\x80\n", "is empty"),
    (bytes(range(256)) * 8, "binary"),
    ("只有一句话，没有标题也没有正文结构。".encode(), "no recognisable article"),
])
def test_bad_input_is_a_one_line_input_error(tmp_path, content, message):
    path = tmp_path / "edition.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value) and caught.value.exit_code == 2


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


@pytest.mark.parametrize("agency", ["新华社", "人民日报", "中新社"])
def test_a_comma_headline_is_proven_by_any_agency_dateline(agency):
    # issue 9: with 人民日报 the headline was refused ("no recognisable article"), with 新华社 it parsed
    text = f"稳字当头，进字为先\n{agency}北京6月26日电（记者 张三）今天开会了。\n会议指出要做好工作。\n"
    [article] = parse_text(text).articles
    assert article.headline == "稳字当头，进字为先" and article.byline == f"{agency}北京6月26日电（记者 张三）"
    assert article.reporters == ("张三",) and article.paragraphs == ("今天开会了。", "会议指出要做好工作。")
