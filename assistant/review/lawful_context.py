"""Lawful context around a pattern hit, read from the regulation's own conditions (one vocabulary).

条例 prohibits measures taken "没有法律、行政法规依据或者未经国务院批准" and conditions that discriminate by
注册地/所在地/所有制. A hit is not a finding when the text around it states the prohibition itself
(不得要求…), states that the condition or measure is absent (不区分注册地, 不对…给予返还, 不受…限制), or rests the
measure on a national legal basis in the same sentence (依照国家规定享受…即征即退).

>>> lawful("申报不区分企业所有制和注册地。", 2, 12)
True
>>> lawful("对在本县注册的企业给予奖励。", 1, 6)
False
>>> lawful("依照国家规定享受增值税即征即退政策。", 11, 15)
True
"""

from __future__ import annotations

import re

WINDOW = 16  # characters either side of a hit searched for 不得/禁止…; since the first detector (cacd517)
PROHIBITION = re.compile(r"(?:不得|禁止|严禁|杜绝|不应|不准|取消|清理)(?:要求|以|将|把|设置|设立|强制|限定|指定|对|因|作为|排斥|限制|变相|违规|在|给予|承诺|组织|附加)")
# inside a long hit only the administration's own duties count (不得要求供应商…), not duties put on the investor (不得将注册地迁出)
DUTY = re.compile(r"(?:不得|禁止|严禁|不应|不准)(?:要求|设置|设立|强制|限定|指定|排斥|限制|以|承诺|组织|将[^。；]{0,30}作为[^。；]{0,12}条件)")
ABSENT = re.compile(r"不(?:区分|限于?|以|对|涉及|受|作为|要求|设置?|另行|开展|发布|披露|附加|作扩大|与[^。；]{0,12}挂钩)|无需|无须|均不")
LEGAL_BASIS = re.compile(r"(?:依照|按照|根据|依据|执行|落实)(?:国家|法律|行政法规|国务院|《[^》]{0,30}(?:法|条例)》)")
# …or follows it in the same sentence as the rule it is carried out under (「即征即退依照财政部…的规定执行」)
EXECUTED_UNDER = re.compile(r"(?:依照|按照|根据)(?:国家|国务院|财政部|[^。；，]{0,10}部)[^。；，]{0,30}(?:规定|目录|办法)(?:执行|办理)")
# …or the same sentence (to its full stop) treats everyone alike, the regulation's own demand (平等对待)
EQUAL = re.compile(r"(?:所有|全部|各类|一切)[^。]{0,30}?(?:均可|均适用|适用相同|相同价格|同等|一致|同样适用|一视同仁|平等)|"
                   r"同样适用|同等(?:申报|采信|适用|对待|享受)|一视同仁|平等(?:对待|适用|享受)|面向所有|统一适用于")
BASIS_REACH = 24  # a legal basis counts when it precedes the hit by at most this many characters, in the same sentence
SENTENCE_END = re.compile(r"[。；;！？\n]")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right = SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)


def lawful(text: str, start: int, end: int) -> bool:
    """True when the hit text[start:end] sits in lawful context (see the module docstring)."""
    left, right = _sentence(text, start, end)
    if PROHIBITION.search(text, max(0, start - WINDOW), start + WINDOW) or DUTY.search(text, start, min(right, end + WINDOW)):
        return True
    if ABSENT.search(text, max(left, start - WINDOW // 2), min(end, right)):
        return True
    if LEGAL_BASIS.search(text, max(left, start - BASIS_REACH), start) or EXECUTED_UNDER.search(text, end, right):
        return True
    stop_left = text.rfind("。", 0, start) + 1
    stop_right = text.find("。", end)
    return bool(EQUAL.search(text, stop_left, stop_right if stop_right >= 0 else len(text)))
