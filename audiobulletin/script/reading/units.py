"""Word lists that decide how a number next to them is read."""

from __future__ import annotations

# Unit symbols after a number -> their spoken Chinese name (case matters: g is gram, G is 5G).
UNIT_SYMBOLS = {
    "μg/m³": "微克每立方米", "μg/m3": "微克每立方米", "mg/m³": "毫克每立方米",
    "km/h": "公里每小时", "m/s": "米每秒", "kW·h": "千瓦时", "kWh": "千瓦时",
    "km²": "平方公里", "km2": "平方公里", "m²": "平方米", "m2": "平方米", "㎡": "平方米",
    "m³": "立方米", "m3": "立方米",
    "km": "公里", "cm": "厘米", "mm": "毫米", "m": "米",
    "kg": "公斤", "mg": "毫克", "g": "克", "t": "吨",
    "mL": "毫升", "ml": "毫升", "L": "升",
    "kW": "千瓦", "MW": "兆瓦", "GW": "吉瓦", "kV": "千伏", "Hz": "赫兹",
    "min": "分钟", "h": "小时",
    "°C": "摄氏度", "℃": "摄氏度", "°F": "华氏度", "°": "度",
}

# Currency signs written before the amount -> the word said after it.
CURRENCY_PREFIXES = {"HK$": "港元", "US$": "美元", "¥": "元", "￥": "元", "$": "美元", "€": "欧元", "£": "英镑"}

# A bare 2 before these is 两 (两个, 两天, 两万); 2月, 2日, 2号, 2楼, 第2 keep 二.
MEASURE_WORDS = (
    "个", "位", "名", "人", "次", "项", "件", "条", "家", "所", "座", "台", "辆", "架", "艘", "种",
    "类", "批", "份", "只", "头", "匹", "张", "本", "部", "起", "场", "轮", "层", "成", "天", "年",
    "周", "小时", "分钟", "秒", "岁", "户", "例", "剂", "支", "枚", "颗", "届", "篇", "段", "句",
    "股", "处", "间", "栋", "幢", "套", "组", "队", "票", "席", "块", "元", "角", "倍", "万", "亿",
    "千", "百", "点", "时", "米", "公里", "千米", "厘米", "毫米", "吨", "公斤", "千克", "克", "斤",
    "升", "毫升", "亩", "公顷", "平方", "立方", "地", "国", "市", "县", "省", "大", "门", "节",
    "趟", "遍", "道", "笔", "首", "款", "对", "双", "副", "箱", "袋", "瓶", "杯", "盘", "局",
)
NOT_MEASURE = ("年级",)
"""Words that start like a measure word but keep 二 (2年级 -> 二年级)."""

# Zero-padded numbers before these are dates and hours, not codes: 06月 -> 六月, 08时 -> 八时
# (05分 keeps its zero: 零五分, as with 8:05).
CALENDAR_UNITS = ("月", "日", "号", "时", "点")

# A four-digit number before these is a year, read digit by digit (2021年, 2021届, 2020赛季).
YEAR_SUFFIXES = ("年", "届", "级", "版", "赛季", "财年", "学年")

# Words right before a number (a colon or 是/为 between) that make it a phone number or a hotline,
# read digit by digit: 拨打12345, 咨询电话：0351-1234567. (咨询, 举报 alone are not enough:
# 咨询量1500 is a quantity.)
PHONE_CUES = ("电话", "热线", "拨打", "致电", "专线", "号码", "传真", "手机号", "联系方式")
# Words after a short service number that make it a hotline: 12345热线, 110报警, 120急救.
HOTLINE_SUFFIXES = ("热线", "专线", "政务服务", "市长热线", "报警", "急救", "电话", "短信", "平台")

# Words shortly before n:m, or verbs just after it, that make it a sports score, not a time.
SCORE_CUES = ("比分", "战胜", "击败", "负于", "战平", "逆转", "取胜", "不敌", "惜败", "力克",
              "比赛", "决赛", "半决赛", "总比分", "大比分", "战成", "比数")
SCORE_VERBS = ("战胜", "击败", "取胜", "获胜", "力克", "胜", "负", "告负", "落败", "赢", "输",
               "拿下", "横扫", "战平", "逆转", "淘汰")
