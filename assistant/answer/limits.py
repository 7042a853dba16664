"""Statutory limits read from the clause text itself (「投标保证金不得超过招标项目估算价的2%」, 「公示期不得少于3日」)
and checked against the figure a proposed measure states (「投标保证金定了估算价的5%」): a deterministic verdict
with the clause it rests on, for compliance questions the fair-competition review does not cover.

>>> lim = limits_in("投标保证金不得超过招标项目估算价的2%。")[0]
>>> (lim.subject, lim.op, lim.value, lim.unit)
('投标保证金', 'max', 2.0, '%')
>>> check(lim, "县道改造工程招标，投标保证金定了估算价的5%，会不会超标？")
(False, 5.0)
>>> check(lim, "投标保证金按估算价的2%交，可以用银行保函吗？")
(True, 2.0)
>>> check(limits_in("履约保证金的数额不得超过政府采购合同金额的10%")[0], "要求中标供应商交合同金额15%的履约保证金")
(False, 15.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab.numerals import to_int

_CN = "零〇一二两三四五六七八九十百"
LIMIT = re.compile(
    rf"(?P<subject>[\u4e00-\u9fa5]{{2,20}}?)(?:的数额|数额)?(?:最长|最短|最多|最少)?不得(?P<op>超过|少于|低于|高于|多于)"
    rf"(?P<base>[\u4e00-\u9fa5]{{0,16}}?的)?(?P<num>\d+(?:\.\d+)?|[{_CN}]+)(?P<unit>%|个工作日|日|天|年|个月|倍)")
_LEAD = re.compile(r"^(?:但|并且|并|且|其|以及|或者|和|及|应当|对|自|当|如|从)+")
FIGURE = re.compile(rf"(\d+(?:\.\d+)?|[{_CN}]+)\s*(%|％|个工作日|日|天|年|个月|倍)")
UNIT = {"天": "日", "％": "%"}


@dataclass(frozen=True)
class Limit:
    subject: str  # what is limited: 投标保证金, 公示期, 特许经营期限 …
    op: str  # max / min
    value: float
    unit: str  # % / 日 / 个工作日 / 年 / 个月 / 倍
    span: str  # the words of the clause that set it


def _number(text: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        return float(to_int(text.replace("两", "二").replace("〇", "零")))
    except (ValueError, KeyError):
        return None


def limits_in(text: str) -> list[Limit]:
    out = []
    for m in LIMIT.finditer(text):
        subject = _LEAD.sub("", m.group("subject"))
        value = _number(m.group("num"))
        if len(subject) < 2 or value is None or subject in ("最长", "最短", "最多", "最少", "一般"):
            continue
        op = "max" if m.group("op") in ("超过", "高于", "多于") else "min"
        out.append(Limit(subject, op, value, UNIT.get(m.group("unit"), m.group("unit")), m.group(0)))
    return out


def _named(subject: str, measure: str) -> tuple[int, int]:
    """(start, end) of where the measure names the limited thing — its tail is enough (「资格预审文件的发售期」 ←
    「发售期」), at least three characters of it; (-1, -1) when it does not."""
    for n in range(len(subject), 1, -1):
        i = measure.find(subject[-n:])
        if i < 0 or n < min(3, len(subject)):
            continue
        before = measure[i - 1] if i > 0 else ""
        if n < len(subject) and "\u4e00" <= before <= "\u9fa5" and before not in subject:
            continue  # 「履约保证金」 is not 「投标保证金」: the word before the shared tail belongs to another thing
        return i, i + n
    return -1, -1


def check(limit: Limit, measure: str) -> tuple[bool, float] | None:
    """(within the limit, the measure's figure), or None when the measure does not state one for that thing."""
    start, at = _named(limit.subject, measure)
    if at < 0:
        return None
    after = list(FIGURE.finditer(measure[at: at + 24]))
    before = list(FIGURE.finditer(measure[max(0, start - 16): start]))[::-1]  # 「交合同金额8%的履约保证金」
    for m in after + before:
        unit = UNIT.get(m.group(2), m.group(2))
        value = _number(m.group(1))
        if unit == limit.unit and value is not None:
            return (value <= limit.value if limit.op == "max" else value >= limit.value), value
    return None


__all__ = ["Limit", "check", "limits_in"]
