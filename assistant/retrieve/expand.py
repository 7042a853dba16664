"""Query expansion with a small policy-domain thesaurus (colloquial wording → statutory terms)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _groups() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    data = yaml.safe_load(Path(__file__).with_name("thesaurus.yaml").read_text(encoding="utf-8"))
    return tuple((tuple(g["when"]), tuple(g["add"])) for g in data)


def expansions(query: str) -> list[str]:
    """Statutory terms to add for this query, in thesaurus order, without terms it already contains.

    >>> expansions("招商引资中能不能给企业返还税收")
    ['税收优惠', '财政奖励', '特定经营者', '经营者']
    """
    out: list[str] = []
    for when, add in _groups():
        if any(w in query for w in when):
            out.extend(a for a in add if a not in query and a not in out)
    return out


def expand_query(query: str) -> str:
    """The query text the retrievers see: the question, then its statutory terms in brackets."""
    extra = expansions(query)
    return f"{query}（{'、'.join(extra)}）" if extra else query
