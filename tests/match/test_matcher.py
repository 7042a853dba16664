"""Condition checks and amounts without an index: 待补充 for what the profile cannot show, ranges with caps,
alternatives, schedules; the profile's common wording and bases."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.errors import AssistantError
from assistant.match.matcher import evaluate
from assistant.match.profile import parse_profile
from assistant.match.rules import load_rule_file

RULES = """
policy: demo
region: 测试县
rules:
  - id: rd
    clause_id: demo#第一条
    benefit: {kind: ratio, base: rd_investment_wan, rate: 30, cap_wan: 1000, quote: ["30%", 1000万元]}
  - id: platform
    clause_id: demo#第二条
    conditions: [{field: text, any_of: [智能制造], label: 智能制造项目}]
    benefit: {kind: ratio, base: total_investment_wan, rate: [10, 30], cap_wan: 5000, quote: ["10%—30%", 5000万元]}
  - id: hq
    clause_id: demo#第三条
    conditions:
      - {field: annual_revenue_wan, op: ">=", value: 300000, quote: 30亿元以上, alt: scale}
      - {field: local_fiscal_contribution_wan, op: ">=", value: 4000, quote: 4000万元以上, alt: scale}
    benefit: {kind: in_kind, cap_wan: 2000, quote: [2000万元]}
  - id: schedule
    clause_id: demo#第四条
    benefit: {kind: schedule, base: local_fiscal_contribution_wan, rates: [100, 100, 50, 50, 50], cap_wan: 500, quote: [全额, "50%", 500万元]}
  - id: land
    clause_id: demo#第五条
    benefit: {kind: ratio, base: land_price_paid_wan, rate: 70, quote: ["70%"]}
  - id: listed
    clause_id: demo#第七条
    conditions: [{field: qualifications, has: 重点产业发展投资项目库, label: 列入项目库}]
    benefit: {kind: fixed, amount_wan: 20, quote: [20万元]}
  - id: rent
    clause_id: demo#第六条
    benefit: {kind: per_unit, base: plant_area_sqm, unit_amount_wan: 0.001, periods: 12, years: 3, quote: [10元/平方米/月]}
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "demo.yaml"
    path.write_text(RULES, encoding="utf-8")
    rf = load_rule_file(path)
    return rf, {r.id: r for r in rf.rules}


def run(rules, rule_id, **profile):
    rf, by_id = rules
    return evaluate(by_id[rule_id], rf, parse_profile({"region": "测试县", **profile}), None, date(2025, 1, 1))


def test_no_rd_figure_is_to_be_supplied_not_granted(rules):
    m = run(rules, "rd", industry="工业机器人")
    assert m.status == "unknown" and m.amount_wan is None
    asked = [c for c in m.conditions if c.status == "unknown"]
    assert len(asked) == 1 and "年研发投入" in asked[0].ask
    assert run(rules, "rd", rd_investment_wan="5000万元").amount_wan == 1000  # 1500 capped at 1000


def test_a_qualification_not_listed_is_asked_not_refused(rules):
    m = run(rules, "listed", qualifications=["国家高新技术企业"])
    assert m.status == "unknown" and "是否已获得" in m.conditions[0].ask
    assert run(rules, "listed", qualifications=["已列入重点产业发展投资项目库"]).status == "eligible"


def test_ratio_span_gives_a_capped_range(rules):
    m = run(rules, "platform", industry="智能制造", total_investment_wan="2亿元")
    assert m.status == "eligible" and m.amount_range_wan == (2000, 5000) and m.cap_wan == 5000
    m = run(rules, "platform", industry="智能制造")
    assert m.status == "unknown" and m.cap_wan == 5000  # the cap is still shown


def test_alternatives_need_only_one(rules):
    assert run(rules, "hq", annual_revenue_wan="35亿元").status == "eligible"
    assert run(rules, "hq", local_fiscal_contribution_wan=3000).status == "unknown"  # revenue not given: ask
    m = run(rules, "hq", annual_revenue_wan=100000, local_fiscal_contribution_wan=3000)
    assert m.status == "ineligible" and len([c for c in m.conditions if c.status == "not_met"]) == 1


def test_schedule_and_per_unit_and_new_bases(rules):
    assert run(rules, "schedule", local_fiscal_contribution_wan=600).amount_wan == 500 * 2 + 300 * 3
    assert run(rules, "land", land_price_paid_wan="1500万元").amount_wan == 1050
    assert run(rules, "rent", plant_area_sqm="1.2万平方米").amount_wan == pytest.approx(432)


def test_profile_accepts_common_wording():
    p = parse_profile({"region": "测试县", "enterprise_type": "民营企业", "total_investment_wan": "3亿元", "employees": "120人"})
    assert (p.enterprise_type, p.total_investment_wan, p.employees) == ("民营", 30000, 120)
    p = parse_profile({"region": "测试县", "enterprise_type": "外商投资企业"})
    assert p.enterprise_type == "外资" and p.value("is_foreign") is True
    p = parse_profile({"region": "测试县", "equipment_investment_wan": "0.5亿元", "new_tax_wan": 300, "annual_revenue_wan": 8000, "land_mu": 20})
    assert p.equipment_investment_wan == 5000 and p.value("revenue_intensity_wan_per_mu") == 400
    with pytest.raises(AssistantError, match="企业类型.*集体"):
        parse_profile({"region": "测试县", "enterprise_type": "集体"})
