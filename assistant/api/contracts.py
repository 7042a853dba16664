"""The JSON shapes shared by the CLI's --json output, the HTTP API and MCP (one place, no copies)."""

from __future__ import annotations

CITATION_KEYS = ("clause_id", "file", "article", "quote", "title", "doc_number", "label", "status", "effective", "expires", "repealed")


def answer_json(answer) -> dict:
    """`policy-assistant ask --json`: the answer with its citations, None values left out."""
    d = answer.to_dict()
    d["citations"] = [{k: c[k] for k in CITATION_KEYS} for c in d["citations"]]
    return {k: v for k, v in d.items() if v is not None}


def documents_json(store) -> list[dict]:
    """`policy-assistant docs --json`: one entry per document with its metadata and status."""
    from ..documents.model import DocMeta

    out = []
    for r in store.doc_rows(effective=True):  # supersede applied: an older version shows 已废止
        meta = DocMeta(**r["meta"])
        out.append({"doc_id": r["doc_id"], "file": r["file"], **r["meta"], "status": meta.status(),
                    "clauses": r["n_clauses"], "chunks": r["n_chunks"], "sha256": r["sha256"],
                    "ingested_at": r["ingested_at"]})
    return out


def search_json(hits, as_of) -> list[dict]:
    """`policy-assistant search --json`."""
    return [h.to_dict(as_of) for h in hits]
