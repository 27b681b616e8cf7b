"""Word lists that decide how a number next to them is read."""

from __future__ import annotations

# Unit symbols after a number -> their spoken Chinese name (case matters: g is gram, G is 5G).
UNIT_SYMBOLS = {
    "μg/m³": "微克每立方米", "μg/m3": "微克每立方米", "mg/m³": "毫克每立方米",
    "km/h": "公里每小时", "m/s": "米每秒", "kW·h": "千瓦时", "kWh": "千瓦时", "mAh": "毫安时",
    "km²": "平方公里", "km2": "平方公里", "m²": "平方米", "m2": "平方米", "㎡": "平方米",
    "cm²": "平方厘米", "m³": "立方米", "m3": "立方米", "cm³": "立方厘米",
    "km": "公里", "cm": "厘米", "mm": "毫米", "μm": "微米", "nm": "纳米", "m": "米",
    "kg": "公斤", "mg": "毫克", "μg": "微克", "g": "克", "t": "吨",
    "mL": "毫升", "ml": "毫升", "L": "升", "mmol": "毫摩尔", "mol": "摩尔",
    "kW": "千瓦", "MW": "兆瓦", "GW": "吉瓦", "W": "瓦", "kV": "千伏", "Ah": "安时",
    "GHz": "吉赫兹", "MHz": "兆赫兹", "kHz": "千赫兹", "Hz": "赫兹",
    "Gbps": "吉比特每秒", "Mbps": "兆比特每秒", "kbps": "千比特每秒", "dB": "分贝",
    "min": "分钟", "h": "小时",
    "°C": "摄氏度", "℃": "摄氏度", "°F": "华氏度", "°": "度", "′": "分", "″": "秒",
}

# Units written in Chinese that may stand on either side of "/" (元/吨, 千米/小时): read 每.
UNIT_WORDS = (
    "元", "万元", "亿元", "美元", "角", "分", "千米", "公里", "米", "厘米", "毫米", "小时", "分钟", "秒",
    "天", "日", "周", "月", "年", "吨", "公斤", "千克", "克", "毫克", "斤", "升", "毫升", "平方米", "平方公里",
    "立方米", "亩", "公顷", "人", "人次", "次", "户", "辆", "台", "件", "个", "株", "头", "只", "箱", "袋",
    "瓶", "张", "千瓦时", "度", "千瓦", "标准煤",
)

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
    "室", "厅",
)
NOT_MEASURE = ("年级",)
"""Words that start like a measure word but keep 二 (2年级 -> 二年级)."""

# Zero-padded numbers before these are dates and hours, not codes: 06月 -> 六月, 08时 -> 八时
# (05分 keeps its zero: 零五分, as with 8:05).
CALENDAR_UNITS = ("月", "日", "号", "时", "点")

# A four-digit number before these is a year, read digit by digit (2021年, 2021届, 2020赛季).
YEAR_SUFFIXES = ("年", "届", "级", "版", "赛季", "财年", "学年")

# Events named by their year without 年 (2008北京奥运会): the name ends in one of these.
EVENT_WORDS = (
    "奥运会", "冬奥会", "残奥会", "亚运会", "全运会", "运动会", "世博会", "博览会", "交易会", "展览会",
    "洽谈会", "交流会", "推介会", "大会", "峰会", "论坛", "年会", "晚会", "春晚", "马拉松", "锦标赛",
    "联赛", "大赛", "赛", "杯", "节", "展", "周", "榜", "强",
)

# Words right before a number (a colon or 是/为 between) that make it a phone number or a code,
# read digit by digit with 1 as 幺: 拨打12345, 咨询电话：0351-1234567, 邮编030001, 工号1024.
# (咨询, 举报 alone are not enough: 咨询量1500 is a quantity.)
PHONE_CUES = ("电话", "热线", "拨打", "致电", "专线", "号码", "传真", "手机号", "联系方式")
CODE_CUES = ("邮编", "邮政编码", "区号", "工号", "学号", "编号", "代码", "订单号", "单号", "账号", "帐号",
             "证号", "批号", "批次号", "序列号", "房号", "门牌号", "车次", "航班号", "准考证号")
# Words after a short service number that make it a hotline: 12345热线, 110报警, 120急救.
HOTLINE_SUFFIXES = ("热线", "专线", "政务服务", "市长热线", "报警", "急救", "电话", "短信", "平台", "客服")
# Words just before a number that make it a quantity even where it looks like a service number.
QUANTITY_CUES = ("共", "达", "达到", "约", "计", "超", "逾", "近", "增至", "降至", "累计", "合计", "总计")

# Words shortly before n:m, or verbs just after it, that make it a sports score, not a time.
# The strong ones win over a time cue (比分定格在21:19); the weak ones name an event that also
# has a start time (比赛将于20:00开始).
SCORE_CUES = ("比分", "总比分", "大比分", "战成", "比数", "战胜", "击败", "负于", "战平", "逆转", "取胜",
              "不敌", "惜败", "力克")
WEAK_SCORE_CUES = ("比赛", "决赛", "半决赛", "对决", "交锋")
SCORE_VERBS = ("战胜", "击败", "取胜", "获胜", "力克", "胜", "负", "告负", "落败", "赢", "输",
               "拿下", "横扫", "战平", "逆转", "淘汰")
# Words right before or after n:m that make it a time of day.
TIME_CUES_BEFORE = ("于", "在", "从", "自", "约", "时间", "时间为", "时间是", "北京时间", "当地时间", "今晚",
                    "明晚", "当晚", "今早", "明早", "当天", "今天", "明天", "每天", "每日", "上午", "下午",
                    "中午", "晚上", "凌晨", "早上", "傍晚", "夜间", "晚", "早")
TIME_CUES_AFTER = ("开始", "开赛", "开球", "开幕", "闭幕", "举行", "进行", "召开", "起", "前", "后", "左右",
                   "许", "结束", "截止", "准时", "出发", "发车", "到达", "抵达")

# Designations (aircraft, rockets, missiles, satellites) written stem-number: 歼-10, 长征-5.
DESIGNATION_STEMS = ("歼", "运", "轰", "直", "强", "教", "歼轰", "武直", "长征", "东风", "红旗", "鹰击",
                     "巨浪", "风云", "天舟", "神舟", "天宫", "嫦娥", "北斗", "实践", "高分", "遥感", "海洋",
                     "资源", "翼龙", "彩虹", "鲲龙", "蛟龙", "枭龙", "攻击")
# ... or followed by what they designate (某型-3雷达).
DESIGNATED = ("型", "号", "战机", "战斗机", "舰载机", "运输机", "轰炸机", "加油机", "预警机", "直升机",
              "无人机", "导弹", "火箭", "运载火箭", "卫星", "飞船", "舰", "驱逐舰", "护卫舰", "坦克", "雷达",
              "战车", "客机", "飞机", "发动机")
# Makers whose model numbers follow without a hyphen and are read digit by digit: 波音737.
MAKERS = ("波音", "空客", "麦道")
