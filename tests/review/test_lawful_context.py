"""Lawful context around a pattern hit (review/lawful_context.py): each pair is a clause the patterns flag and the same
clause with the regulation's own lawful condition stated; only the first may raise a pattern finding."""

from __future__ import annotations

import pytest

from assistant.review.detect import Detector
from assistant.review.draft import DraftClause

PAIRS = [
    ("对在本县注册的企业，按研发费用的10%给予补助。",
     "对企业按研发费用的10%给予补助，申报不区分企业所有制和注册地。"),
    ("对园区企业缴纳的增值税实行即征即退。",
     "对安置残疾人就业的企业，依照国家规定享受增值税即征即退政策。"),
    ("项目竞得后，县政府按土地出让价款的60%给予返还。",
     "项目用地依法挂牌出让，县政府不对土地出让价款给予任何形式的返还。"),
    ("采购人可以在采购需求中要求供应商在本地设立售后服务机构。",
     "采购人可以在采购需求中明确售后响应时间，但不得要求供应商在本地设立机构。"),
    ("对新落户企业免收城市基础设施配套费。",
     "对保障性租赁住房项目，依照国家规定免收城市基础设施配套费。"),
    ("甲方承诺对乙方给予税收返还。",
     "招商引资合同不得承诺税收返还等违法优惠。"),
    ("对园区软件企业销售的软件产品实行增值税即征即退。",
     "软件产品增值税即征即退依照财政部、国家税务总局的规定执行，地方不另设比例。"),
    ("园区标准厂房对本县注册企业免收租金。",
     "园区标准厂房租金按市场评估价确定，免租期对所有新入驻企业一致。"),
    ("对在本县注册的企业获得省级质量奖的，给予20万元奖励。",
     "对在本县注册的企业获得省级质量奖的，给予20万元奖励；外地企业来县设立的法人企业同样适用。"),
    ("投标人须在本县设立分支机构。",
     "采购人可以要求售后响应时限，但不得将在本县设立分支机构作为投标条件。"),
]


@pytest.fixture(scope="module")
def patterns():
    return Detector(model=None)


@pytest.mark.parametrize("bad,good", PAIRS, ids=[b[:10] for b, _ in PAIRS])
def test_lawful_context_clears_the_hit(patterns, bad, good):
    assert patterns.review_clause(DraftClause(1, "x", bad)), bad
    assert patterns.review_clause(DraftClause(1, "x", good)) == [], good


def test_duty_put_on_the_investor_is_not_lawful_context(patterns):
    # 不得 here binds the investor (an exit barrier), not the administration
    fs = patterns.review_clause(DraftClause(1, "x", "企业须承诺在本县经营期不少于十年，不得将注册地迁出。"))
    assert fs and fs[0].standard == "exit-barrier"


def test_legal_basis_must_be_in_the_same_sentence(patterns):
    text = "企业依照国家规定享受税收优惠。对其缴纳增值税的地方留成部分再给予50%奖励。"
    assert patterns.review_clause(DraftClause(1, "x", text))


def test_a_rule_carried_out_under_must_be_named_right_after_the_verb():
    # 「根据用电量…，如国家电价调整，按新规定执行」 is no legal basis for the discount itself
    text = "对大工业用户实施倒阶梯输配电价，根据年度实际用电量超额累进下调，如国家电价调整，按新规定执行。"
    assert patterns_flag(text)


def patterns_flag(text: str) -> bool:
    return bool(Detector(model=None).review_clause(DraftClause(1, "x", text)))


def test_an_article_is_not_listed_beside_its_own_item():
    from assistant.review.detect import merged_articles

    text = "第二条 投标人须在本市设立分支机构，否则不得参与投标。服务网点设在本县境内的得3分。"
    fs = Detector(model=None).review_clause(DraftClause(1, "x", text))
    assert fs and "公平竞争审查条例实施办法第十五条第三项" in fs[0].articles
    assert "公平竞争审查条例实施办法第十五条" not in fs[0].articles and merged_articles(fs) == fs[0].articles
