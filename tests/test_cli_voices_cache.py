"""`audiobulletin voices` and `audiobulletin cache info|prune` through the real CLI group."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.speech.cache import CachedEngine
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Voice
from edge_server import closed_port_endpoint
from tone_engine import RecordingToneEngine

CATALOGUE = json.loads((Path(__file__).parents[1] / "audiobulletin" / "data" / "edge_voices_zh.json")
                       .read_text(encoding="utf-8"))["voices"]


def invoke(args, **env):
    return CliRunner().invoke(cli, args, env={k.upper(): str(v) for k, v in env.items()})


def lines_for(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if f" {name} " in f"{line} "]


@pytest.mark.parametrize("args", [["voices"], ["cache"], ["cache", "info"], ["cache", "prune"]])
def test_every_command_has_help_with_an_example(args):
    result = invoke([*args, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def engine_blocks(output: str) -> dict[str, list[str]]:
    """`voices` output -> engine name -> its lines (header first)."""
    blocks: dict[str, list[str]] = {}
    for block in output.split("\n\n")[1:]:
        lines = block.strip("\n").splitlines()
        blocks[lines[0].split(":")[0]] = lines
    return blocks


def test_voices_lists_every_engine_with_its_terms_and_marks_the_profile_voices(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('[edge]\nheadline = { voice = "zh-CN-YunjianNeural" }\n'
                       'body = { voice = "zh-CN-XiaochenNeural" }\n', encoding="utf-8")
    result = invoke(["voices"], audiobulletin_profile=profile)
    assert result.exit_code == 0, result.output
    blocks = engine_blocks(result.output)
    assert list(blocks)[:4] == ["offline", "edge", "azure", "kokoro"]
    terms = {name: lines[1] for name, lines in blocks.items()}
    assert terms["edge"].startswith("  terms: commercial use NOT allowed") and "edge-tts" in terms["edge"]
    assert terms["offline"].startswith("  terms: commercial use not stated") and "Baker" in terms["offline"]
    assert terms["azure"].startswith("  terms: commercial use allowed") and "https://" in terms["azure"]
    assert "Apache-2.0" in terms["kokoro"]
    assert len(lines_for("\n".join(blocks["edge"]), "zh-CN-XiaoxiaoNeural")) == 1
    (yunjian,) = lines_for("\n".join(blocks["edge"]), "zh-CN-YunjianNeural")
    assert yunjian.startswith("* ") and "[headline]" in yunjian and " male " in yunjian
    (yunyang,) = lines_for("\n".join(blocks["edge"]), "zh-CN-YunyangNeural")
    assert yunyang.startswith("  ") and "all roles" in yunyang and "News" in yunyang
    (azure_yunjian,) = lines_for("\n".join(blocks["azure"]), "zh-CN-YunjianNeural")
    assert azure_yunjian.startswith("  ")  # the profile names it for edge, not for azure
    assert "zh-HK-HiuGaaiNeural" in result.output and "zh-TW-HsiaoChenNeural" in result.output
    assert "edge voice zh-CN-XiaochenNeural (body) is not in this list" in result.stderr


def test_voices_for_one_engine_and_an_unknown_one(tmp_path):
    result = invoke(["voices", "--engine", "offline"])
    assert result.exit_code == 0, result.output
    assert list(engine_blocks(result.output)) == ["offline"]
    assert lines_for(result.output, "baker")[0].startswith("* ")  # the default profile's voice
    unknown = invoke(["voices", "--engine", "polly"])
    assert unknown.exit_code == 3
    assert "unknown engine 'polly'" in unknown.stderr and "azure, edge, kokoro, offline" in unknown.stderr


def test_voices_online_shows_the_live_list_and_what_changed(edge_server):
    live = [v for v in CATALOGUE if v["ShortName"] != "zh-CN-YunxiaNeural"]
    live.append({**CATALOGUE[0], "ShortName": "zh-CN-XiaochenNeural", "FriendlyName": "Xiaochen"})
    live.append({**CATALOGUE[0], "ShortName": "en-US-AvaNeural", "Locale": "en-US"})
    edge_server.voice_list = live
    result = invoke(["voices", "--online"], audiobulletin_edge_endpoint=edge_server.endpoint)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("14 voices (from the online service)")
    assert "not in the shipped catalogue" in lines_for(result.output, "zh-CN-XiaochenNeural")[0]
    assert "no longer offered" in lines_for(result.output, "zh-CN-YunxiaNeural")[0]
    assert "en-US-AvaNeural" not in result.output


def test_voices_online_without_the_service_fails_in_one_line():
    result = invoke(["voices", "--online"], audiobulletin_edge_endpoint=closed_port_endpoint())
    assert result.exit_code == 4
    assert result.stderr.startswith("audiobulletin: error: cannot fetch the voice list")
    assert len(result.stderr.strip().splitlines()) == 1


def test_cache_info_and_prune(tmp_path):
    voice = Voice("offline", "tone")
    CachedEngine(RecordingToneEngine(), tmp_path).render(
        [SpeechRequest(i, "缓存里的一句话。", Voice("offline", "tone", rate=i)) for i in range(3)],
        lambda r, res: None)
    CachedEngine(RecordingToneEngine(name="edge"), tmp_path).render(
        [SpeechRequest(0, "另一句。", voice)], lambda r, res: None)
    old = time.time() - 31 * 86400
    for path in sorted(tmp_path.rglob("*.clip"))[:2]:
        os.utime(path, (old, old))

    info = invoke(["cache", "info"], audiobulletin_cache_dir=tmp_path)
    assert info.exit_code == 0, info.output
    assert f"folder: {tmp_path}" in info.output
    assert "entries: 4 (" in info.output and "by engine: edge 1, tone 3" in info.output

    planned = invoke(["cache", "prune", "--older-than", "30d", "--dry-run"], audiobulletin_cache_dir=tmp_path)
    assert planned.exit_code == 0 and planned.output.startswith("would remove 2 entries, freeing ")
    assert planned.output.rstrip().endswith("2 stay") and len(list(tmp_path.rglob("*.clip"))) == 4
    pruned = invoke(["cache", "prune", "--older-than", "30d"], audiobulletin_cache_dir=tmp_path)
    assert pruned.exit_code == 0 and pruned.output.startswith("removed 2 entries, freed ")
    assert len(list(tmp_path.rglob("*.clip"))) == 2
    assert invoke(["cache", "prune", "--older-than", "5w"], audiobulletin_cache_dir=tmp_path).output.startswith(
        "removed 0 entries")


def test_emptying_the_whole_cache_asks_first(tmp_path):
    CachedEngine(RecordingToneEngine(), tmp_path).render(
        [SpeechRequest(i, "缓存里的一句话。", Voice("offline", "tone", rate=i)) for i in range(3)],
        lambda r, res: None)
    refused = CliRunner().invoke(cli, ["cache", "prune", "--older-than", "0d"], input="n\n",
                                 env={"AUDIOBULLETIN_CACHE_DIR": str(tmp_path)})
    assert refused.exit_code == 1 and "remove all 3 entries" in refused.stderr
    assert len(list(tmp_path.rglob("*.clip"))) == 3
    no_answer = CliRunner().invoke(cli, ["cache", "prune", "--older-than", "0d"], input="",
                                   env={"AUDIOBULLETIN_CACHE_DIR": str(tmp_path)})
    assert no_answer.exit_code == 1 and len(list(tmp_path.rglob("*.clip"))) == 3  # cron: never empties unasked
    agreed = CliRunner().invoke(cli, ["cache", "prune", "--older-than", "0d"], input="y\n",
                                env={"AUDIOBULLETIN_CACHE_DIR": str(tmp_path)})
    assert agreed.exit_code == 0 and agreed.stdout.startswith("removed 3 entries")
    assert not list(tmp_path.rglob("*.clip"))
    CachedEngine(RecordingToneEngine(), tmp_path).render(
        [SpeechRequest(0, "又一句。", Voice("offline", "tone"))], lambda r, res: None)
    assert invoke(["cache", "prune", "--older-than", "0d", "--yes"], audiobulletin_cache_dir=tmp_path).exit_code == 0
    assert not list(tmp_path.rglob("*.clip"))


def test_cache_prune_rejects_a_bad_age(tmp_path):
    result = invoke(["cache", "prune", "--older-than", "a month"], audiobulletin_cache_dir=tmp_path)
    assert result.exit_code == 2 and "not an age like 30d" in result.output + result.stderr


def test_a_profile_with_a_malformed_online_voice_is_a_configuration_error(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('[edge]\nbody = { voice = "Xiaoxiao" }\n', encoding="utf-8")
    result = invoke(["voices"], audiobulletin_profile=profile)
    assert result.exit_code == 3
    assert "[edge] body: 'Xiaoxiao' is not a voice name of the edge engine" in result.stderr
    assert "zh-CN-XiaoxiaoNeural" in result.stderr
