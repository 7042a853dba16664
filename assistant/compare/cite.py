"""Citations as people write them, 《标题》第X条, and back to the indexed clause."""

from __future__ import annotations

import re


def citation(clause_id: str, titles: dict[str, str]) -> str:
    """'doc#第二条第一款' → '《标题》第二条第一款'; heading paths drop their separators ('二、/（六）' → '二、（六）')."""
    doc, _, where = clause_id.partition("#")
    return f"《{titles.get(doc, doc)}》{where.replace('/', '')}"


def resolve(text: str, store, titles: dict[str, str]) -> str | None:
    """The clause id a citation names, or None when the title or the clause is not in the index."""
    m = re.fullmatch(r"《(.+)》([^》]+)", text.strip())  # titles may hold 《》 themselves
    if not m:
        return None
    title, where = m.groups()
    for doc, t in titles.items():
        if t != title:
            continue
        if store.clause(f"{doc}#{where}") is not None:
            return f"{doc}#{where}"
        for c in store.clauses_of(doc):
            if c.clause_id.partition("#")[2].replace("/", "") == where:
                return c.clause_id
    return None


def titles_of(store) -> dict[str, str]:
    return {r["doc_id"]: r["meta"].get("title") or r["doc_id"] for r in store.doc_rows()}
