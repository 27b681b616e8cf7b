"""Photo captions and photo credits.

A caption opens with a marker (图为, 图：, 图片说明：, 上图) or ends with a photo credit
(本报记者 王晓明 摄, 新华社发, 视觉中国供图). The credit names who took the picture; it is not part
of the sentence, so it is split off (and listed as not read), and so is a 图片说明：/图注：
prefix: the script introduces every caption itself, once.
"""

from __future__ import annotations

import re

_ORG = r"(?:本报|新华社|中新社|人民日报|人民网|新华网|央视网|中新网|光明日报|经济日报)"
_ROLE = r"(?:全媒体|融媒体|首席|特约|实习|见习)?(?:摄影)?(?:记者|通讯员)|特约摄影师?|摄影师?|通讯员"
_NAMES = r"[\u4e00-\u9fa5·]{2,5}(?:\s*[、，,\s]\s*[\u4e00-\u9fa5·]{2,5}){0,3}"
_CREDIT = (
    rf"(?:{_ORG}\s*)?(?:(?:{_ROLE})\s*)?{_NAMES}\s*摄(?:影)?"
    rf"|{_ORG}\s*(?:{_NAMES}\s*)?发(?:\s*[（(][^（）()]{{1,20}}[）)])?"
    rf"|(?:{_ORG}|{_NAMES}|视觉中国|IC\s*photo|CFP)\s*供图"
    r"|(?:本报)?资料图片?|图片由[^，。]{1,20}提供|图片来源\s*[:：][^，。]{1,20}"
)
# the credit is the end of the line, after a sentence, a space or inside brackets
_CREDIT_AT_END = re.compile(rf"(?:^|(?<=[\s。！？”）)]))\s*(?P<credit>[（(]\s*(?:{_CREDIT})\s*[）)]|(?:{_CREDIT}))\s*$")
_ONLY_CREDIT = re.compile(rf"^\s*(?:[（(]\s*(?:{_CREDIT})\s*[）)]|(?:{_CREDIT}))\s*$")
_MARKER = re.compile(r"^(?:图为|图[:：]|图片说明\s*[:：]|图注\s*[:：]|组图\s*[:：]|（图|\(图|上图|下图|左图|右图|图中)")
_PREFIX = re.compile(r"^(?:图片说明|图注|组图|图)\s*[:：]\s*|^[（(]图[）)]\s*")


def is_photo_credit(line: str) -> bool:
    """A line that only credits a photo: 新华社记者 李鑫 摄, （新华社发）."""
    return bool(_ONLY_CREDIT.match(line))


def is_caption(line: str) -> bool:
    return bool(_MARKER.match(line)) or (bool(_CREDIT_AT_END.search(line)) and not is_photo_credit(line))


def split_caption(line: str) -> tuple[str, str | None]:
    """(caption as read, its photo credit): 图片说明：学生们在长跑。 新华社发 -> ("学生们在长跑。", "新华社发").
    A 图片说明：/图注： prefix goes too (the script introduces the caption itself)."""
    line = _PREFIX.sub("", line, count=1)
    credit = _CREDIT_AT_END.search(line)
    if not credit:
        return line.strip(), None
    return line[:credit.start()].strip(), credit.group("credit").strip()
