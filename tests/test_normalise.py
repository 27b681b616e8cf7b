"""News copy -> the newsreader's reading: a table of real forms, each with its expected reading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audiobulletin.script.reading import to_simplified, to_spoken

EDITION = Path(__file__).resolve().parent.parent / "examples" / "taiyuan-daily-2021-06-27.txt"

# (as written, as read by every voice). Conventions: see audiobulletin/script/reading/numbers.py.
READINGS = [
    # integers
    ("381", "三百八十一"),
    ("10000", "一万"),
    ("建党100周年", "建党一百周年"),
    ("20", "二十"),
    ("0", "零"),
    ("满21天", "满二十一天"),
    ("超过56天", "超过五十六天"),
    ("10人", "十人"),
    ("15家企业", "十五家企业"),
    ("110千伏", "一百一十千伏"),
    ("1005户", "一千零五户"),
    ("1010名", "一千零一十名"),
    ("30500元", "三万零五百元"),
    ("105000人次", "十万五千人次"),
    ("1002003", "一百万两千零三"),
    ("10000005", "一千万零五"),
    ("100000000", "一亿"),
    ("1,000,000,000,000元", "一万亿元"),
    # 两 and 二
    ("2万", "两万"),
    ("2个", "两个"),
    ("2个月", "两个月"),
    ("2天", "两天"),
    ("2年", "两年"),
    ("2亿元", "两亿元"),
    ("2000名", "两千名"),
    ("2200万", "两千二百万"),
    ("200人", "二百人"),
    ("12000元", "一万两千元"),
    ("2倍", "两倍"),
    ("2月", "二月"),
    ("2日", "二日"),
    ("2号线", "二号线"),
    ("2年级", "二年级"),
    ("第2名", "第二名"),
    ("2.5万", "二点五万"),
    ("得分为2", "得分为二"),
    # decimals
    ("381.60万剂次", "三百八十一点六零万剂次"),
    ("198.85万人", "一百九十八点八五万人"),
    ("182.73万人", "一百八十二点七三万人"),
    ("3.14", "三点一四"),
    ("0.5个百分点", "零点五个百分点"),
    ("增长6.0%", "增长百分之六点零"),
    ("2356.8亿元", "两千三百五十六点八亿元"),
    # percentages and per mille
    ("5.2%", "百分之五点二"),
    ("-3%", "负百分之三"),
    ("同比下降-1.5%", "同比下降负百分之一点五"),
    ("100%", "百分之一百"),
    ("5%—10%", "百分之五至百分之十"),
    ("3-5%", "百分之三至百分之五"),
    ("3‰", "千分之三"),
    ("５．２％", "百分之五点二"),
    # thousands separators and money
    ("22,468元", "两万两千四百六十八元"),
    ("1,234,567", "一百二十三万四千五百六十七"),
    ("¥100万", "一百万元"),
    ("$35", "三十五美元"),
    ("€2亿", "两亿欧元"),
    ("人均可支配收入22,468元", "人均可支配收入两万两千四百六十八元"),
    # years, ranges
    ("2021年", "二零二一年"),
    ("1949年", "一九四九年"),
    ("2021届毕业生", "二零二一届毕业生"),
    ("5000年文明", "五千年文明"),
    ("2021—2025年", "二零二一至二零二五年"),
    ("2021至2025年", "二零二一至二零二五年"),
    ("1—6月", "一至六月"),
    ("1-5月", "一至五月"),
    ("3-5天", "三至五天"),
    ("2—3天", "两至三天"),
    ("10～15℃", "十至十五摄氏度"),
    ("20~30人", "二十至三十人"),
    ("20世纪90年代", "二十世纪九十年代"),
    ("1990年代", "一九九零年代"),
    # dates
    ("6月26日", "六月二十六日"),
    ("2021年6月27日", "二零二一年六月二十七日"),
    ("2021-06-27", "二零二一年六月二十七日"),
    ("2021/6/27", "二零二一年六月二十七日"),
    ("2021.06.27", "二零二一年六月二十七日"),
    ("6月26日—28日", "六月二十六日至二十八日"),
    ("12月31日", "十二月三十一日"),
    ("2021年06月27日", "二零二一年六月二十七日"),
    ("08时05分", "八时零五分"),
    ("编号007", "编号零零七"),
    # times
    ("14:30", "十四点三十分"),
    ("14：30", "十四点三十分"),
    ("6:30—21:00", "六点三十分至二十一点"),
    ("8:05", "八点零五分"),
    ("2:00", "两点"),
    ("0:00", "零点"),
    ("14时46分", "十四时四十六分"),
    ("截至6月26日14时46分", "截至六月二十六日十四时四十六分"),
    ("上午9时", "上午九时"),
    ("凌晨2时", "凌晨两时"),
    ("10:15:30", "十点十五分三十秒"),
    # phone numbers and hotlines (1 is 幺)
    ("12345热线", "幺二三四五热线"),
    ("拨打12345", "拨打幺二三四五"),
    ("12345政务服务便民热线", "幺二三四五政务服务便民热线"),
    ("咨询电话：0351-1234567", "咨询电话：零三五幺 幺二三四五六七"),
    ("举报电话：4008-123-456", "举报电话：四零零八 幺二三 四五六"),
    ("400-123-4567", "四零零 幺二三 四五六七"),
    ("手机13912345678", "手机幺三九幺二三四五六七八"),
    ("110报警", "幺幺零报警"),
    ("120急救电话", "幺二零急救电话"),
    ("热线电话是96777", "热线电话是九六七七七"),
    ("咨询量达到1500次", "咨询量达到一千五百次"),
    ("受理举报320件", "受理举报三百二十件"),
    ("手机用户1200万户", "手机用户一千二百万户"),
    ("建成100个便民服务点", "建成一百个便民服务点"),
    # units and minus signs
    ("-5℃", "零下五摄氏度"),
    ("最低气温-5～3℃", "最低气温零下五至三摄氏度"),
    ("30℃", "三十摄氏度"),
    ("37.5°C", "三十七点五摄氏度"),
    ("5km", "五公里"),
    ("3-5km", "三至五公里"),
    ("2km", "两公里"),
    ("120km/h", "一百二十公里每小时"),
    ("50kg", "五十公斤"),
    ("100m²", "一百平方米"),
    ("3000平方米", "三千平方米"),
    ("PM2.5浓度为35μg/m³", "PM二点五浓度为三十五微克每立方米"),
    ("5000kW", "五千千瓦"),
    ("100mm", "一百毫米"),
    ("-12", "负十二"),
    ("北纬37°", "北纬三十七度"),
    ("每斤3元/斤", "每斤三元每斤"),
    # ordinals, fractions, scores, ratios
    ("第1", "第一"),
    ("第22届", "第二十二届"),
    ("第100个", "第一百个"),
    ("1/3", "三分之一"),
    ("2/3的村庄", "三分之二的村庄"),
    ("以3:1战胜对手", "以三比一战胜对手"),
    ("比分为2:2", "比分为二比二"),
    ("最终以2:0取胜", "最终以二比零取胜"),
    ("1:500的比例尺", "一比五百的比例尺"),
    ("主队以2:1取胜", "主队以二比一取胜"),
    ("以10:25的比分落败", "以十比二十五的比分落败"),
    ("以2:30的成绩", "以两点三十分的成绩"),
    ("两队战成1:1", "两队战成一比一"),
    ("中国女排以3∶0战胜对手", "中国女排以三比零战胜对手"),
    # events named by their date
    ("“7·20”特大暴雨", "“七二零”特大暴雨"),
    ("“5·12”汶川特大地震", "“五幺二”汶川特大地震"),
    ("“6·18”", "“六幺八”"),
    # acronyms and mixed tokens (the online voice reads the letters)
    ("GDP", "GDP"),
    ("CPI同比上涨0.9%", "CPI同比上涨百分之零点九"),
    ("5G基站", "五G基站"),
    ("PM2.5", "PM二点五"),
    ("A股", "A股"),
    ("APP", "APP"),
    ("iPhone12", "iPhone十二"),
    ("C919大飞机", "C九一九大飞机"),
    ("G20峰会", "G二十峰会"),
    ("H7N9", "H七N九"),
    ("5A级景区", "五A级景区"),
    ("ＧＤＰ", "GDP"),
    # full width
    ("１２３", "一百二十三"),
    ("２０２１年", "二零二一年"),
    # punctuation and symbols
    ("《生命重于泰山——学习习近平总书记关于安全生产重要论述》",
     "《生命重于泰山，学习习近平总书记关于安全生产重要论述》"),
    ("等等……", "等等，"),
    ("安全、稳定……。", "安全、稳定。"),
    ("“十四五”", "“十四五”"),
    ("“2+26”城市", "“二加二十六”城市"),
    ("#新冠疫苗#", "新冠疫苗"),
    ("★要闻", "要闻"),
    ("研发&生产", "研发和生产"),
    ("各县（市、区）", "各县（市、区）"),
    ("他说,好的!", "他说，好的！"),
]


@pytest.mark.parametrize("written, spoken", READINGS, ids=[w for w, _ in READINGS])
def test_reading(written, spoken):
    assert to_spoken(written) == spoken


# The offline voice skips Latin letters: they become a Chinese reading or Chinese letter names.
OFFLINE_READINGS = [
    ("GDP增长5.2%", "国内生产总值增长百分之五点二"),
    ("CPI", "居民消费价格指数"),
    ("APP", "应用程序"),
    ("iPhone", "苹果手机"),
    ("COVID-19疫情", "新冠肺炎疫情"),
    ("5G", "五吉"),
    ("A股", "诶股"),
    ("PM2.5", "批艾姆二点五"),
    ("CT检查", "西提检查"),
    ("ＧＤＰ", "国内生产总值"),
    ("臺灣經濟發展", "台湾经济发展"),
    ("本報訊", "本报讯"),
    ("隨著各項政策落地", "随着各项政策落地"),
    ("#话题#", "话题"),
]


@pytest.mark.parametrize("written, spoken", OFFLINE_READINGS, ids=[w for w, _ in OFFLINE_READINGS])
def test_offline_reading(written, spoken):
    assert to_spoken(written, for_offline=True) == spoken


def test_online_voice_keeps_traditional_characters():
    assert to_spoken("臺灣經濟") == "臺灣經濟"


def test_simplified_text_is_unchanged_by_conversion():
    text = EDITION.read_text(encoding="utf-8")
    assert to_simplified(text) == text


def test_sample_edition_reads_without_digits_or_symbols():
    text = EDITION.read_text(encoding="utf-8")
    spoken = to_spoken(text, for_offline=True)
    assert not re.search(r"[0-9A-Za-z%—～\-]", spoken)
    for phrase in ("二零二一至二零二五年", "三百八十一点六零万剂次", "十四时四十六分", "“十四五”",
                   "一百周年", "满二十一天", "《生命重于泰山，学习"):
        assert phrase in spoken
    # only readings were added: every Chinese character of the copy is still there, in order
    said = iter(spoken)
    assert all(char in said for char in re.findall(r"[\u4e00-\u9fa5]", text))


def test_pause_punctuation_stays():
    spoken = to_spoken("会议指出，要坚持；要落实：一是……二是！对吗？好的。各县、市")
    assert [c for c in spoken if c in "，。、；：！？"] == list("，；：，！？。、")


def test_a_reading_reads_as_itself():
    # the script stage may normalise text that is already spoken (intro lines, bylines)
    for _, spoken in READINGS:
        assert to_spoken(spoken) == spoken
    for _, spoken in OFFLINE_READINGS:
        assert to_spoken(spoken, for_offline=True) == spoken
