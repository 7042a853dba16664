"""Ranking metrics over results that each cover one or more clause ids (a naive 500-character chunk may cover several).

A result unit matches a gold id when one is a prefix of the other at an id boundary: `doc#第十条` matches
`doc#第十条第一项`, a heading path `doc#三、` matches `doc#三、/（一）`, and `doc#` matches any clause of doc.
"""

from __future__ import annotations

import math

from ..vocab.clause_id import is_within

KS = (1, 3, 5, 10, 20, 100)


def matches(unit: str, gold: str) -> bool:
    return is_within(unit, gold)  # "doc#" = any clause of the document


def found_gold(results: list[list[str]], gold: list[str], k: int) -> set[str]:
    return {g for units in results[:k] for u in units for g in gold if matches(u, g)}


def score(results: list[list[str]], gold: list[str], ks=KS) -> dict[str, float]:
    """Recall@k (share of gold ids found in the first k results), MRR@10 and binary nDCG@10 for one query."""
    out = {f"R@{k}": len(found_gold(results, gold, k)) / len(gold) for k in ks}
    first = next((r for r, units in enumerate(results[:10], 1) if any(matches(u, g) for u in units for g in gold)), None)
    out["MRR@10"] = 1 / first if first else 0.0
    seen: set[str] = set()
    dcg = 0.0
    for r, units in enumerate(results[:10], 1):
        new = {g for u in units for g in gold if matches(u, g)} - seen
        if new:
            dcg += len(new) / math.log2(r + 1)
            seen |= new
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(len(gold), 10) + 1))
    out["nDCG@10"] = dcg / ideal
    return out


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {key: round(sum(r[key] for r in rows) / len(rows), 4) for key in rows[0]}
