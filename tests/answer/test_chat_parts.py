"""Routing, follow-up resolution and substantive quotes (no index needed)."""

from __future__ import annotations

from assistant.answer.cite import best_quote, clause_label, status_text
from assistant.answer.conversation import resolve
from assistant.answer.intent import classify, extract_profile


def test_routes():
    assert classify("招商引资时能不能承诺按企业缴纳的税收给予返还？").intent == "compliance"
    assert classify("政策措施里规定只有本地企业才能参加招标，是否违规？").intent == "compliance"
    assert classify("在柳河县投资3亿元建设新能源汽车零部件项目，能享受哪些支持？").intent == "incentive"
    assert classify("公平竞争审查条例什么时候施行？").intent == "fact"
    assert classify("外商投资企业能平等适用国家支持企业发展的政策吗").intent == "fact"
    assert classify("今天中午吃什么？").intent == "fact"  # refused later, after retrieval finds nothing


def test_profile_from_question():
    p = extract_profile("在柳河县投资3亿元建设新能源汽车零部件项目，年纳税800万元，用地50亩", ["柳河县"])
    assert p["total_investment_wan"] == "3亿元" and p["annual_tax_wan"] == "800万元" and p["land_mu"] == 50
    assert p["region"] == "柳河县" and p["industry"] == "新能源汽车零部件"


def test_follow_up_inherits_subject_changes_object():
    h = ["招商引资时能不能承诺按企业缴纳的税收给予返还？"]
    assert resolve("那土地出让金呢？", h).question == "招商引资时能不能承诺按企业缴纳的土地出让金给予返还"
    assert resolve("那投资5亿元呢", ["在柳河县投资3亿元建设项目能享受哪些支持？"]).question == "在柳河县投资5亿元建设项目能享受哪些支持"
    r = resolve("今天中午吃什么？", h)
    assert not r.follow_up and r.question == "今天中午吃什么？"


def test_quote_carries_the_amounts_not_the_lead_in():
    text = ("第五条 对新引进的工业项目，按以下标准给予一次性奖励：\n（一）固定资产投资1亿元以上的，奖励100万元；\n"
            "（二）固定资产投资5亿元以上的，奖励500万元。\n其他事项另行规定。")
    q = best_quote(text, "新引进工业项目能奖励多少")
    assert q in text and "500万元" in q and not q.endswith("：") and "其他事项" not in q


def test_labels_and_status():
    assert clause_label("公平竞争审查条例", "fair#第十条第二项", "第十条") == "《公平竞争审查条例》第十条第二项"
    assert clause_label("某意见", "x#二、/（六）", "") == "《某意见》二、（六）"
    assert status_text("已失效", "2023-02-08", "2026-02-07", None) == "已失效，2023-02-08起施行，有效期至2026-02-07"
