"""Bylines read naturally, and the reporters they credit."""

from __future__ import annotations

import pytest

from audiobulletin.parse.byline import split_byline, starts_with_byline
from audiobulletin.script.reading import reporters_of, spoken_byline

BYLINES = [
    ("本报讯（全媒体记者 赵继钊 殷雪鸢）", "本报全媒体记者赵继钊、殷雪鸢报道", ("赵继钊", "殷雪鸢")),
    ("本报讯（记者 郝晓炜）", "本报记者郝晓炜报道", ("郝晓炜",)),
    ("本报讯(记者 郝晓炜)", "本报记者郝晓炜报道", ("郝晓炜",)),
    ("本报讯（记者张三、李四）", "本报记者张三、李四报道", ("张三", "李四")),
    ("本报讯（记者　张三　通讯员　李四）", "本报记者张三，通讯员李四报道", ("张三", "李四")),
    ("本报讯（全媒体记者 赵继钊 殷雪鸢 实习生 王五）", "本报全媒体记者赵继钊、殷雪鸢，实习生王五报道",
     ("赵继钊", "殷雪鸢", "王五")),
    ("本报讯", "本报消息", ()),
    ("本报讯（张三）", "本报消息，张三报道", ("张三",)),
    ("本报太原6月26日讯（记者 张三）", "本报太原6月26日消息，记者张三报道", ("张三",)),
    ("新华社北京6月26日电（记者 张三）", "新华社北京6月26日电，记者张三报道", ("张三",)),
    ("新华社北京6月26日电", "新华社北京6月26日电", ()),
    ("（记者 张三）", "记者张三报道", ("张三",)),
    ("（记者 阿布都·热合曼）", "记者阿布都·热合曼报道", ("阿布都·热合曼",)),
    ("本报讯（综合新华社电）", "本报消息，综合新华社电", ()),
    ("本报讯（综合报道）", "本报消息，综合报道", ()),
]


@pytest.mark.parametrize("byline, spoken, reporters", BYLINES, ids=[b for b, _, _ in BYLINES])
def test_byline(byline, spoken, reporters):
    assert spoken_byline(byline) == spoken
    assert reporters_of(byline) == reporters


# (paragraph, the byline split off it or None): the one reader layout and articles both use.
DATELINES = [
    ("本报讯（记者 郝晓炜）市卫健委消息，", "本报讯（记者 郝晓炜）"),
    ("本报讯 截至6月25日，", "本报讯"),
    ("本报太原6月26日讯（记者 张三）今天，", "本报太原6月26日讯（记者 张三）"),
    ("本报北京6月26日电 今天，", "本报北京6月26日电"),
    ("新华社北京6月26日电（记者 张三）今天，", "新华社北京6月26日电（记者 张三）"),
    ("人民日报北京6月26日电（记者 李四）今天，", "人民日报北京6月26日电（记者 李四）"),
    ("人民日报北京电 今天，", "人民日报北京电"),
    ("中新社太原6月26日电 今天，", "中新社太原6月26日电"),
    ("本報訊（記者 陳美玲）據市統計局", "本報訊（記者 陳美玲）"),
    ("本报记者走访了电厂。", None),
    ("新华社记者走访了电厂。", None),
    ("又讯 6月26日，", None),
    ("人民日报社论指出，", None),
]


@pytest.mark.parametrize("paragraph, byline", DATELINES, ids=[p for p, _ in DATELINES])
def test_one_dateline_reader(paragraph, byline):
    assert split_byline(paragraph)[0] == byline
    assert starts_with_byline(paragraph) is (byline is not None)
