"""What figure a question asks for, and whether a clause states one (answer/answer_type.py)."""

from __future__ import annotations

import pytest

from assistant.answer.answer_type import asked, figure_kind, states


@pytest.mark.parametrize("question,kind", [
    ("固定资产投资奖励的比例是多少？", "percent"),
    ("人才公寓最多能住几年？", "period"),
    ("项目用地需要多少亩？", "area"),
    ("一次性奖励最高多少？", "money"),
    ("罚款标准是多少？", "money"),
    ("全县有多少家企业申报？", "count"),
    ("临港双特政策的政策期限是哪几年？", None),
    ("哪几种情形可以不招标？", None),
    ("公平竞争审查由哪个部门负责？", None),
])
def test_asked(question, kind):
    assert asked(question) == kind


def test_any_figure_when_the_kind_is_unknown():
    assert figure_kind("补贴的上限怎么规定？") == "any" and asked("补贴的上限怎么规定？") is None


@pytest.mark.parametrize("text,kind,ok", [
    ("按设备投资额的8%给予补助", "percent", True),
    ("处中标项目金额千分之五以上千分之十以下的罚款", "money", True),
    ("最短不得少于二十日", "period", True),
    ("具体数额标准由省级人民政府规定", "money", False),
    ("租赁期限由双方协商确定", "period", False),
    ("每亩投资强度不低于200万元", "area", False),
])
def test_states(text, kind, ok):
    assert states(text, kind) is ok


@pytest.mark.parametrize("question,ok", [
    ("县里去年实际兑现了多少奖励资金？", True),
    ("开发区一年有多少税收收入？", True),
    ("项目实际投资2亿元，能奖励多少？", False),
    ("奖励资金多久兑现？", False),
])
def test_asks_statistics(question, ok):
    from assistant.answer.answer_type import asks_statistics

    assert asks_statistics(question) is ok
