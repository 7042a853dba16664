"""Incentive matching on the real 柳河县 and 临港 policies (reviewed rules in eval/rules) and the sample corpus."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.match.profile import parse_profile
from assistant.match.service import DEFAULT_RULE_DIRS, PACKAGED_RULES, match

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
RULES = list(DEFAULT_RULE_DIRS)
LIUHE, LINGANG, DEMO = date(2024, 6, 1), date(2017, 6, 1), date(2025, 6, 1)


def run(real_index, as_of, **profile):
    return match(parse_profile(profile), real_index, RULES, as_of=as_of).to_dict()  # the JSON contract


def by_id(result, status):
    return {e["rule_id"]: e for e in result[status]}


def test_medicine_plant_in_liuhe(real_index):
    r = run(real_index, LIUHE, name="中药饮片生产项目", industry="医药制造", region="柳河县", fixed_asset_investment_wan="1.2亿元",
            land_mu=50, annual_tax_wan=800, local_fiscal_contribution_wan=300, qualifications=["国家高新技术企业"])
    ok = by_id(r, "eligible")
    assert set(ok) == {"liuhe23-fai-industry", "liuhe23-major-project", "liuhe23-performance-y1-2", "liuhe23-performance-y3-5",
                       "liuhe23-hnte", "liuhe23-tax-growth"}
    assert ok["liuhe23-fai-industry"]["amount_range_wan"] == [600, 2400] and ok["liuhe23-fai-industry"]["amount_wan"] is None
    assert ok["liuhe23-fai-industry"]["clause_id"].endswith("#第二条第一款") and ok["liuhe23-fai-industry"]["article"] == "第2条"
    assert ok["liuhe23-performance-y1-2"]["amount_wan"] == 480 and ok["liuhe23-performance-y3-5"]["amount_wan"] == 450
    assert ok["liuhe23-hnte"]["amount_wan"] == 20
    # 第四条 returns fiscal contribution (a high red flag): its 930万元 are kept apart from the total
    assert ok["liuhe23-performance-y1-2"]["red_flag"] is True and "red_flag" not in ok["liuhe23-hnte"]
    assert r["summary"]["estimated_total_wan"] == 20 and r["summary"]["red_flag_total_wan"] == 930
    failed = by_id(r, "ineligible")["liuhe23-fai-services"]["failed"]
    assert [f["label"] for f in failed] == ["现代服务业类项目"]


def test_logistics_service_project(real_index):
    r = run(real_index, LIUHE, industry="现代物流", description="冷链物流园", region="吉林省柳河县", fixed_asset_investment_wan=5000, land_mu=20)
    assert by_id(r, "eligible")["liuhe23-fai-services"]["amount_range_wan"] == [250, 1000]
    assert "liuhe23-fai-industry" in by_id(r, "ineligible")


def test_service_project_below_intensity(real_index):
    r = run(real_index, LIUHE, industry="现代物流", region="柳河县", fixed_asset_investment_wan=5000, land_mu=40)
    failed = by_id(r, "ineligible")["liuhe23-fai-services"]["failed"]
    assert len(failed) == 1 and "125" in failed[0]["reason"] and "200" in failed[0]["reason"]


def test_agriculture_tiers_by_investment(real_index):
    r = run(real_index, LIUHE, industry="特色农业", description="人参种植加工", region="柳河县", fixed_asset_investment_wan=6000,
            local_fiscal_contribution_wan=100)
    assert by_id(r, "eligible")["liuhe23-fai-agriculture"]["amount_wan"] == 80  # 5000万元以上至1亿元：80%
    r = run(real_index, LIUHE, industry="特色农业", region="柳河县", fixed_asset_investment_wan=5000, local_fiscal_contribution_wan=100)
    assert by_id(r, "eligible")["liuhe23-fai-agriculture"]["amount_wan"] == 70  # 5000万元 falls in the first tier
    r = run(real_index, LIUHE, industry="特色农业", region="柳河县", fixed_asset_investment_wan=800)
    assert "liuhe23-fai-agriculture" in by_id(r, "ineligible")


def test_headquarters_five_years(real_index):
    r = run(real_index, LIUHE, industry="区域总部", region="柳河县", local_fiscal_contribution_wan=3000)
    assert by_id(r, "eligible")["liuhe23-headquarters"]["amount_wan"] == 12000  # 3000 × 80% × 5
    r = run(real_index, LIUHE, industry="区域总部", region="柳河县", local_fiscal_contribution_wan=6000)
    assert by_id(r, "eligible")["liuhe23-headquarters"]["amount_wan"] == 27000  # 6000 × 90% × 5


def test_mining_is_excluded(real_index):
    r = run(real_index, LIUHE, industry="采矿及矿产品加工", region="柳河县", fixed_asset_investment_wan=8000, land_mu=30)
    failed = by_id(r, "ineligible")["liuhe23-fai-industry"]["failed"]
    assert any("排除范围" in f["reason"] and "采矿" in f["reason"] for f in failed)


def test_missing_land_is_unknown_with_question(real_index):
    r = run(real_index, LIUHE, industry="装备制造", region="柳河县", fixed_asset_investment_wan=3000)
    e = by_id(r, "unknown")["liuhe23-fai-industry"]
    assert any("用地面积" in m for m in e["missing"])
    assert [c["status"] for c in e["conditions"]].count("unknown") == 1


def test_listing_awards_do_not_stack(real_index):
    r = run(real_index, LIUHE, industry="制造", region="柳河县", qualifications=["主板上市", "科创板上市"])
    ok = by_id(r, "eligible")
    assert ok["liuhe23-listing-main-board"]["counted"] is True and ok["liuhe23-listing-growth-boards"]["counted"] is False
    assert r["summary"]["estimated_total_wan"] == 300


def test_performance_award_caps(real_index):
    r = run(real_index, LIUHE, industry="新材料制造", region="柳河县", land_mu=100, annual_tax_wan=12000, local_fiscal_contribution_wan=8000)
    ok = by_id(r, "eligible")
    assert ok["liuhe23-performance-y1-2"]["amount_wan"] == 10000  # min(6400, 5000) × 2
    assert ok["liuhe23-performance-y3-5"]["amount_wan"] == 12000  # min(4000, 5000) × 3


def test_expired_policy_today(real_index):
    r = run(real_index, date(2026, 11, 23), industry="医药制造", region="柳河县", fixed_asset_investment_wan=12000, land_mu=50)
    assert not r["eligible"] and r["summary"]["inactive_policies"][0]["expires"] == "2026-02-07"
    e = by_id(r, "ineligible")["liuhe23-fai-industry"]
    assert e["failed"][0]["label"] == "政策有效期" and "2026-02-07" in e["failed"][0]["reason"]


def test_lingang_intelligent_manufacturing_platform(real_index):
    r = run(real_index, LINGANG, industry="智能制造", description="智能制造示范工程（数字化车间）", region="临港", total_investment_wan=20000)
    ok = by_id(r, "eligible")
    assert ok["lg16-im-platform"]["amount_range_wan"] == [2000, 5000]  # 10%—30%, capped at 5000万元
    assert ok["lg16-im-infrastructure"]["amount_wan"] == 300 and ok["lg16-im-infrastructure"]["counted"] is False


def test_lingang_rd_support_and_cap(real_index):
    r = run(real_index, LINGANG, industry="工业机器人系统集成", region="上海市临港地区", rd_investment_wan=2000)
    assert by_id(r, "eligible")["lg16-im-rd"]["amount_wan"] == 600
    r = run(real_index, LINGANG, industry="工业机器人系统集成", region="上海市临港地区", rd_investment_wan=5000)
    assert by_id(r, "eligible")["lg16-im-rd"]["amount_wan"] == 1000


def test_lingang_strategic_emerging_and_expiry(real_index):
    r = run(real_index, LINGANG, industry="新材料", region="临港")
    e = by_id(r, "eligible")["lg16-strategic-emerging"]
    assert e["amount_wan"] is None and "1亿元" in e["benefit"]
    r = run(real_index, date(2020, 1, 1), industry="新材料", region="临港")
    assert not r["eligible"] and "lg16-strategic-emerging" in by_id(r, "ineligible")


def test_demo_chain_project_stacking_and_link(real_index):
    r = run(real_index, DEMO, industry="新能源汽车零部件", region="滨湖经济技术开发区", fixed_asset_investment_wan="3亿元",
            land_mu=80, chain_role="补链")
    ok = by_id(r, "eligible")
    assert ok["demo-equipment-subsidy"]["amount_wan"] == 1000  # 5% × 30000 = 1500, capped at 1000
    assert ok["demo-chain-key-link-award"]["amount_wan"] == 300 and ok["demo-chain-key-link-award"]["counted"] is False
    assert any("补链项目" in n for n in ok["demo-chain-key-link-award"]["notes"])


def test_demo_talent_allowances(real_index):
    r = run(real_index, DEMO, industry="生物医药研发", region="滨湖经济技术开发区", talent=["博士", "博士", "硕士", "硕士", "硕士"])
    ok = by_id(r, "eligible")
    assert ok["demo-phd-allowance"]["amount_wan"] == pytest.approx(21.6)  # 2 × 3000元 × 36个月
    assert ok["demo-master-allowance"]["amount_wan"] == pytest.approx(10.8)  # 3 × 1500元 × 24个月


def test_red_flags_cite_fair_competition_articles(real_index):
    r = run(real_index, LIUHE, industry="医药制造", region="柳河县", fixed_asset_investment_wan=12000, land_mu=50, annual_tax_wan=800)
    flags = [f for f in r["flags"] if f["kind"] == "red_flag"]
    fiscal = next(f for f in flags if f["clause_id"].endswith("#第四条"))
    assert "公平竞争审查条例第十条第二项" in fiscal["rule"] and fiscal["severity"] == "高"
    for cid in fiscal["rule_clause_ids"]:
        assert real_index.store.clause(cid) is not None
    assert any(f["clause_id"].endswith("#第三条") and "一事一议" in f["issue"] for f in flags)


def test_negative_list_prohibited_and_permit(real_index):
    r = run(real_index, LIUHE, industry="小额贷款", description="面向中小企业放贷", region="柳河县")
    hard = [f for f in r["flags"] if f["kind"] == "prohibited"]
    assert hard and "100004" in hard[0]["rule"] and r["summary"]["hard_stop"] is True
    assert real_index.store.clause(hard[0]["clause_id"]) is not None
    r = run(real_index, LIUHE, industry="新闻网站", enterprise_type="民营", region="柳河县")
    assert any("100006" in f["rule"] for f in r["flags"] if f["kind"] == "prohibited")
    r = run(real_index, LIUHE, industry="新闻网站", enterprise_type="国有", region="柳河县")
    assert not any(f["kind"] == "prohibited" for f in r["flags"])
    r = run(real_index, LIUHE, industry="玉米种子繁育", region="柳河县")
    permit = [f for f in r["flags"] if f["kind"] == "permit"]
    assert permit and "201001" in permit[0]["rule"] and "许可" in permit[0]["issue"] and r["summary"]["hard_stop"] is False


def test_foreign_project_screening(real_index):
    from assistant.retrieve import HybridRetriever

    profile = parse_profile({"industry": "集成电路设计", "description": "高端芯片设计与封装测试", "foreign": True, "region": "临港"})
    r = match(profile, real_index, RULES, as_of=LINGANG, retriever=HybridRetriever(real_index)).to_dict()
    kinds = {f["kind"] for f in r["flags"]}
    assert {"foreign_access", "foreign_equal_treatment"} <= kinds
    assert next(f for f in r["flags"] if f["kind"] == "foreign_access")["clause_id"] == "foreign-investment-law-2019#第四条"
    enc = [f for f in r["flags"] if f["kind"] == "foreign_encouraged"]
    assert enc and all(f["clause_id"].startswith("encouraged-foreign-investment-industries-catalogue") for f in enc)
    assert any("集成电路" in real_index.store.clause(f["clause_id"]).text for f in enc)


def test_every_cited_file_and_article_resolves(real_index):
    rows = {r["doc_id"]: r for r in real_index.store.doc_rows()}
    r = run(real_index, LIUHE, industry="医药制造", description="小额贷款", region="柳河县", fixed_asset_investment_wan=12000,
            land_mu=50, annual_tax_wan=800, local_fiscal_contribution_wan=300)
    for e in r["eligible"] + r["ineligible"] + r["unknown"] + r["flags"]:
        clause = real_index.store.clause(e["clause_id"])
        assert clause is not None, e["clause_id"]
        assert rows[clause.doc_id]["file"] == e["file"] and clause.article == e["article"]


def test_unknown_region_names_covered_regions(real_index):
    with pytest.raises(AssistantError, match="已覆盖的地区：.*吉林省柳河县"):
        run(real_index, LIUHE, industry="制造", region="海南省三亚市")


def test_profile_bad_numbers_and_units():
    with pytest.raises(AssistantError) as info:
        parse_profile({"region": "柳河县", "total_investment_wan": -5, "fixed_asset_investment_wan": 1e12, "land_mu": "3亿元"})
    msg = str(info.value)
    assert "不能为负数" in msg and "超过 1 万亿元" in msg and "用地（亩）" in msg
    assert parse_profile({"region": "柳河县", "fixed_asset_investment_wan": "3亿元"}).fixed_asset_investment_wan == 30000
    with pytest.raises(AssistantError, match="落地地区（region）：必填"):
        parse_profile({"industry": "制造"})


def test_cli_json_contract_and_bad_files(real_index, tmp_path, capsys, monkeypatch):
    from assistant.cli.main import main

    monkeypatch.chdir(REPO)
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps({"industry": "医药制造", "region": "柳河县", "fixed_asset_investment_wan": 12000, "land_mu": 50}, ensure_ascii=False), encoding="utf-8")
    assert main(["match", str(prof), "--index", str(real_index.root), "--as-of", "2024-06-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"eligible", "ineligible", "unknown", "flags"}
    for e in out["eligible"]:
        assert {"rule_id", "clause_id", "file", "article", "benefit", "amount_wan", "conditions"} <= set(e)
    assert all("failed" in e for e in out["ineligible"]) and all("missing" in e for e in out["unknown"])
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("region: 柳河县\nindustry: 制造\n  land_mu: 30\n", encoding="utf-8")
    report = tmp_path / "out.md"
    assert main(["match", str(bad_yaml), "--index", str(real_index.root), "-o", str(report)]) == 1
    assert "第 3 行" in capsys.readouterr().err and not report.exists()
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text("policy: liuhe-county-key-industries-support-opinions-2023\nregion: 吉林省柳河县\nrules:\n"
                                  "  - id: ghost\n    clause_id: liuhe-county-key-industries-support-opinions-2023#第九十九条\n"
                                  "    benefit: {kind: fixed, amount_wan: 20, quote: 20万元}\n", encoding="utf-8")
    assert main(["match", str(prof), "--index", str(real_index.root), "--rules", str(rules), "-o", str(report)]) == 1
    err = capsys.readouterr().err
    assert "没有条款" in err and "第九十九条" in err and not report.exists()
    (rules / "x.yaml").write_text("policy: liuhe-county-key-industries-support-opinions-2023\nregion: 吉林省柳河县\nrules:\n"
                                  "  - id: wrong-number\n    clause_id: liuhe-county-key-industries-support-opinions-2023#第七条\n"
                                  "    benefit: {kind: fixed, amount_wan: 50, quote: 30万元}\n", encoding="utf-8")
    assert main(["rules", "check", str(rules / "x.yaml"), "--index", str(real_index.root)]) == 1
    assert "数值 50 与原文“30万元”不符" in capsys.readouterr().out


def test_shipped_rule_files_validate(real_index):
    from assistant.match.rules import load_rule_file, validate

    files = sorted(PACKAGED_RULES.glob("*.yaml"))
    assert len(files) >= 3
    for f in files:
        assert validate(load_rule_file(f), real_index.store) == [], f


def test_extractor_quality_on_real_policies(real_index):
    import sys

    import yaml

    sys.path.insert(0, str(REPO / "eval"))
    from extraction import evaluate

    gold = yaml.safe_load((REPO / "eval" / "extraction_gold.yaml").read_text(encoding="utf-8"))
    report = evaluate(real_index.store, gold)
    liuhe = report["liuhe-county-key-industries-support-opinions-2023"]
    lingang = report["shanghai-lingang-industry-supporting-policies-2016"]
    assert liuhe["found_by_extractor"] >= 17 and lingang["found_by_extractor"] == 11
    assert liuhe["numbers_right"] == liuhe["numbers_extracted"] and lingang["numbers_right"] == lingang["numbers_extracted"]


def test_lingang_two_policies_stack_and_local_brand_red_flag(real_index):
    r = run(real_index, LINGANG, industry="智能装备制造", description="工业机器人智能工厂", region="临港", total_investment_wan=8000,
            rd_investment_wan=1500, qualifications=["首次使用临港自主品牌智能制造产品"])
    ok = by_id(r, "eligible")
    # the same R&D support in two 临港 policies counts once (就高不就低、从优不重复)
    assert ok["lg16-im-rd"]["amount_wan"] == 450 and ok["lgim-rd"]["amount_wan"] == 450
    assert [ok["lg16-im-rd"]["counted"], ok["lgim-rd"]["counted"]].count(True) == 1
    assert ok["lgim-smart-factory"]["amount_wan"] == 1000  # 30% × 8000 = 2400, capped at 1000
    flag = next(f for f in r["flags"] if f["kind"] == "red_flag")
    assert flag["clause_id"].endswith("#支持使用临港自主智能制造产品") and "公平竞争审查条例第九条第四项" in flag["rule"]
    assert r["summary"]["estimated_total_wan"] == 450


def test_rule_files_for_documents_not_in_the_index_are_skipped(tmp_path):
    """A small index (the sample corpus only) still matches against its own rules."""
    from assistant.index import Index
    from assistant.index.ingest import ingest

    index = Index.open(tmp_path / "idx", embedder="fake")
    ingest([REPO / "corpus"], index, show_progress=False)
    r = match(parse_profile({"industry": "新能源汽车零部件", "region": "滨湖经济技术开发区", "qualifications": ["国家高新技术企业"]}),
              index, RULES, as_of=DEMO).to_dict()
    assert by_id(r, "eligible")["demo-hnte-award"]["amount_wan"] == 30
    assert any("liuhe-county-key-industries-support-opinions-2023" in s for s in r["summary"]["skipped_rule_files"])
