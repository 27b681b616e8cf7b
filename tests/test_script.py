import datetime as dt
import re

from audiobulletin.edition import Article, Edition
from audiobulletin.parse import parse_file
from audiobulletin.script import INTRO_CHAPTER, build_script
from audiobulletin.script.segment import Pause, Role
from audiobulletin.script.sentences import MAX_SEGMENT_CHARS, clauses, sentences


def test_sentences_keep_closing_quotes_and_lose_nothing():
    text = "他说：“好。”然后走了……再见！最后一句没有句号"
    assert sentences(text) == ["他说：“好。”", "然后走了……", "再见！", "最后一句没有句号"]


def test_long_sentence_is_cut_at_clause_marks_only():
    sentence = "，".join(["全面排查认真化解各类安全风险隐患"] * 8) + "。"
    pieces = clauses(sentence)
    assert len(pieces) > 1 and "".join(pieces) == sentence
    assert all(len(p) <= MAX_SEGMENT_CHARS for p in pieces)
    assert all(p.endswith(("，", "。")) for p in pieces)


def test_book_titles_are_never_cut():
    sentence = "审议《" + "，".join(["关于推动高质量发展的实施方案"] * 6) + "》等文件，" + "会议认为很重要" * 3 + "。"
    for piece in clauses(sentence, limit=30):
        assert piece.count("《") == piece.count("》")


def test_sample_script_structure(sample_path):
    edition = parse_file(sample_path, paper="太原日报")
    script = build_script(edition)
    segs = script.segments
    assert [c.title for c in script.chapters] == [INTRO_CHAPTER] + [a.headline for a in edition.articles]
    # the intro names the paper, reads the date in Chinese and lists every headline
    intro = "".join(s.spoken for s in segs if s.role is Role.INTRO)
    assert "太原日报" in intro and "二零二一年六月二十七日" in intro
    assert all(a.headline in intro for a in edition.articles)
    assert segs[-1].role is Role.OUTRO
    for chapter in script.chapters[1:]:
        first = segs[chapter.first_segment]
        assert first.role is Role.HEADLINE and first.cue and first.article == chapter.article
    assert sum(s.cue for s in segs) == len(edition.articles)
    # the byline is read as a credit, not as brackets
    bylines = [s for s in segs if s.role is Role.BYLINE]
    assert bylines[0].spoken == "本报全媒体记者赵继钊、殷雪鸢报道。"
    assert bylines[2].spoken == "本报记者郝晓炜报道。"
    assert bylines[0].text == "本报讯（全媒体记者 赵继钊 殷雪鸢）"


def test_every_body_sentence_is_spoken_once_in_order(sample_path):
    edition = parse_file(sample_path)
    script = build_script(edition)
    for index, article in enumerate(edition.articles):
        body = [s for s in script.segments if s.article == index and s.role is Role.BODY]
        assert "".join(s.text for s in body) == "".join(article.paragraphs)


def test_each_body_pause_matches_the_boundary_after_it(sample_path):
    segs = build_script(parse_file(sample_path)).segments
    ends_sentence = re.compile(r"[。！？…][”’」』）)]*$")

    def structural_pause(i: int) -> Pause:
        """What the text's structure calls for after segment i (a body segment)."""
        here, after = segs[i], segs[i + 1]
        if after.article != here.article:
            return Pause.ARTICLE
        if after.role is not Role.BODY or after.paragraph != here.paragraph:
            return Pause.PARAGRAPH
        return Pause.SENTENCE if ends_sentence.search(here.text) else Pause.CLAUSE

    body = [i for i, s in enumerate(segs) if s.role is Role.BODY]
    expected = [structural_pause(i) for i in body]
    assert [segs[i].pause_after_ms for i in body] == expected
    assert set(expected) == set(Pause) - {Pause.HEADLINE}  # the sample has every kind of boundary
    last_of_article = [segs[i] for i in range(len(segs) - 1)
                       if segs[i].article is not None and segs[i + 1].article != segs[i].article]
    assert len(last_of_article) == 3 and all(s.pause_after_ms == Pause.ARTICLE for s in last_of_article)


def test_unspeakable_text_is_dropped():
    article = Article(headline="标题", paragraphs=("……", "——", "正文一句。"))
    script = build_script(Edition(paper="某报", date=dt.date(2024, 1, 1), articles=(article,)))
    assert [s.text for s in script.segments if s.role is Role.BODY] == ["正文一句。"]


def test_intro_reads_the_date_in_chinese():
    edition = Edition(paper="某报", date=dt.date(2030, 10, 10), articles=(Article("标题", paragraphs=("一句。",)),))
    intro = [s.spoken for s in build_script(edition).segments if s.role is Role.INTRO]
    assert intro[1] == "今天是二零三零年十月十日，星期四。" and intro[2] == "今天的主要内容有一条："


def _article_said(article: Article) -> list[tuple[str, str]]:
    script = build_script(Edition(paper="某报", date=None, articles=(article,)))
    return [(s.role.value, s.spoken) for s in script.segments if s.article == 0]


def test_a_space_between_headline_phrases_is_a_pause():
    said = _article_said(Article("春播进度过半 良种覆盖率达98%", subheadings=("iPhone 13发布 首批到货",),
                                 paragraphs=("一句。",)))
    assert said[:2] == [("headline", "春播进度过半，良种覆盖率达百分之九十八"), ("subheading", "iPhone 十三发布，首批到货")]
    script = build_script(Edition(paper="某报", date=None, articles=(Article("甲乙 丙丁", paragraphs=("一句。",)),)))
    assert "第一条，甲乙，丙丁。" in [s.spoken for s in script.segments if s.role is Role.INTRO]


def test_captions_are_read_after_the_body_introduced_once():
    said = _article_said(Article("标题", paragraphs=("正文。",), captions=("工作人员在巡检。", "市民在健身。")))
    assert said[-3:] == [("body", "正文。"), ("body", "图片说明：工作人员在巡检。"), ("body", "市民在健身。")]
    said = _article_said(Article("标题", paragraphs=("正文。",), captions=("图为工作人员在巡检。",)))
    assert said[-1] == ("body", "图为工作人员在巡检。")  # it says what it is already


def test_a_photo_story_is_its_headline_and_caption():
    said = _article_said(Article("初雪装点汾河畔", captions=("市民在汾河公园赏雪拍照。",)))
    assert said == [("headline", "初雪装点汾河畔"), ("body", "图片说明：市民在汾河公园赏雪拍照。")]
