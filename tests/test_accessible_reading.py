"""Aligning the timeline with the edition text: sentences, ids and clips every format shares."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from accessible_fixtures import EDITION, build_timeline, planned_segments

from audiobulletin.edition import Article, Edition
from audiobulletin.publish.accessible.reading import read_edition
from audiobulletin.script.segment import Role, Segment


def test_every_character_of_the_edition_is_kept_in_its_block():
    reading = read_edition(EDITION, build_timeline())
    for section, article in zip(reading.articles, EDITION.articles):
        texts = {b.role: [] for b in section.blocks}
        for block in section.blocks:
            texts[block.role].append(block.text)
        assert texts[Role.HEADLINE] == [article.headline]
        assert texts.get(Role.SUBHEADING, []) == list(article.subheadings)
        assert texts.get(Role.BYLINE, []) == ([article.byline] if article.byline else [])
        assert texts[Role.BODY] == list(article.paragraphs)


def test_sentence_ids_are_unique_and_readable():
    reading = read_edition(EDITION, build_timeline())
    ids = [s.id for section in reading.sections for s in section.sentences()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"(a\d\d|intro|outro)-s\d+", i) for i in ids)
    assert [s.id for s in reading.articles[0].sentences()][:3] == ["a01-s1", "a01-s2", "a01-s3"]


def test_each_spoken_sentence_carries_its_segment_timing_to_the_millisecond():
    timeline = build_timeline()
    reading = read_edition(EDITION, timeline)
    by_text = {s.text: s for section in reading.sections for s in section.sentences()}
    checked = 0
    for timed in timeline.segments:
        sentence = by_text.get(timed.segment.text)
        if sentence is None:
            continue
        assert sentence.clip.begin_ms == round(timed.start * 1000)
        assert sentence.clip.end_ms == round(timed.heard_until * 1000)
        checked += 1
    assert checked == len(timeline.segments) - 1  # all but the spoken credit for the byline


def test_a_spoken_credit_times_the_printed_byline_whole():
    timeline = build_timeline()
    credit = next(t for t in timeline.segments if t.role == Role.BYLINE)
    byline = read_edition(EDITION, timeline).articles[0].blocks_of(Role.BYLINE)[0]
    assert [s.text for s in byline.sentences] == ["本报讯（全媒体记者 赵继钊 殷雪鸢）"]
    assert byline.sentences[0].clip.begin_ms == round(credit.start * 1000)


def test_unspoken_text_stays_as_a_sentence_without_clip():
    reading = read_edition(EDITION, build_timeline())
    dashes = reading.articles[1].blocks_of(Role.BODY)[1]
    assert [(s.text, s.clip) for s in dashes.sentences] == [("——", None)]


def test_punctuation_between_spoken_pieces_joins_the_sentence_before():
    edition = Edition("太原日报", None, (Article("标题", paragraphs=("“甲乙。”……丙丁！",)),))
    segments = [
        Segment(Role.HEADLINE, "标题", "标题", 0),
        Segment(Role.BODY, "甲乙。", "甲乙", 0, 1),
        Segment(Role.BODY, "丙丁", "丙丁", 0, 1),
    ]
    body = read_edition(edition, build_timeline(segments, edition)).articles[0].blocks_of(Role.BODY)[0]
    assert [s.text for s in body.sentences] == ["“甲乙。”……", "丙丁！"]
    assert all(s.clip for s in body.sentences)


def test_paragraph_numbering_does_not_matter_only_reading_order():
    one_based = planned_segments()
    zero_based = [dataclasses.replace(s, paragraph=max(s.paragraph - 1, 0)) for s in one_based]
    a = read_edition(EDITION, build_timeline(one_based))
    b = read_edition(EDITION, build_timeline(zero_based))
    assert a == b


def test_spoken_text_missing_from_the_edition_is_reported_not_placed():
    segments = planned_segments()
    at = next(i for i, s in enumerate(segments) if s.role == Role.BODY)
    segments.insert(at, Segment(Role.BODY, "这句话不在报纸上。", "这句话不在报纸上", 0, 1))
    reading = read_edition(EDITION, build_timeline(segments))
    assert reading.unplaced == ("a01: spoken text not in the edition: '这句话不在报纸上。'",)
    assert all("这句话不在报纸上" not in s.text for s in reading.articles[0].sentences())


def test_chapter_times_become_section_spans():
    timeline = build_timeline()
    reading = read_edition(EDITION, timeline)
    for chapter in timeline.chapters[1:]:
        section = reading.articles[chapter.article]
        assert (section.begin_ms, section.end_ms) == (round(chapter.start * 1000), round(chapter.end * 1000))
    assert reading.title == "太原日报 2021年6月27日"
    assert [s.id for s in reading.sections] == ["intro", "a01", "a02", "a03", "outro"]


def test_spaces_the_script_dropped_do_not_hide_a_sentence():
    edition = Edition("太原日报", None, (Article("标题", paragraphs=("全媒体记者 赵继钊报道。下一句。",)),))
    segments = [
        Segment(Role.HEADLINE, "标题", "标题", 0),
        Segment(Role.BODY, "全媒体记者赵继钊报道。", "全媒体记者赵继钊报道", 0, 1),
        Segment(Role.BODY, "下一句。", "下一句", 0, 1),
    ]
    reading = read_edition(edition, build_timeline(segments, edition))
    body = reading.articles[0].blocks_of(Role.BODY)[0]
    assert [s.text for s in body.sentences] == ["全媒体记者 赵继钊报道。", "下一句。"]
    assert all(s.clip for s in body.sentences) and reading.unplaced == ()


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize("name", ["taiyuan-daily-2021-06-27.txt", *sorted(
    p.name for p in (FIXTURES / "layouts").iterdir())])
def test_the_real_script_of_every_fixture_edition_aligns_completely(name):
    """Parse and script stages as `generate` runs them, assembled with tone clips: every spoken
    segment, captions and trailing credits included, is placed in the accessible edition's text."""
    from tone_engine import tone_clip

    from audiobulletin.assemble import assemble
    from audiobulletin.parse import parse_file
    from audiobulletin.script import ScriptOptions, build_script

    path = FIXTURES / name if (FIXTURES / name).exists() else FIXTURES / "layouts" / name
    edition = parse_file(path, paper="太原日报", date=dt.date(2021, 6, 27))
    script = build_script(edition, ScriptOptions(for_offline=True))
    timeline = assemble(script, {i: tone_clip(2) for i in range(len(script.segments))}).timeline
    reading = read_edition(edition, timeline)
    assert reading.unplaced == ()
    clips = sorted((s.clip.begin_ms, s.clip.end_ms) for section in reading.sections for s in section.timed())
    assert clips == sorted((round(t.start * 1000), round(t.heard_until * 1000)) for t in timeline.segments)
    for section, article in zip(reading.articles, edition.articles):
        assert [b.text for b in section.blocks_of(Role.BODY)] == list(article.paragraphs) + list(article.captions)
