"""Rule-extraction and matching quality.

1. 柳河/临港 (eval/extraction_gold.yaml, read from the policies by hand): clauses found, numbers right.
2. The county-policies dev set (../shared/eval/county-policies/incentives.jsonl, 48 structured incentives):
   numbers found (recall) and right (precision), numeric conditions right, per article.
3. Matching on the profiles of eval/qa/county_match_cases.yaml: precision/recall of 「可享受」 and amounts exact,
   with the reviewed rules of eval/rules/county (after approval) and with the ingest candidates alone (before).

    .venv/bin/python eval/extraction.py [--index DIR] [--county-only] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from assistant.match.extract import propose_for_document  # noqa: E402

CASES = REPO / "eval" / "qa" / "county_match_cases.yaml"
COUNTY_RULES = REPO / "eval" / "rules" / "county"


def _r(v) -> float:
    return round(float(v), 6)


def extracted_numbers(p) -> list[tuple[str, float]]:
    """(role, value) of every number a proposal states: threshold / rate / cap / amount."""
    out = [("threshold", _r(c["value"])) for c in p.conditions if "value" in c]
    b = p.benefit
    rate = b.get("rate")
    if rate is not None:
        out += [("rate", _r(r)) for r in sorted(set(rate if isinstance(rate, list) else [rate])) if r]
    out += [("rate", _r(r)) for r in sorted(set(b.get("rates") or [])) if r]
    if b.get("cap_wan") is not None:
        out.append(("cap", _r(b["cap_wan"])))
    for key in ("amount_wan", "unit_amount_wan"):
        if b.get(key) is not None:
            out.append(("amount", _r(b[key])))
    return out


# -- 1. 柳河 / 临港 ------------------------------------------------------------------------------

def evaluate(store, gold: dict) -> dict:
    report = {}
    for doc, clauses in gold.items():
        props: dict[str, list] = {}
        for p in propose_for_document(store, doc):
            props.setdefault(p.clause_id.split("#", 1)[1], []).append(p)
        found = [c for c in clauses if c in props]
        right = wrong = 0
        wrong_items = []
        for c in found:
            truth = {(k, _r(v)) for k, vs in (clauses[c] or {}).items() for v in vs}
            for item in {i for p in props[c] for i in extracted_numbers(p)}:
                if item in truth:
                    right += 1
                else:
                    wrong += 1
                    wrong_items.append(f"{c}:{item[0]}={item[1]:g}")
        report[doc] = {
            "incentive_clauses_by_reading": len(clauses), "found_by_extractor": len(found),
            "missed": [c for c in clauses if c not in props],
            "extra_proposals": [c for c in props if c not in clauses],
            "numbers_extracted": right + wrong, "numbers_right": right, "wrong": wrong_items,
            "stated_numbers_by_reading": sum(len(v) for cl in clauses.values() for v in (cl or {}).values()),
        }
    return report


# -- 2. county policies vs incentives.jsonl --------------------------------------------------------

PER_UNIT_WAN = {"元": 0.0001, "万元": 1.0}


def gold_numbers(inc: dict) -> list[tuple[str, float]]:
    out = [("threshold", _r(c["value"])) for c in inc["conditions"]
           if isinstance(c.get("value"), (int, float)) and not isinstance(c["value"], bool) and c["op"] in (">=", ">")]
    a = inc["amount"]
    for key in ("rate", "rate_max"):
        if isinstance(a.get(key), (int, float)):
            out.append(("rate", _r(a[key] * 100)))
    if isinstance(a.get("years"), list) and a["years"] and isinstance(a["years"][0], dict):
        out += [("rate", _r(r * 100)) for r in sorted({y["rate"] for y in a["years"] if "rate" in y})]
    if a.get("cap_wan") is not None:
        out.append(("cap", _r(a["cap_wan"])))
    if a.get("value_wan") is not None:
        out.append(("amount", _r(a["value_wan"])))
    for t in a.get("tiers") or []:
        out += [("threshold", _r(t[k])) for k in ("min",) if isinstance(t.get(k), (int, float))]
        if t.get("value_wan") is not None:
            out.append(("amount", _r(t["value_wan"])))
        if t.get("pay_rate"):
            out.append(("rate", _r(t["pay_rate"] * 100)))
    if a.get("kind") == "per_unit" and a.get("value") is not None:
        unit = str(a.get("unit") or "")
        head = unit.split("/", 1)[0]
        value = a["value"] * PER_UNIT_WAN.get(head, 1.0)
        if unit.endswith("/亿元"):
            value /= 10000
        out.append(("amount", _r(value)))
    return out


def _article_clauses(store, doc_id: str, article: str) -> set[str]:
    return {c.clause_id for c in store.clauses_of(doc_id)
            if c.article == article or c.article.startswith(article)}


def evaluate_county(store, incentives: list[dict]) -> dict:
    """Per article: gold numbers (from every incentive of the article) against the numbers of the proposals made
    for the article's clauses. Found = recall, right = precision; numeric conditions compared as (field, op, value)."""
    by_article: dict[tuple[str, str], list[dict]] = {}
    for inc in incentives:
        by_article.setdefault((inc["file"].removesuffix(".md"), inc["article"]), []).append(inc)
    proposals: dict[str, list] = {}
    totals = Counter()
    rows = []
    covered: set[str] = set()
    for (doc, article), incs in sorted(by_article.items()):
        if doc not in proposals:
            proposals[doc] = propose_for_document(store, doc)
        ids = _article_clauses(store, doc, article)
        covered |= ids
        props = [p for p in proposals[doc] if p.clause_id in ids]
        gold = Counter(n for inc in incs for n in set(gold_numbers(inc)))
        gold = Counter({k: 1 for k in gold})  # a number stated once in the article counts once
        got = Counter({n: 1 for p in props for n in extracted_numbers(p)})
        hit = sum((gold & got).values())
        gold_conds = {(c["field"], c["op"], _r(c["value"])) for inc in incs for c in inc["conditions"]
                      if isinstance(c.get("value"), (int, float)) and not isinstance(c["value"], bool) and c["op"] in (">=", ">")}
        got_conds = {(c["field"], c["op"], _r(c["value"])) for p in props for c in p.conditions if "value" in c}
        totals.update(gold_numbers=sum(gold.values()), extracted=sum(got.values()), right=hit,
                      gold_conditions=len(gold_conds), conditions_right=len(gold_conds & got_conds),
                      conditions_extracted=len(got_conds), incentives=len(incs), proposals=len(props),
                      articles=1, articles_with_proposal=1 if props else 0)
        rows.append({"doc": doc, "article": article, "incentives": len(incs), "proposals": len(props),
                     "missed": sorted(f"{k}={v:g}" for k, v in (gold - got)), "wrong": sorted(f"{k}={v:g}" for k, v in (got - gold)),
                     "conditions_missed": sorted(f"{f}{o}{v:g}" for f, o, v in gold_conds - got_conds)})
    extra = [p.clause_id for ps in proposals.values() for p in ps if p.clause_id not in covered]
    t = dict(totals)
    t["numbers_found"] = round(t["right"] / t["gold_numbers"], 3) if t["gold_numbers"] else None
    t["numbers_right"] = round(t["right"] / t["extracted"], 3) if t["extracted"] else None
    t["conditions_right"] = round(t["conditions_right"] / t["gold_conditions"], 3) if t["gold_conditions"] else None
    t["proposals_outside_labelled_articles"] = len(extra)
    return {"summary": t, "articles": rows, "extra": extra}


# -- 3. matching on profiles -----------------------------------------------------------------------

def load_cases(path: Path = CASES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def evaluate_match(index, cases: list[dict], rules_dir: Path | None) -> dict:
    """P/R of eligible over (case, expected grant). With rules_dir: reviewed rules (ids); without: pending
    candidates, an expected grant counted as found when a candidate of the same clause is eligible with the same
    amount (or no amount is expected)."""
    from assistant.match.profile import parse_profile
    from assistant.match.service import match

    tp = fp = fn = 0
    exact = computable = 0
    misses = []
    for case in cases:
        profile = parse_profile(case["profile"])
        when = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else None
        if rules_dir is not None:
            r = match(profile, index, [rules_dir], as_of=when, candidates=False)
            got = {e.rule_id: e for e in r.eligible}
            want = {x["rule"]: x for x in case["eligible"]}
            tp += len(set(got) & set(want))
            fp += len(set(got) - set(want))
            fn += len(set(want) - set(got))
            misses += [f"{case['id']}: 多判 {k}" for k in set(got) - set(want)] + [f"{case['id']}: 漏判 {k}" for k in set(want) - set(got)]
            for k, x in want.items():
                if "amount_wan" in x:
                    computable += 1
                    amount = got[k].amount_wan if k in got else None
                    if amount is not None and abs(amount - x["amount_wan"]) < 1e-6:
                        exact += 1
                    else:
                        misses.append(f"{case['id']}: {k} 金额 {amount} ≠ {x['amount_wan']}")
        else:
            r = match(profile, index, [], as_of=when)
            pend = [e for e in r.pending if e.status == "eligible"]
            used = set()
            def same(e, x):  # a candidate of the clause, or of one of its parts (款/段/项)
                return e.clause_id == x["clause"] or e.clause_id.startswith(x["clause"] + "第")

            for x in case["eligible"]:
                hit = next((i for i, e in enumerate(pend) if i not in used and same(e, x)
                            and ("amount_wan" not in x or (e.amount_wan is not None and abs(e.amount_wan - x["amount_wan"]) < 1e-6))), None)
                if hit is None:
                    hit = next((i for i, e in enumerate(pend) if i not in used and same(e, x)), None)
                    if hit is not None and "amount_wan" in x:
                        computable += 1
                        misses.append(f"{case['id']}: {x['clause']} 候选金额 {pend[hit].amount_wan} ≠ {x['amount_wan']}")
                elif "amount_wan" in x:
                    computable += 1
                    exact += 1
                if hit is None:
                    fn += 1
                    misses.append(f"{case['id']}: 候选漏判 {x['clause']}")
                else:
                    used.add(hit)
                    tp += 1
            fp += len(pend) - len(used)
    p = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    return {"precision": round(p, 3) if p is not None else None, "recall": round(rec, 3) if rec is not None else None,
            "tp": tp, "fp": fp, "fn": fn, "amounts_exact": f"{exact}/{computable}",
            "amounts_exact_rate": round(exact / computable, 3) if computable else None, "misses": misses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=REPO / "indexes" / "shared", help="index holding 柳河/临港 (part 1)")
    ap.add_argument("--county-only", action="store_true", help="skip part 1")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from county import build_index, incentives

    report = {}
    if not args.county_only:
        from assistant.index import Index

        gold = yaml.safe_load((REPO / "eval" / "extraction_gold.yaml").read_text(encoding="utf-8"))
        report["liuhe_lingang"] = evaluate(Index.open(args.index, create=False).store, gold)
    with tempfile.TemporaryDirectory() as tmp:
        index = build_index(Path(tmp))
        report["county_extraction"] = evaluate_county(index.store, incentives())
        cases = load_cases()
        report["county_match_after_approval"] = evaluate_match(index, cases, COUNTY_RULES)
        report["county_match_candidates_only"] = evaluate_match(index, cases, None)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        s = report["county_extraction"]["summary"]
        print(f"extraction: numbers found {s['numbers_found']} ({s['right']}/{s['gold_numbers']}), right {s['numbers_right']} "
              f"({s['right']}/{s['extracted']}), numeric conditions right {s['conditions_right']}, "
              f"articles with a proposal {s['articles_with_proposal']}/{s['articles']}, extra proposals {s['proposals_outside_labelled_articles']}")
        for key in ("county_match_after_approval", "county_match_candidates_only"):
            m = report[key]
            print(f"{key}: P {m['precision']} R {m['recall']} (tp {m['tp']} fp {m['fp']} fn {m['fn']}), amounts exact {m['amounts_exact']}")
        for row in report["county_extraction"]["articles"]:
            if row["missed"] or row["wrong"]:
                print(f"  {row['doc'][:30]} {row['article']}: missed {row['missed']} wrong {row['wrong']}")
        for key in ("county_match_after_approval", "county_match_candidates_only"):
            for m in report[key]["misses"]:
                print(f"  [{key}] {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
