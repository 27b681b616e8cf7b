import json

import pytest
from timelines import sample_timeline

from audiobulletin.publish.chapters_json import chapter_list, chapters_json


@pytest.fixture
def timeline():
    return sample_timeline()


def test_chapters_json_1_2_0_matches_timeline(timeline):
    doc = json.loads(chapters_json(timeline))
    assert doc["version"] == "1.2.0"
    assert [c["title"] for c in doc["chapters"]] == [c.title for c in timeline.chapters]
    assert [c["startTime"] for c in doc["chapters"]] == [0, 4.45, 49.75]
    assert doc["chapters"][0]["startTime"] == 0 and isinstance(doc["chapters"][0]["startTime"], int)
    assert doc["chapters"][-1]["endTime"] == round(timeline.duration, 3)
    starts = [c["startTime"] for c in doc["chapters"]]
    assert starts == sorted(starts)
    assert "导语" in chapters_json(timeline)  # UTF-8 text, not \u escapes


def test_chapter_list_for_the_episode_description(timeline):
    assert chapter_list(timeline).splitlines() == [
        "00:00 导语",
        "00:04 我市老旧小区改造全面提速",
        "00:49 晋阳湖公园开园",
    ]
