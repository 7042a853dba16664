"""The kind of figure a question asks for, and whether a clause states one (one vocabulary).

A question that asks 多少钱 / 什么比例 / 多少亩 / 多久 is answered only by a clause that states an amount, a ratio,
an area or a period; a clause that only names the topic (「数额标准由省级人民政府规定」) does not answer it.

>>> asked("施工单项合同估算价多少万以上必须招标？")
'money'
>>> states("施工单项合同估算价在400万元人民币以上", "money")
True
>>> states("具体数额标准由省级人民政府规定", "money")
False
>>> asked("哪几种情形可以不招标？") is None
True
"""

from __future__ import annotations

import re

from ..vocab.numerals import NUMBER

# question wording → the kind of figure asked for; first match wins (the more specific kinds first)
ASKED = (
    ("percent", re.compile(r"比例|百分之几|几成|多少%|多少个百分点|税率是?多少|费率是?多少|扣除多少|加计扣除")),
    ("area", re.compile(r"多少(?:亩|平方米|平米|公顷)|几亩|面积(?:是|有)?多(?:少|大)")),
    ("score", re.compile(r"多少分|几分|加分多少")),
    ("period", re.compile(r"多久|多长时间|多少天|几天|多少日|几日|几个月|多少个月|多少年|(?<!哪)几年|期限是?多[长少]|什么时候(?:之前|以前)?(?:截止|到期)")),
    ("money", re.compile(r"多少钱|多少(?:万|亿|元)|(?:金额|数额|资金|奖励|补贴|补助|奖补|价格|地价|底价|收费|费用|标准|门槛|规模)(?:是|有|能|可以|最高|大概)?(?:拿|给|补|奖)?多少")),
    ("count", re.compile(r"多少(?:个|家|项|件|人|次|户|所|批)")),
)
_N = f"(?:{NUMBER}(?:\\.\\d+)?)"
STATES = {
    "percent": re.compile(f"{_N}\\s*[%％‰]|百分之|千分之|{_N}成|分之{_N}|减半|全额|加倍"),
    "area": re.compile(f"{_N}\\s*(?:亩|平方米|平方公里|公顷|㎡)"),
    "score": re.compile(f"{_N}\\s*分"),
    "period": re.compile(f"{_N}\\s*(?:个)?(?:日|天|工作日|个月|月|年|小时|周)|即时|当日|当场"),
    "money": re.compile(f"{_N}\\s*(?:万元|亿元|元|万|亿|倍)|{_N}\\s*[%％‰]|[百千]分之|零地价|免费"),  # fines and fees may be relative
    "count": re.compile(f"{_N}\\s*(?:个|家|项|件|人|名|次|户|所|批|种|类)"),
    "any": re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|%|‰|倍|亩|年|个月|日|个工作日|天)|[一二三四五六七八九十百千万]+(?:万元|亿元|元|年|个月|日|个工作日)"),
}
ASKS_FIGURE = re.compile(r"多少|几|多久|多长|金额|比例|标准|上限|最高|期限|时限")  # any figure, kind unknown

NAMES = {"percent": "比例", "area": "面积", "score": "分值", "period": "期限", "money": "金额或标准", "count": "数量"}


# outcomes and statistics (实际兑现了多少, 一年有多少门票收入): policy texts set rules, they do not record how they were carried out
STATISTICS = re.compile(r"实际(?:兑现|拨付|到位|安排|完成|发放|支出|使用|落地|享受|引进|招引|获得)[^，。？]{0,4}?(?:有|了|是)?(?:多少|几)|"
                        r"(?:一年|每年|去年|今年|当年|上年|历年)(?:能)?(?:有|实现了?|完成了?|收入|兑现了?)多少|累计(?:兑现|拨付|发放|引进)了?(?:多少|几)|"
                        r"(?<![能可会])(?:享受|获得|拿到|领取|领到)了[^，。？]{0,12}?多少")  # what a firm got, not what it can get


def asks_statistics(question: str) -> bool:
    """The question asks how a policy was carried out (amounts paid, projects funded, revenue), not what it says.

    >>> asks_statistics("临港智能制造专项资金2017年实际拨付了多少个项目？")
    True
    >>> asks_statistics("研发实际花了300万，投产后奖励多少？")
    False
    """
    return bool(STATISTICS.search(question))


def asked(question: str) -> str | None:
    """The kind of figure the question asks for, or None (not a how-much question)."""
    for kind, rx in ASKED:
        if rx.search(question):
            return kind
    return None


def figure_kind(question: str) -> str | None:
    """Like `asked`, but 'any' for a question that wants some figure of no known kind (标准、上限、期限…)."""
    return asked(question) or ("any" if ASKS_FIGURE.search(question) else None)


def states(text: str, kind: str) -> bool:
    """Whether `text` states a figure of that kind."""
    return bool(STATES[kind].search(text))
