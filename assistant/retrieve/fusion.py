"""Rank fusion as pure functions over {id: score} maps (best = highest)."""

from __future__ import annotations


def rrf(*rankings: dict[str, float], k: int = 60, weights: tuple[float, ...] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion.

    >>> sorted(rrf({"a": 3, "b": 1}, {"b": 0.9, "c": 0.1}).items(), key=lambda x: -x[1])[0][0]
    'b'
    """
    weights = weights or (1.0,) * len(rankings)
    out: dict[str, float] = {}
    for w, ranking in zip(weights, rankings):
        for rank, key in enumerate(sorted(ranking, key=lambda x: -ranking[x]), start=1):
            out[key] = out.get(key, 0.0) + w / (k + rank)
    return out


def weighted(*rankings: dict[str, float], weights: tuple[float, ...]) -> dict[str, float]:
    """Convex combination of min-max normalised scores; a missing id scores 0 in that ranking.

    >>> weighted({"a": 10, "b": 0}, {"a": 0.1, "b": 0.9}, weights=(0.5, 0.5))["a"]
    0.5
    """
    out: dict[str, float] = {}
    for w, ranking in zip(weights, rankings):
        if not ranking:
            continue
        hi, lo = max(ranking.values()), min(ranking.values())
        span = (hi - lo) or 1.0
        for key, score in ranking.items():
            out[key] = out.get(key, 0.0) + w * (score - lo) / span
    return out
