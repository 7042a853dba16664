"""Statutory limits read from the law's own words and held against the measure's figure."""

import pytest

from assistant.answer.limits import check, limits_in


@pytest.mark.parametrize("clause, subject, op, value, unit", [
    ("投标保证金不得超过招标项目估算价的2%。", "投标保证金", "max", 2.0, "%"),
    ("履约保证金的数额不得超过政府采购合同金额的10%。", "履约保证金", "max", 10.0, "%"),
    ("中标候选人应当公示，公示期不得少于3日。", "公示期", "min", 3.0, "日"),
    ("资格预审文件或者招标文件的发售期不得少于5日。", "资格预审文件或者招标文件的发售期", "min", 5.0, "日"),
    ("特许经营期限最长不超过30年", None, None, None, None),  # 「不超过」 without 「得」 is not read as a limit
    ("但最长不得超过六十日", None, None, None, None),  # no subject in the clause: nothing to hold a measure to
])
def test_limits_in(clause, subject, op, value, unit):
    found = limits_in(clause)
    if subject is None:
        assert found == []
    else:
        assert [(x.subject, x.op, x.value, x.unit) for x in found] == [(subject, op, value, unit)]


@pytest.mark.parametrize("measure, expected", [
    ("县道改造工程招标，投标保证金定了估算价的5%", (False, 5.0)),
    ("投标保证金按估算价的百分之二", None),  # a figure in words with no unit sign: not read, no verdict
    ("投标保证金按估算价的1.5%收取", (True, 1.5)),
    ("要求中标供应商交合同金额8%的履约保证金", None),  # another limit's subject: not this one
])
def test_check_bid_bond(measure, expected):
    lim = limits_in("投标保证金不得超过招标项目估算价的2%。")[0]
    assert check(lim, measure) == expected


def test_minimum_periods():
    lim = limits_in("招标文件的发售期不得少于5日。")[0]
    assert check(lim, "招标文件发售期只给3天") == (False, 3.0)
    assert check(lim, "招标文件发售期定为七日") == (True, 7.0)
