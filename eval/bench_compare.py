"""Benchmark (`make bench`): `compare` over 10 regions × 50 rules, p95 against a 2 s budget.

The regions, their policies (50 articles each) and their rules are synthesised in a temp dir and ingested with
the fake embedder (compare never embeds); every run is a full compare: rule discovery, match per region,
terms and red flags, ranking. Results → eval/reports/bench_compare.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DIGITS = "零一二三四五六七八九"


def cn(n: int) -> str:
    """1..99 in Chinese numerals: 十, 十一, 二十, 五十."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else DIGITS[tens]) + "十" if tens else "") + (DIGITS[ones] if ones else "")


def article(i: int) -> tuple[str, dict]:
    """One article and its rule; every fifth rests on 地方财政贡献 (a red flag), every seventh is a fixed award."""
    threshold, rate, cap = 500 + 100 * (i % 9), 3 + i % 8, 200 + 50 * (i % 11)
    if i % 5 == 0:
        text = f"对年纳税额{threshold}万元以上的企业，按其地方财政贡献的{rate}%给予奖励，最高{cap}万元。"
        rule = {"conditions": [{"field": "annual_tax_wan", "op": ">=", "value": threshold, "quote": f"{threshold}万元"}],
                "benefit": {"kind": "ratio", "base": "local_fiscal_contribution_wan", "rate": rate, "cap_wan": cap,
                            "quote": [f"{rate}%", f"{cap}万元"]}}
    elif i % 7 == 0:
        text = f"新认定为国家高新技术企业的，一次性奖励{cap}万元。"
        rule = {"conditions": [{"field": "qualifications", "has": "国家高新技术企业"}],
                "benefit": {"kind": "fixed", "amount_wan": cap, "quote": f"{cap}万元"}}
    else:
        text = (f"对固定资产投资{threshold}万元以上的制造业项目，按固定资产投资的{rate}%给予补助，最高{cap}万元。")
        rule = {"conditions": [{"field": "text", "any_of": ["制造", "生产"], "label": "制造业项目"},
                               {"field": "fixed_asset_investment_wan", "op": ">=", "value": threshold,
                                "quote": f"{threshold}万元"}],
                "benefit": {"kind": "ratio", "base": "fixed_asset_investment_wan", "rate": rate, "cap_wan": cap,
                            "quote": [f"{rate}%", f"{cap}万元"]}, "group": "investment"}
    return text, rule


def synthesise(root: Path, regions: int, rules: int) -> tuple[Path, Path]:
    import yaml

    docs, rule_dir = root / "docs", root / "rules"
    docs.mkdir(parents=True)
    rule_dir.mkdir()
    for r in range(regions):
        region, doc = f"测试省第{cn(r + 1)}县", f"bench-region-{r:02d}-incentives"
        body = [f"---\ntitle: 测试省第{cn(r + 1)}县招商引资若干措施（基准测试）\nlevel: county\nregion: {region}\nkind: local_policy\n"
                "effective: 2024-01-01\nexpires: 2029-12-31\n---\n# 测试省第{0}县招商引资若干措施（基准测试）\n".format(cn(r + 1))]
        entries = []
        for i in range(1, rules + 1):
            text, rule = article(i + r)
            body.append(f"第{cn(i)}条 {text}")
            entries.append({"id": f"r{r:02d}-{i:02d}", "clause_id": f"{doc}#第{cn(i)}条", "title": f"第{cn(i)}条支持措施", **rule})
            if "group" in entries[-1]:
                entries[-1]["group"] = f"r{r:02d}-investment"
        (docs / f"{doc}.md").write_text("\n\n".join(body) + "\n", encoding="utf-8")
        (rule_dir / f"{doc}.yaml").write_text(yaml.safe_dump({"policy": doc, "region": region, "rules": entries},
                                                             allow_unicode=True, sort_keys=False), encoding="utf-8")
    return docs, rule_dir


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_compare(regions: int = 10, rules: int = 50, runs: int = 20) -> dict:
    from assistant.compare.service import compare, profile_from
    from assistant.index import Index
    from assistant.index.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        docs, rule_dir = synthesise(Path(tmp), regions, rules)
        index = Index.open(Path(tmp) / "idx", embedder="fake")
        report = ingest([docs], index, show_progress=False)
        assert not report.failed, [(r.file, r.detail) for r in report.results if r.status == "failed"]
        profile = profile_from({"name": "基准项目", "industry": "装备制造", "fixed_asset_investment_wan": 20000, "land_mu": 80,
                                "annual_tax_wan": 1500, "local_fiscal_contribution_wan": 600, "qualifications": ["国家高新技术企业"]})
        # the reviewed rules only (the 10 × 50); candidates the matcher may propose at ingest are timed apart
        c = compare(profile, index, [rule_dir], as_of=date(2025, 6, 1), candidates=False)  # warm-up and a check
        assert len(c.available()) == regions and all(len(r.offers) == rules for r in c.regions), "synthesised rules not all used"
        lat = _time(lambda: compare(profile, index, [rule_dir], as_of=date(2025, 6, 1), candidates=False), runs)
        with_candidates = _time(lambda: compare(profile, index, [rule_dir], as_of=date(2025, 6, 1)), max(3, runs // 4))
        index.close()
    p95 = pct(lat, 95)
    out = {"regions": regions, "rules_per_region": rules, "runs": runs, "p50_s": round(pct(lat, 50), 4), "p95_s": round(p95, 4),
           "mean_s": round(statistics.mean(lat), 4), "budget_s": 2.0, "p95_vs_budget": round(p95 / 2.0, 3),
           "red_flagged_offers": sum(1 for r in c.regions for o in r.offers if o.red_flags)}
    if with_candidates:
        out["with_candidates_p50_s"] = round(pct(with_candidates, 50), 4)
        out["with_candidates_p95_s"] = round(pct(with_candidates, 95), 4)
    return out


def _time(fn, runs: int) -> list[float]:
    lat = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        lat.append(time.perf_counter() - t)
    return lat


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--regions", type=int, default=10)
    ap.add_argument("--rules", type=int, default=50)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = ap.parse_args(argv)
    r = bench_compare(args.regions, args.rules, args.runs)
    print(f"区域对标（{r['regions']} 个地区 × {r['rules_per_region']} 条规则，{r['runs']} 次）：p50 {r['p50_s']} 秒，"
          f"p95 {r['p95_s']} 秒（为 2 秒预算的 {r['p95_vs_budget']} 倍）")
    if "with_candidates_p95_s" in r:
        print(f"  含导入时生成的待审核候选规则：p50 {r['with_candidates_p50_s']} 秒，p95 {r['with_candidates_p95_s']} 秒")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_compare.json").write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if r["p95_s"] <= r["budget_s"] else 1


if __name__ == "__main__":
    sys.exit(main())
