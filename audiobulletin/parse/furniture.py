"""Lines that are never read: page furniture at the top and bottom of a page, and what a web page
or a CMS leaves in the text. Each recogniser says what it found, so `parse` can list every line it
did not read, and a page header also says what it tells: the date, the page, the section.

    汾河晚报　2026年11月29日　星期日             page header (date)
    汾河晚报 2026年11月29日 星期日 第02版：城事   page header (date, page 02, section 城事)
    A01 要闻                                     page header (page A01, section 要闻)
    责任编辑：王芳 校对：李强   （编辑 马超）      editor credits
    （下转第3版）  上接第1版                      page-turn marks (also inside a paragraph)
    汾河晚报社版权所有 未经授权不得转载            copyright line
    扫码阅读全文                                   scan-code line
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

_SECTION = r"[\u4e00-\u9fa5·]{2,10}"
# Section names that may follow a bare page code (A01 要闻); after 版： or A1: any name counts.
KNOWN_SECTIONS = (
    "要闻", "综合", "综合新闻", "本地新闻", "国内新闻", "国际新闻", "时政", "国内", "国际", "经济", "财经", "社会",
    "民生", "体育", "文化", "文体", "文娱", "副刊", "评论", "言论", "理论", "专版", "专题", "特刊", "广告", "视点",
    "聚焦", "观察", "法治", "教育", "健康", "科技", "农业", "三农", "县区", "区县", "城事", "城市", "图片新闻", "深度",
    "人物", "生活", "消费", "旅游", "天气", "服务", "公告", "党建", "新闻", "头版", "封面", "地方", "热点", "关注",
    # Traditional editions
    "要聞", "綜合", "國內", "國際", "經濟", "財經", "體育", "評論", "專題", "時政", "社會", "民生", "文化", "副刊")
_PAPER = r"[\u4e00-\u9fa5]{1,10}?(?:日|晚|早|晨|时|商|周|都市|青年|法治|法制|经济|农民|工人|科技|教育)报社?"
_HEADER_TOKENS = re.compile("|".join((
    r">?(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?:编印|出版)?",
    r"星期[一二三四五六日天]|周[一二三四五六日]",
    r"农历[\u4e00-\u9fa5]{2,8}",
    rf"(?:第\s*)?(?P<page>[A-Z]?\d{{1,3}})\s*版(?:\s*[:：]\s*(?P<section>{_SECTION}))?",
    rf"(?P<code>[A-Z]\d{{1,2}})\s*[:：]\s*(?P<section2>{_SECTION})",
    r"(?P<code3>[A-Z]\d{1,2})\s+(?P<section3>%s)(?![\u4e00-\u9fa5])" % "|".join(
        sorted(KNOWN_SECTIONS, key=len, reverse=True)),
    rf"版名\s*[:：]\s*(?P<section4>{_SECTION})",
    r"(?P<issue>总第\s*\d+\s*期|第\s*\d+\s*期|今日\s*\d+\s*版|共\s*\d+\s*版)",
    _PAPER,
)))
_MASTHEAD = re.compile(rf"{_PAPER}(?:\s*(?:电子版|数字报|e?报))?")
_SEPARATOR = re.compile(r"[\s>|/·•]*")

_LEFTOVERS = [(why, re.compile(p)) for why, p in (
    ("copyright line", r"版权所有(?![人者])|All Rights Reserved|Copyright|©|(?:未经|禁止).{0,8}转载|转载请注明"),
    ("editor credit", r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|初审|二审|三审|值班编辑|美编|"
                      r"美术编辑|编审|监制|统筹|制图|版式|排版)\s*[:：]"),
    ("editor credit", r"^[（(]\s*(?:责任编辑|编辑|责编|校对|审核)\s*[:：]?\s*[\u4e00-\u9fa5·、\s]{2,20}[）)]$"),
    ("editor credit", r"^(?:本版责编|本版编辑|本版校对|版式设计)"),
    ("page-turn mark", r"^[（(]?\s*(?:下转|上接|转|接)\s*(?:第\s*)?[A-Z]?\d{1,3}\s*版(?:[:：][^）)]{0,10})?\s*[）)]?$"),
    ("scan-code line", r"^[（(]?\s*(?:扫码|扫一扫|扫描二维码|长按(?:识别)?二维码|点击(?:阅读|查看)?原文|阅读原文)"),
    ("end mark", r"^[（(]\s*(?:完|全文完|本文完|待续|未完待续)\s*[）)]$"),
    # web pages: per-article meta lines, navigation, share and print links, rules
    ("web page furniture", r"^(?:刊发日期|发布日期|发布时间|阅读次数|浏览次数|点击数|"
                           r"作者|来源|稿件来源|版次|字数)\s*[:：]"),
    ("web page furniture", r"^(?:语音阅读|朗读|播放|返回目录|返回顶部|返回|上一篇|下一篇|"
                           r"上一期|下一期|上一版|下一版|往期回顾)"
                           r"(?:\s+(?:语音阅读|朗读|播放|返回目录|返回顶部|返回|上一篇|下一篇|上一期|下一期|上一版|下一版))*$"),
    ("web page furniture", r"^(?:分享到|分享至)"),
    ("web page furniture", r"^[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏|字体|字号)"),
    ("web page furniture", r"^(?:https?://|www\.)\S+$"),
    ("web page furniture", r"^[-=_*·—]{3,}$"),
    # what is left of a page header that the header reader could not take apart
    ("page furniture", r"^[A-Z]\d{1,2}\s*[:：]|^第?\s*[A-Z]?\d{1,3}\s*版\s*[:：]?|总第\s*\d+\s*期"),
)]
_LONGEST_LEFTOVER = 80
"""A copyright notice is short and hardly a sentence; a paragraph that mentions 转载 is not one."""
_INLINE = [(why, re.compile(p)) for why, p in (
    ("page-turn mark", r"[（(]\s*(?:下转|上接|转|接)\s*(?:第\s*)?[A-Z]?\d{1,3}\s*版\s*[）)]"),
    ("editor credit", r"[（(]\s*(?:责任编辑|编辑|责编|校对)\s*[:：]?\s*[\u4e00-\u9fa5·、\s]{2,20}[）)]\s*$"),
)]
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,5});")


@dataclass(frozen=True)
class PageHeader:
    """What a page header tells about the articles that follow it."""

    date: dt.date | None = None
    page: str | None = None
    """The page as labelled: A01, 02, 3."""
    section: str | None = None
    """The page's section: 要闻, 城事."""


def page_header(line: str) -> PageHeader | None:
    """The header's date, page and section when the whole line is page-header furniture."""
    found: dict[str, str] = {}
    position, tokens, telling = 0, 0, False
    while True:
        separator = _SEPARATOR.match(line, position)  # always matches, maybe empty
        position = separator.end() if separator else position
        if position == len(line):
            break
        match = _HEADER_TOKENS.match(line, position)
        if not match or match.end() == position:
            return None
        groups = {k: v for k, v in match.groupdict().items() if v}
        telling = telling or bool(groups.keys() - {"section", "section2", "section3", "section4"})
        found.update({k: v for k, v in groups.items() if k not in found or k.startswith(("page", "code", "section"))})
        position, tokens = match.end(), tokens + 1
    if not tokens or not telling:
        return None  # a paper's name or a weekday alone is no header
    date = None
    if "y" in found:
        try:
            date = dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            date = None
    page = found.get("code3") or found.get("code") or found.get("page")
    section = found.get("section3") or found.get("section2") or found.get("section") or found.get("section4")
    return PageHeader(date, page, section)


def is_masthead(line: str, paper: str = "") -> bool:
    """The paper's name on a line of its own (太原日报, 某某日报电子版): page furniture when it is the
    paper being read, or when a page header is next to it."""
    return line == paper or bool(_MASTHEAD.fullmatch(line))


def leftover(line: str) -> str | None:
    """What a line of furniture or CMS leftover is ("copyright line", "editor credit"...), or None."""
    for why, pattern in _LEFTOVERS:
        if pattern.search(line) and (why != "copyright line" or len(line) <= _LONGEST_LEFTOVER // 2
                                     or (len(line) <= _LONGEST_LEFTOVER and "，" not in line)):
            return why
    return None


def strip_markup(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Remove CMS markup (<p>, <br/>, &nbsp;): the text left and ("CMS markup", as written) for
    each piece removed."""
    removed: list[tuple[str, str]] = []
    if "<" in text:
        for tag in _TAG.findall(text):
            removed.append(("CMS markup", tag))
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        removed += [("CMS markup", e) for e in _ENTITY.findall(text)]
        text = html.unescape(text).replace("\xa0", " ")
    return text.strip(), removed


def strip_inline(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Remove page-turn marks and a trailing editor credit from a paragraph: the text left and
    (what, as written) for each piece removed."""
    removed: list[tuple[str, str]] = []
    for why, pattern in _INLINE:
        for piece in pattern.findall(text):
            removed.append((why, piece.strip()))
        text = pattern.sub("", text)
    return text.strip(), removed
