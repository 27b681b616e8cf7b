"""Pinyin in context for the offline voice (jieba words + pypinyin phrases + lexicon)."""

from __future__ import annotations

import pytest

from audiobulletin.script.reading import Lexicon, to_spoken
from audiobulletin.speech.pinyin import pinyin_for

# Classic news polyphones, underlying tones (sandhi off) so each reading shows plainly.
POLYPHONES = [
    ("重庆", "chong2 qing4"),
    ("银行", "yin2 hang2"),
    ("银行行长", "yin2 hang2 hang2 zhang3"),
    ("长大", "zhang3 da4"),
    ("长度", "chang2 du4"),
    ("重要", "zhong4 yao4"),
    ("重新", "chong2 xin1"),
    ("还是", "hai2 shi4"),
    ("还款", "huan2 kuan3"),
    ("音乐", "yin1 yue4"),
    ("快乐", "kuai4 le4"),
    ("调查", "diao4 cha2"),
    ("调整", "tiao2 zheng3"),
    ("处理", "chu3 li3"),
    ("处长", "chu4 zhang3"),
    ("都市", "du1 shi4"),
    ("都是", "dou1 shi4"),
    ("行业", "hang2 ye4"),
    ("举行", "ju3 xing2"),
    ("率先", "shuai4 xian1"),
    ("效率", "xiao4 lv4"),
    # pypinyin's phrase data is wrong on these; pinyin.CORRECTIONS fixes them
    ("新冠病毒疫苗接种", "xin1 guan1 bing4 du2 yi4 miao2 jie1 zhong4"),
    ("长效机制", "chang2 xiao4 ji1 zhi4"),
    ("以上率下", "yi3 shang4 shuai4 xia4"),
    ("严起来、落下去", "yan2 qi3 lai2 luo4 xia4 qu4"),
    ("按时还款", "an4 shi2 huan2 kuan3"),
    # 以…为… reads 为 wéi; "for" keeps wèi
    ("以人民为中心", "yi3 ren2 min2 wei2 zhong1 xin1"),
    ("以习近平同志为核心", "yi3 xi2 jin4 ping2 tong2 zhi4 wei2 he2 xin1"),
    ("为人民服务", "wei4 ren2 min2 fu2 wu4"),
    ("以实际行动为群众服务", "yi3 shi2 ji4 xing2 dong4 wei4 qun2 zhong4 fu2 wu4"),
]


@pytest.mark.parametrize("text, expected", POLYPHONES, ids=[t for t, _ in POLYPHONES])
def test_polyphones(text, expected):
    assert pinyin_for(text, sandhi=False) == expected.split()


def test_surface_tones_as_the_baker_labels():
    # third-tone sandhi and 一/不 changes, as in the voice's training labels (卡尔普 ka2 er2 pu3)
    assert pinyin_for("你好") == ["ni2", "hao3"]
    assert pinyin_for("处理") == ["chu2", "li3"]
    assert pinyin_for("一个") == ["yi2", "ge4"]
    assert pinyin_for("不要") == ["bu2", "yao4"]
    assert pinyin_for("卡尔普") == ["ka2", "er2", "pu3"]
    assert pinyin_for("展览馆") == ["zhan2", "lan2", "guan3"]
    assert pinyin_for("保管好") == ["bao2", "guan2", "hao3"]


@pytest.mark.parametrize("text, expected", [
    ("一天", "yi4 tian1"), ("一定", "yi2 ding4"), ("一百", "yi4 bai3"), ("一万", "yi2 wan4"),
    ("第一", "di4 yi1"), ("统一", "tong3 yi1"), ("十一月", "shi2 yi1 yue4"),
    ("二零二一年", "er4 ling2 er4 yi1 nian2"), ("不是", "bu2 shi4"), ("不好", "bu4 hao3"),
])
def test_yi_and_bu(text, expected):
    assert pinyin_for(text) == expected.split()


def test_one_syllable_per_chinese_character_and_nothing_else():
    text = to_spoken("截至6月26日，GDP增长5.2%（同比）……", for_offline=True)
    syllables = pinyin_for(text)
    assert len(syllables) == sum("\u4e00" <= c <= "\u9fa5" for c in text)
    assert syllables[:4] == ["jie2", "zhi4", "liu4", "yue4"]


def test_readings_the_voice_has_no_syllable_for_are_replaced():
    assert pinyin_for("呣噷嗯兙") == ["mu2", "hen5", "en2", "e5"]


def test_neutral_tone_is_5():
    assert pinyin_for("我的", sandhi=False) == ["wo3", "de5"]


def test_lexicon_pinyin_wins():
    lexicon = Lexicon(pinyin={"长治": ("chang2", "zhi4"), "万柏林": ("wan4", "bai3", "lin2")})
    assert pinyin_for("长治市万柏林区", sandhi=False)[:5] == ["zhang3", "zhi4", "shi4", "wan4", "bo2"]
    assert pinyin_for("长治市万柏林区", lexicon) == ["chang2", "zhi4", "shi4", "wan4", "bai3", "lin2", "qu1"]
