"""The extraction grammar on sentences written the way incentive clauses are (no index needed)."""

from __future__ import annotations

import pytest

from assistant.match.extract import propose_units


def one(text: str, **kw):
    found = propose_units("doc#第一条", text, **kw)
    assert len(found) == 1, [p.benefit for p in found]
    return found[0]


def quotes_in_text(p, text):
    for q in p.numbers:
        assert q in text, q


def test_threshold_ratio_and_cap():
    text = "对绿色化、智能化生产类企业固定资产投资5000万元以上的，按照固定资产投资额的3%给予一次性奖励，最高单个项目不超过2000万元。"
    p = one(text)
    assert p.conditions == [{"field": "fixed_asset_investment_wan", "op": ">=", "value": 5000, "quote": "5000万元以上"}]
    assert p.benefit["kind"] == "ratio" and p.benefit["base"] == "fixed_asset_investment_wan" and p.benefit["rate"] == 3
    assert p.benefit["cap_wan"] == 2000 and p.benefit["once"] is True
    quotes_in_text(p, text)


def test_yi_yuan_inclusive_and_parenthetical():
    text = "固定资产投资额1000万元（人民币，下同）及以上的项目，达到1亿元（含）以上的，给予200万元奖励。"
    p = one(text)
    assert {(c["value"], c["op"]) for c in p.conditions} == {(1000, ">="), (10000, ">=")}
    assert p.benefit == {"kind": "fixed", "amount_wan": 200, "quote": ["200万元"]}
    quotes_in_text(p, text)


def test_tier_between_two_figures_and_exclusive_lower_end():
    p = one("投资3000万～5000万元的，按地方留成部分30%给予补助。")
    assert [(c["op"], c["value"]) for c in p.conditions] == [(">=", 3000), ("<", 5000)]
    p = one("固定资产投资5000万元以上（不含）至1亿元（含）的，给予100万元奖励。")
    assert [(c["op"], c["value"]) for c in p.conditions] == [(">", 5000), ("<=", 10000)]


def test_rate_range_and_maximum_rate_over_years():
    p = one("对研发投入给予研发投入的80%~100%补助。")
    assert p.benefit["base"] == "rd_investment_wan" and p.benefit["rate"] == [80, 100]
    p = one("5年内，给予地方财力贡献部分不超过60%的奖励。")
    assert p.benefit["kind"] == "ratio" and p.benefit["rate"] == [0, 60] and p.benefit["years"] == 5
    assert p.benefit["base"] == "local_fiscal_contribution_wan"


@pytest.mark.parametrize("text, rates", [
    ("自投产之日起，前三年按其地方财政贡献全额给予奖励，后两年按50%给予奖励。", [100, 100, 100, 50, 50]),
    ("1—3年内分别按缴纳地方税收总额的40%、30%、20%给予奖励。", [40, 30, 20]),
    ("采取租赁方式的，享受前4年租金减半的优惠政策。", [50, 50, 50, 50]),
])
def test_multi_year_schedules(text, rates):
    p = one(text)
    assert p.benefit["kind"] == "schedule" and p.benefit["rates"] == rates
    quotes_in_text(p, text)


def test_schedule_continued_after_a_semicolon():
    text = "项目建成投产后，两年内按企业所得税县级留存部分的同等比例补助给企业；第三年至第五年按企业所得税县级留存部分的50%补助给企业。"
    p = one(text)
    assert p.benefit["rates"] == [100, 100, 50, 50, 50] and p.benefit["base"] == "local_retained_tax_wan"


def test_per_unit_amounts():
    p = one("规模以上企业租赁生产性用房给予10元/平方米/月的补贴，补贴期限为三年。")
    assert p.benefit["kind"] == "per_unit" and p.benefit["base"] == "plant_area_sqm"
    assert p.benefit["unit_amount_wan"] == pytest.approx(0.001) and p.benefit["periods"] == 12 and p.benefit["years"] == 3
    p = one("对新引进的工业项目，按每亩5万元给予基础设施补助。")
    assert p.benefit["base"] == "land_mu" and p.benefit["unit_amount_wan"] == 5
    p = one("企业新招用本地劳动者，按每人2000元给予一次性补贴。")
    assert p.benefit["base"] == "new_hires" and p.benefit["unit_amount_wan"] == pytest.approx(0.2) and p.benefit["once"] is True
    p = one("开工时奖励扶持资金6万元/亩，竣工投产时再奖励4万元/亩，成为规上企业后再奖励2万元/亩。")
    assert p.benefit["unit_amount_wan"] == 12 and "分期" in p.benefit["schedule"]


def test_alternatives_joined_by_or():
    p = one("年度营收规模达30亿元以上或形成年度地方财力4000万元（含）以上的，给予最高2000万元的落户奖励。")
    assert {c["field"] for c in p.conditions} == {"annual_revenue_wan", "local_fiscal_contribution_wan"}
    assert all(c.get("alt") for c in p.conditions)
    assert p.benefit["kind"] == "in_kind" and p.benefit["cap_wan"] == 2000
    both = propose_units("d#1", "对投资额5亿元以上的工业项目，或投资额10亿元以上的服务业项目，按每1亿元奖励2万元标准给予奖励。")
    assert [p.conditions[0]["value"] for p in both] == [50000, 100000]
    assert all(p.benefit["unit_amount_wan"] == pytest.approx(0.0002) for p in both)


def test_annual_versus_one_off_and_lead_in_conditions():
    p = one("骨干企业每年累计采购配套产品5000万元以上的，按采购额的2%给予最高200万元资助。")
    assert p.benefit["once"] is False and p.conditions[0]["field"] == "purchase_wan"
    found = propose_units("d#2", "固定资产投资在1亿元及以上的项目为重大产业项目。重大产业项目投资奖励实行“一事一议”。")
    assert found and found[0].conditions[0]["value"] == 10000 and found[0].benefit["kind"] == "in_kind"


def test_text_without_incentive_yields_nothing():
    assert propose_units("d#3", "本办法自印发之日起施行，由县招商局负责解释。") == []
    assert propose_units("d#4", "违反本办法的，处5万元以下罚款。") == []


def test_commitments_become_questions_with_chinese_numerals():
    text = "市外国内投资者新办的经营期在十年以上生产性企业，签订1年以上期限劳动合同的，给予50万元奖励，10年内不得转让。"
    p = one(text)
    got = {c["field"]: c for c in p.conditions}
    assert got["operating_period_years"]["value"] == 10 and got["operating_period_years"]["quote"] == "经营期在十年以上"
    assert got["labor_contract_years"]["value"] == 1 and got["no_transfer_years"]["value"] == 10
    assert all(c["ask"].endswith("？") for c in got.values())
    quotes_in_text(p, text)


def test_start_year_and_intensity_per_mu_with_sign():
    from assistant.match.grammar import Unit, read_thresholds

    u = Unit("对我县2014年起新办的企业，投资强度每亩≥50万元的，给予奖励。")
    read_thresholds(u)
    got = {c["field"]: (c["op"], c["value"], c["quote"]) for c in u.conditions}
    assert got == {"establishment_year": (">=", 2014, "2014年起新办"),
                   "investment_intensity_wan_per_mu": (">=", 50, "每亩≥50万元")}


def test_amount_equal_to_a_base_is_a_full_rate():
    p = one("对新办企业，补助的金额按新增税收地方分享部分的数额确定。")
    assert p.benefit["rate"] == 100 and p.benefit["base"] == "new_tax_wan"


def test_chinese_numeral_year_quote_validates():
    from assistant.match.rules import quoted_numbers

    assert 10.0 in quoted_numbers("经营期在十年以上") and 2.0 in quoted_numbers("前两年")


def test_subject_names_the_kind_of_project_checked_like_an_industry_scope():
    text = "对投资300万元以上的技改扩建项目，按照固定资产投资额5%给予补助，最高不超过1000万元。"
    p = one(text)
    scope = next(c for c in p.conditions if c["field"] == "text")
    assert scope["any_of"] == ["技改", "扩建"] and scope["quote"] in text and scope["ask"].endswith("？")
    # a subject without 对, and the next unit of the same grant keeps it
    found = propose_units("d#3.", "县外具有施工总承包一级资质的建筑业企业将注册地变更到我县的，给予200万元奖励；"
                                   "5年内，给予地方财力贡献部分不超过60%的奖励。")
    assert len(found) == 2 and all("建筑业" in next(c for c in f.conditions if c["field"] == "text")["any_of"] for f in found)


def test_document_exclusions_and_scope_definitions():
    from assistant.match.extract import exclusions

    words, where = exclusions(["煤炭采掘、洗选、焦化、火力发电及房地产开发等项目不适用本办法。",
                               "本政策所扶持的招商引资项目为新建固定资产投资1亿元以上的项目（不包括风电、光伏、抽水蓄能项目；旅游项目放宽至3000万元以上）"])
    assert words == ["煤炭采掘", "洗选", "焦化", "火力发电", "房地产开发", "风电", "光伏", "抽水蓄能"] and "不适用本办法" in where
    # the definition of scope is not itself a grant
    assert propose_units("d#前言", "本政策所扶持的招商引资项目为新建固定资产投资1亿元以上的项目（不包括风电项目；"
                                    "旅游项目放宽至3000万元以上），财政部门将优惠政策兑现资金纳入次年预算。") == []


def test_a_commitment_the_profile_cannot_show_is_asked_never_met():
    from assistant.match.matcher import check
    from assistant.match.profile import ProjectProfile
    from assistant.match.rules import _condition

    p = one("经营期在十年以上的生产性企业，给予50万元奖励。")
    raw = next(c for c in p.conditions if c["field"] == "operating_period_years")
    r = check(_condition(raw, "x", "r"), ProjectProfile(region="内江市", industry="制造"))
    assert r.status == "unknown" and r.ask == "项目承诺的经营期限是否在10年以上？"
