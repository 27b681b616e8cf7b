"""The line recognisers one by one: page headers (with what they tell), footers and CMS leftovers,
captions and photo credits, digest labels and lead-ins, spaces in headlines."""

from __future__ import annotations

import datetime as dt

import pytest

from audiobulletin.parse import parse_text
from audiobulletin.parse.captions import is_caption, is_photo_credit, split_caption
from audiobulletin.parse.digests import is_digest_label, lead_in
from audiobulletin.parse.furniture import PageHeader, leftover, page_header, strip_inline, strip_markup
from audiobulletin.parse.layout import tidy_heading

D = dt.date(2026, 11, 29)
HEADERS = [
    ("某某日报　2021年06月27日　星期日", PageHeader(dt.date(2021, 6, 27))),
    ("某某日报 第01版", PageHeader(page="01")),
    ("2026年11月29日 星期日", PageHeader(D)),
    ("A01 要闻", PageHeader(page="A01", section="要闻")),
    ("某某日报 2026年11月29日 星期日 第01版：要闻", PageHeader(D, "01", "要闻")),
    ("第01版：要闻", PageHeader(page="01", section="要闻")),
    ("A1:要闻 总第25061期 >2021年06月27日编印", PageHeader(dt.date(2021, 6, 27), "A1", "要闻")),
    ("2026年11月29日 星期日 农历十月初十", PageHeader(D)),
    ("B03版：经济", PageHeader(page="B03", section="经济")),
    ("A01 要聞", PageHeader(page="A01", section="要聞")),
]
NOT_HEADERS = ["G20 峰会开幕", "某某日报", "星期日", "2026年11月29日，全市召开大会。", "市民服务中心延长办理时间",
               "A股 三大指数集体收涨", "第3条 有关规定"]


@pytest.mark.parametrize("line, header", HEADERS, ids=[h for h, _ in HEADERS])
def test_page_headers_and_what_they_tell(line, header):
    assert page_header(line) == header


@pytest.mark.parametrize("line", NOT_HEADERS)
def test_lines_that_are_no_page_header(line):
    assert page_header(line) is None


LEFTOVERS = [
    ("某某日报社版权所有 未经授权不得转载", "copyright line"),
    ("Copyright © 2026 汾河晚报社 All Rights Reserved", "copyright line"),
    ("责任编辑：王芳 校对：李强 美编：赵敏", "editor credit"),
    ("【责任编辑：王芳】", "editor credit"),
    ("（编辑 马超）", "editor credit"),
    ("（责任编辑：马超）", "editor credit"),
    ("下转第3版", "page-turn mark"),
    ("（上接第1版）", "page-turn mark"),
    ("扫码阅读全文", "scan-code line"),
    ("扫描二维码，关注汾河晚报微信公众号", "scan-code line"),
    ("（王晓明）", None),  # the article's credit: kept and read
    ("（本报记者 赵丽）", None),
    ("他说，作品的版权所有人已经同意在展览中使用这些照片，这件事在当地引发了广泛的讨论和关注，转载也得到了授权许可。", None),
]


@pytest.mark.parametrize("line, why", LEFTOVERS, ids=[line for line, _ in LEFTOVERS])
def test_footers_and_leftovers(line, why):
    assert leftover(line) == why


def test_leftovers_inside_a_paragraph_are_cut_out_and_named():
    assert strip_inline("可拨打热线96777反映。（下转第3版）") == ("可拨打热线96777反映。", [("page-turn mark", "（下转第3版）")])
    assert strip_inline("工作已全面完成。（编辑 张三）") == ("工作已全面完成。", [("editor credit", "（编辑 张三）")])
    assert strip_inline("（上接第1版）展思想。") == ("展思想。", [("page-turn mark", "（上接第1版）")])
    assert strip_markup("<p>新增供热面积<br/>320万㎡&nbsp;</p>") == (
        "新增供热面积320万㎡", [("CMS markup", "<p>"), ("CMS markup", "<br/>"), ("CMS markup", "</p>"),
                          ("CMS markup", "&nbsp;")])


CAPTIONS = [
    ("图为工作人员在调试5G基站设备。 王晓明 摄", ("图为工作人员在调试5G基站设备。", "王晓明 摄")),
    ("11月28日，市民在汾河公园赏雪拍照。 本报记者 王晓明 摄", ("11月28日，市民在汾河公园赏雪拍照。", "本报记者 王晓明 摄")),
    ("图片说明：学生们在操场上进行长跑训练。 新华社发", ("学生们在操场上进行长跑训练。", "新华社发")),
    ("工作人员在换热站巡检。（本报记者 周琳 摄）", ("工作人员在换热站巡检。", "（本报记者 周琳 摄）")),
    ("游客在景区参观。 新华社记者 李鑫 摄", ("游客在景区参观。", "新华社记者 李鑫 摄")),
    ("市民在公园健身。 视觉中国供图", ("市民在公园健身。", "视觉中国供图")),
    ("图：新建成的口袋公园。", ("新建成的口袋公园。", None)),
]


@pytest.mark.parametrize("line, parts", CAPTIONS, ids=[c for c, _ in CAPTIONS])
def test_captions_and_their_photo_credits(line, parts):
    assert is_caption(line) and split_caption(line) == parts


@pytest.mark.parametrize("line", ["新华社记者 李鑫 摄", "（新华社发）", "本报资料图片"])
def test_a_photo_credit_alone_on_a_line(line):
    assert is_photo_credit(line) and not is_caption(line)


@pytest.mark.parametrize("line", ["会议在太原召开，他说拍摄工作很辛苦。", "新华社发布消息称，全国秋粮收购进展顺利。",
                                  "全市新增5G基站1200个"])
def test_body_text_is_no_caption(line):
    assert not is_caption(line) and not is_photo_credit(line)


@pytest.mark.parametrize("line", ["短讯", "简讯", "快讯", "本地新闻速览", "一周要闻", "【简讯】", "■县区快讯", "图片新闻"])
def test_digest_labels(line):
    assert is_digest_label(line)


@pytest.mark.parametrize("line", ["要闻", "市场监管", "短讯一则引发关注", "全市召开简讯工作会议。"])
def test_lines_that_are_no_digest_label(line):
    assert not is_digest_label(line)


def test_digest_lead_ins():
    assert lead_in("■市场监管 本市开展检查。") == ("市场监管", "本市开展检查。")
    assert lead_in("■文化旅游：第三届冰雪节开幕。") == ("文化旅游", "第三届冰雪节开幕。")
    assert lead_in("【交通出行】即日起，公交延时。") == ("交通出行", "即日起，公交延时。")
    assert lead_in("市场监管 本市开展检查。") is None and lead_in("本市开展检查。") is None


HEADINGS = [
    ("春播进度过半 良种覆盖率达98%", "春播进度过半 良种覆盖率达98%"),  # two phrases: kept, read as a pause
    ("良种覆盖率达98% 春播进度过半", "良种覆盖率达98% 春播进度过半"),
    ("市 委 常 委 会 召 开 会 议", "市委常委会召开会议"),  # spread to fill the line
    ("我市新增 5G 基站 1200 个", "我市新增5G基站1200个"),  # spacing around Latin letters and digits
    ("iPhone 13 国内发布", "iPhone 13国内发布"),
]


@pytest.mark.parametrize("written, kept", HEADINGS, ids=[w for w, _ in HEADINGS])
def test_spaces_in_headlines(written, kept):
    assert tidy_heading(written) == kept


def test_a_digest_is_never_one_article_with_the_label_as_its_headline():
    text = ("简讯\n城东新建口袋公园\n城东区口袋公园建成开放。\n老旧小区改造提速\n今年已完成改造126个。\n"
            "快讯\n■市场监管 本市启动食品安全检查。\n■交通出行 公交延长运营时间。\n")
    edition = parse_text(text)
    assert [(a.headline, a.subheadings, a.paragraphs) for a in edition.articles] == [
        ("城东新建口袋公园", (), ("城东区口袋公园建成开放。",)),
        ("老旧小区改造提速", (), ("今年已完成改造126个。",)),
        ("市场监管", (), ("本市启动食品安全检查。",)),
        ("交通出行", (), ("公交延长运营时间。",))]
    assert edition.notes == ("line 1: digest label not read: 简讯", "line 6: digest label not read: 快讯")


def test_a_photo_story_keeps_its_headline_wherever_it_stands():
    text = "麦浪金黄\n农民在麦田里收割小麦。 本报记者 王晓明 摄\n秋收进度过半\n本报讯 全市秋收进度过半。\n夜色汾河\n汾河夜景。 新华社发\n"
    edition = parse_text(text)
    assert [(a.headline, a.paragraphs, a.captions) for a in edition.articles] == [
        ("麦浪金黄", (), ("农民在麦田里收割小麦。",)),
        ("秋收进度过半", ("全市秋收进度过半。",), ()),
        ("夜色汾河", (), ("汾河夜景。",))]


def test_a_page_header_sets_the_section_of_the_articles_after_it():
    text = ("第01版：要闻\n甲\n本报讯 一。\n第02版\n乙\n本报讯 二。\nA03 体育\n丙\n本报讯 三。\n"
            "某某日报 2026年11月29日 星期日\n丁\n本报讯 四。\n")
    edition = parse_text(text)
    assert [(a.headline, a.section, a.page) for a in edition.articles] == [
        ("甲", "要闻", "01"), ("乙", None, "02"), ("丙", "体育", "A03"), ("丁", "体育", "A03")]
    assert edition.date == D


def test_a_masthead_is_never_the_lead_headline():
    text = "太原日报\n2021年6月28日 星期一\n我市经济运行稳中向好\n本报讯 今年以来，全市经济运行稳中向好。\n（完）\n"
    edition = parse_text(text)
    [article] = edition.articles
    assert article.headline == "我市经济运行稳中向好" and article.credit is None  # （完） credits nobody
    assert edition.notes == ("line 1: page header not read: 太原日报",
                             "line 2: page header not read: 2021年6月28日 星期一",
                             "line 5: end mark not read: （完）")
    # the paper being read, alone on its line, is its masthead wherever it stands
    assert parse_text("汾河晚报\n城东新建口袋公园\n本报讯 公园建成开放。\n", paper="汾河晚报").articles[0].headline == "城东新建口袋公园"
    # another paper's name with no page header beside it may be a headline
    assert parse_text("光明日报\n本报讯 今年以来成效明显。\n").articles[0].headline == "光明日报"
