import json

from click.testing import CliRunner

from audiobulletin.cli import cli


def test_parse_json_shape_and_readings(sample_path, tmp_path):
    result = CliRunner().invoke(cli, ["parse", str(sample_path), "--json", "--paper", "太原日报"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [a["headline"] for a in data["articles"]] == [
        "市委理论学习中心组举行学习会", "市委常委会召开会议", "我市提前完成新冠病毒疫苗第二剂次接种目标任务"]
    first = data["articles"][0]
    assert first["byline"] == "本报讯（全媒体记者 赵继钊 殷雪鸢）" and len(first["paragraphs"]) == 4
    assert isinstance(first["subheadings"], list)
    # every segment shows the text as written and as it will be read
    third = data["articles"][2]["segments"]
    pair = next(s for s in third if "381.60万" in s["text"])
    assert "三百八十一点六零万" in pair["spoken"] and pair["role"] == "body"
    assert "".join(s["text"] for s in third if s["role"] == "body") == "".join(data["articles"][2]["paragraphs"])
    assert data["segments"][0]["role"] == "intro"
    # the printed JSON is itself an edition the parser takes back
    path = tmp_path / "edition-2021-06-27.json"
    path.write_text(result.stdout, encoding="utf-8")
    again = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert again.exit_code == 0, again.stderr
    assert ([a["paragraphs"] for a in json.loads(again.stdout)["articles"]]
            == [a["paragraphs"] for a in data["articles"]])
