"""Rule-extraction quality on the real local policies: clauses found vs. read, numbers right.

    .venv/bin/python eval/extraction.py [--index DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.index import Index  # noqa: E402
from assistant.match.extract import propose_for_document  # noqa: E402


def extracted_numbers(p) -> list[tuple[str, float]]:
    out = [("threshold", float(c["value"])) for c in p.conditions]
    b = p.benefit
    rate = b.get("rate")
    if rate is not None:
        out += [("rate", float(r)) for r in (rate if isinstance(rate, list) else [rate])]
    if b.get("cap_wan") is not None:
        out.append(("cap", float(b["cap_wan"])))
    if b.get("amount_wan") is not None:
        out.append(("amount", float(b["amount_wan"])))
    if b.get("kind") == "in_kind" and b.get("quote"):
        import re

        m = re.match(r"(\d+(?:\.\d+)?)(亿元|万元)", b["quote"])
        if m:
            out.append(("cap", float(m.group(1)) * (10000 if m.group(2) == "亿元" else 1)))
    return out


def evaluate(store, gold: dict) -> dict:
    report = {}
    for doc, clauses in gold.items():
        props = {p.clause_id.split("#", 1)[1]: p for p in propose_for_document(store, doc)}
        found = [c for c in clauses if c in props]
        right = wrong = 0
        wrong_items = []
        for c in found:
            truth = {(k, float(v)) for k, vs in (clauses[c] or {}).items() for v in vs}
            for item in extracted_numbers(props[c]):
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--index", type=Path, default=REPO / "indexes" / "shared")
    args = ap.parse_args(argv)
    gold = yaml.safe_load((REPO / "eval" / "extraction_gold.yaml").read_text(encoding="utf-8"))
    report = evaluate(Index.open(args.index, create=False).store, gold)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
