"""Region-by-region comparison on the real 柳河/临港 rules and policies (small index, fake embedder)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from compare_index import DEMO, LIUHE, LINGANG, PROJECT, build, rule_dirs

from assistant.compare import adapt, views
from assistant.compare.chain import chain_view
from assistant.compare.cite import resolve, titles_of
from assistant.compare.service import compare, list_regions, profile_from
from assistant.compare.terms import FAI, TAX
from assistant.compare.views import TERMS_ROWS
from assistant.errors import AssistantError
from assistant.match.profile import parse_profile
from assistant.match.service import match


@pytest.fixture(scope="module")
def index(tmp_path_factory, shared_corpus):
    return build(tmp_path_factory.mktemp("compare-fast"), shared_corpus)


def reviewed(r):
    """Offers from reviewed rules (the matcher may also list 待审核 candidates it proposed at ingest)."""
    return [o for o in r.offers if not o.candidate]


def _project(**extra):
    return profile_from({**PROJECT, **extra})


@pytest.mark.parametrize("as_of", [LIUHE, LINGANG, DEMO])
def test_amounts_equal_match_run_per_region(index, as_of):
    c = compare(_project(), index, rule_dirs(), as_of=as_of)
    assert {r.region for r in c.regions if reviewed(r)} == {"吉林省柳河县", "上海市临港地区", "青川省临江市滨湖经济技术开发区"}
    for r in c.regions:
        m = match(parse_profile({**PROJECT, "region": r.region}), index, rule_dirs(), as_of=as_of).to_dict()
        got = {o.rule_id: (o.status, o.amount_wan, o.amount_range_wan, o.counted) for o in r.offers if not o.candidate}
        want = {e["rule_id"]: (s, e["amount_wan"], tuple(e["amount_range_wan"]) if e.get("amount_range_wan") else None,
                               e.get("counted", True)) for s in ("eligible", "unknown", "ineligible") for e in m[s]}
        assert got == want
        flagged = {f["clause_id"] for f in m["flags"] if f["kind"] == "red_flag"}
        sure = [e for e in m["eligible"] if e.get("counted", True) and e["amount_wan"] is not None]
        assert r.lawful_wan == pytest.approx(sum(e["amount_wan"] for e in sure if e["clause_id"] not in flagged))
        assert r.flagged_wan == pytest.approx(sum(e["amount_wan"] for e in sure if e["clause_id"] in flagged))
        if "red_flag_total_wan" in m["summary"]:  # the matcher that keeps red-flagged amounts apart
            assert r.flagged_wan == pytest.approx(m["summary"]["red_flag_total_wan"])


def test_red_flagged_amounts_kept_apart_and_ranking(index):
    c = compare(_project(), index, rule_dirs(), regions=["柳河县", "临港地区"], as_of=LIUHE)
    liuhe = next(r for r in c.regions if r.region == "吉林省柳河县")
    flagged = [o for o in liuhe.offers if o.red_flags and o.in_total and o.amount_wan]
    assert flagged and liuhe.flagged_wan == pytest.approx(sum(o.amount_wan for o in flagged))
    assert all(o.kind in (TAX, "一事一议") for o in liuhe.offers if o.red_flags)
    assert all("公平竞争审查条例" in f.basis for o in flagged for f in o.red_flags)
    assert liuhe.lawful_range_wan == (1500.0, 6000.0)  # 5%—20% of 3亿元, the tax-linked awards not added
    assert [r.rank for r in c.regions] == [1, 2] and c.regions[0] is liuhe
    c = compare(_project(industry="新能源汽车动力电池智能制造"), index, rule_dirs(), regions=["柳河县", "临港地区"], as_of=LINGANG)
    lingang = next(r for r in c.regions if r.region == "上海市临港地区")
    assert lingang.rank == 1 and lingang.lawful_range_wan[0] > 0
    assert [r.lawful_range_wan[0] for r in c.regions] == sorted((r.lawful_range_wan[0] for r in c.regions), reverse=True)


def test_every_citation_resolves_to_an_indexed_clause(index):
    store = index.store
    titles = titles_of(store)
    for as_of in (LIUHE, LINGANG):
        c = compare(_project(), index, rule_dirs(), as_of=as_of)
        offers = [o for r in c.available() for o in r.offers]
        assert offers
        for o in offers:
            assert resolve(o.citation, store, titles) == o.clause_id and store.clause(o.clause_id) is not None
            assert re.fullmatch(r"《.+》[^》#/]+", o.citation)
        head, rows = views.terms_rows(c)
        cites = [m for row in rows for cell in row[1:] for m in re.findall(r"《[^\n]+》[^（\n]+(?=（)", cell)]
        assert len(cites) == len(offers)
        assert all(resolve(x, store, titles) for x in cites)
        assert "#第" not in "\n".join(cell for row in rows for cell in row)  # never raw ids


def test_terms_table_rows_and_cells(index):
    c = compare(_project(), index, rule_dirs(), regions=["柳河县", "临港地区", "滨湖"], as_of=LIUHE)
    head, rows = views.terms_rows(c)
    assert head[1:] == [r.region for r in c.available()]
    labels = [row[0] for row in rows]
    assert [lb.split("（")[0] for lb in labels[:len(TERMS_ROWS)]] == list(TERMS_ROWS)
    assert "税收挂钩奖励（存在公平竞争风险）" in labels and "一事一议（存在公平竞争风险）" in labels
    fai = rows[labels.index(FAI)]
    liuhe = fai[head.index("吉林省柳河县")]
    assert "5%—20%" in liuhe and "门槛：固定资产投资≥1,000万元" in liuhe and "（现行有效）" in liuhe
    assert "上限：5,000万元" in fai[head.index("上海市临港地区")] and "（已失效）" in fai[head.index("上海市临港地区")]
    tax = rows[labels.index("税收挂钩奖励（存在公平竞争风险）")][head.index("吉林省柳河县")]
    assert "⚠" in tax and "年限：2年" in tax


def test_region_without_rules_and_lapsed_policies(index):
    c = compare(_project(), index, rule_dirs(), regions=["临港地区", "盘县", "海南省三亚市"], as_of=LIUHE)
    by = {r.region: r for r in c.regions}
    panxian = by.get("盘县") or by["贵州省盘县"]
    if panxian.available:  # the matcher proposed candidate rules at ingest: shown, never counted
        assert panxian.offers and not reviewed(panxian) and panxian.lawful_range_wan == (0, 0)
    else:
        assert panxian.unavailable.startswith("无可用规则") and "《盘县招商引资优惠办法（试行）》" in panxian.unavailable
        assert panxian.rank is None
    assert by["海南省三亚市"].unavailable.startswith("无可用规则") and "已覆盖的地区" in by["海南省三亚市"].unavailable
    assert c.regions[-1].rank is None
    lapsed = {x.title: x for x in by["上海市临港地区"].lapsed}
    assert lapsed["关于建设国际智能制造中心的若干配套政策"].expires == "2020-12-31"
    assert "2016-01-01 至 2020-12-31" in views.region_note(by["上海市临港地区"])
    assert all(o.status == "ineligible" and o.doc_status == "已失效" for o in by["上海市临港地区"].offers)
    assert "无可用规则" in views.summary(c) and "已失效" in views.summary(c)


def test_list_regions_from_rules_and_documents(index):
    rows = {r["region"]: r for r in list_regions(index, rule_dirs())}
    assert rows["吉林省柳河县"]["status"] == "可对标" and rows["吉林省柳河县"]["rules"] >= 18
    assert rows["上海市临港地区"]["rule_files"] >= 2
    if rows["贵州省盘县"]["rules"]:  # candidates proposed at ingest
        assert rows["贵州省盘县"]["status"] == "仅有待审核规则" and rows["贵州省盘县"]["pending_rules"] == rows["贵州省盘县"]["rules"]
    else:
        assert rows["贵州省盘县"]["status"] == "无可用规则" and rows["贵州省盘县"]["policies"] == ["盘县招商引资优惠办法（试行）"]


def test_profile_errors_name_the_field():
    with pytest.raises(AssistantError, match=r"用地（亩）（land_mu）"):
        profile_from({"land_mu": "-5"})
    with pytest.raises(AssistantError, match=r"产业链环节（chain_link）"):
        profile_from({"chain_link": "上中游"})
    with pytest.raises(AssistantError, match="industy"):
        profile_from({"industy": "制造"})
    assert profile_from({"industry": "制造"}).industry == "制造"  # no region needed to compare


def test_one_bad_rule_file_does_not_stop_the_others(index, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    for d in rule_dirs():
        for p in d.glob("*.yaml"):
            shutil.copy(p, rules / p.name)
    (rules / "broken.yaml").write_text("policy: x\nrules: [\n", encoding="utf-8")
    lingang = rules / "shanghai-lingang-industry-supporting-policies-2016.yaml"
    lingang.write_text(lingang.read_text(encoding="utf-8").replace('"10%—30%"', '"15%—30%"', 1), encoding="utf-8")
    c = compare(_project(), index, [rules], as_of=LINGANG)
    by = {r.region: r for r in c.regions}
    lingang = by["上海市临港地区"]  # its other policy's rules are still used, the bad file is named
    assert lingang.available and lingang.problems
    assert "shanghai-lingang-industry-supporting-policies-2016.yaml 未使用" in lingang.problems[0]
    docs = {o.clause_id.partition("#")[0] for o in reviewed(lingang)}
    assert docs == {"shanghai-lingang-intelligent-manufacturing-supporting-policies"}
    assert "数值 15 与原文" in views.region_note(lingang) or "15%—30%" in views.region_note(lingang)
    assert by["吉林省柳河县"].available and by["吉林省柳河县"].offers
    assert any("broken.yaml" in n and "YAML" in n for n in c.notes)


def test_candidate_rules_are_marked_and_never_counted(index):
    """Through the adapter: a match result carrying 待审核 candidates (the matcher's `pending` list)."""
    profile = parse_profile({**PROJECT, "region": "吉林省柳河县"})
    result = match(profile, index, rule_dirs(), as_of=LIUHE)
    source = next(s for s in adapt.discover(index, rule_dirs())[0] if s.region == "吉林省柳河县")
    cand = replace(result.eligible[0], rule_id="cand-1", title="候选：投资奖励", amount_wan=999.0, status="eligible", pending=True)
    result = replace(result, pending=(cand,))
    region = adapt.region_result(result, source, index.store, titles_of(index.store), LIUHE)
    o = next(o for o in region.offers if o.rule_id == "cand-1")
    assert o.candidate and not o.in_total and "待审核规则" in views.status(o)
    assert region.lawful_wan == compare(_project(), index, rule_dirs(), regions=["柳河县"], as_of=LIUHE).regions[0].lawful_wan
    assert views.ranking_rows(type("C", (), {"regions": (region,)})())[0][8] == 1


def test_chain_view_lists_what_applies_to_the_link(index):
    v = chain_view("新能源汽车/动力电池制造/中游", index, rule_dirs(), as_of=DEMO)
    regions = {i.region for i in v.items}
    assert "青川省临江市滨湖经济技术开发区" in regions and "上海市临港地区" not in regions  # 临港's policies have lapsed
    titles = {i.offer.title for i in v.items}
    assert "工业类项目固定资产投资奖励" in titles and "现代服务业类项目固定资产投资奖励" not in titles
    tax = [i for i in v.items if i.offer.red_flags]
    assert tax and all("不宜对外承诺" in i.applies for i in tax)
    assert all("须满足" in i.applies for i in v.items if i.offer.terms.threshold)
    with pytest.raises(AssistantError, match="产业链"):
        chain_view("中游", index, rule_dirs())
