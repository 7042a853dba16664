"""Rankers compared on the same queries: ours (hybrid), BM25 only (jieba + rank_bm25, as in the STARD README) and the
naive LangChain pipeline a user would assemble (RecursiveCharacterTextSplitter 500/50 + langchain-chroma + the same
embedder, top-k by similarity).

A ranker is `rank(query, k) -> list[list[str]]`: results best first, each the clause ids it covers. Ours and BM25
return clauses; a naive chunk covers every article it overlaps substantially (generous to the baseline).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

import numpy as np

from ..documents.model import Document
from ..retrieve.hybrid import HybridRetriever, article_id

Ranker = Callable[[str, int], list[list[str]]]


def dedupe_articles(chunk_ids: Sequence[str]) -> list[list[str]]:
    out, seen = [], set()
    for cid in chunk_ids:
        aid = article_id(cid)
        if aid not in seen:
            seen.add(aid)
            out.append([aid])
    return out


def ours(retriever: HybridRetriever, memory=None) -> Ranker:
    def rank(query: str, k: int) -> list[list[str]]:
        hits = retriever.search(query, k=k, memory=memory, exclude_question=query if memory is not None else None)
        return dedupe_articles([h.chunk.chunk_id for h in hits])

    return rank


def bm25_jieba(chunks) -> Ranker:
    """jieba.lcut + rank_bm25.BM25Okapi over the same clauses (title and heading path included, as ours sees them)."""
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)
    ids = [c.chunk_id for c in chunks]
    bm25 = BM25Okapi([[t for t in jieba.lcut(c.passage()) if t.strip()] or ["∅"] for c in chunks])

    def rank(query: str, k: int) -> list[list[str]]:
        scores = bm25.get_scores([t for t in jieba.lcut(query) if t.strip()])
        top = np.argsort(-scores, kind="stable")[: k * 3]
        return dedupe_articles([ids[i] for i in top if scores[i] > 0])[:k]

    return rank


class _LCEmbeddings:
    """Our (cached) embedder behind LangChain's Embeddings interface."""

    def __init__(self, embedder) -> None:
        from langchain_core.embeddings import Embeddings

        outer = self

        class Wrapped(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return outer.embedder.embed_passages(texts).tolist()

            def embed_query(self, text: str) -> list[float]:
                return outer.embedder.embed_queries([text])[0].tolist()

        self.embedder = embedder
        self.lc = Wrapped()


def naive_langchain(docs: list[Document], spans: dict[str, list[tuple[int, int, str]]], embedder,
                    chunk_size: int = 500, overlap: int = 50) -> tuple[Ranker, Ranker]:
    """Build the naive pipeline once; `spans[doc_id]` gives (start, end, clause id) to credit each chunk.

    Returns two views of the same ranking: per clause (each chunk's clauses in text order, so "top 10" means ten
    clauses, as for ours) and per chunk (a chunk counts as one result and is credited with every clause it covers —
    generous: a 500-character chunk of short articles holds three or four of them)."""
    try:
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as exc:  # pragma: no cover
        raise ImportError('基线需要 langchain-chroma 与 langchain-text-splitters：pip install -e ".[langchain]"') from exc

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap, add_start_index=True)
    lc_docs = splitter.create_documents([d.text for d in docs], metadatas=[{"doc_id": d.doc_id} for d in docs])
    store = Chroma(collection_name=f"naive-{uuid.uuid4().hex[:8]}", embedding_function=_LCEmbeddings(embedder).lc)
    for i in range(0, len(lc_docs), 256):
        store.add_documents(lc_docs[i : i + 256], ids=[f"c{j}" for j in range(i, min(i + 256, len(lc_docs)))])

    def covered(meta: dict, text: str) -> list[str]:
        start = int(meta["start_index"])
        end = start + len(text)
        out = []
        for s, e, cid in spans.get(meta["doc_id"], ()):
            overlap_len = min(e, end) - max(s, start)
            if overlap_len > 0 and overlap_len >= 0.3 * min(e - s, end - start):
                out.append(cid)
        return out

    def by_chunk(query: str, k: int) -> list[list[str]]:
        return [covered(d.metadata, d.page_content) for d in store.similarity_search(query, k=k)]

    def by_clause(query: str, k: int) -> list[list[str]]:
        out, seen = [], set()
        for units in by_chunk(query, k):
            for u in units:
                if u not in seen:
                    seen.add(u)
                    out.append([u])
        return out[:k]

    by_clause.chunks = by_chunk.chunks = len(lc_docs)  # type: ignore[attr-defined]
    return by_clause, by_chunk


def clause_spans(doc: Document, chunks) -> list[tuple[int, int, str]]:
    """Where each indexed clause of a document lies in its text (clause text is verbatim), merged per article."""
    spans: dict[str, list[int]] = {}
    pos = 0
    for c in chunks:
        body = c.text.strip()
        at = doc.text.find(body[:40], pos)
        if at < 0:
            at = doc.text.find(body[:40])
            if at < 0:
                continue
        else:
            pos = at
        aid = article_id(c.chunk_id)
        s, e = spans.get(aid, [at, at + len(body)])
        spans[aid] = [min(s, at), max(e, at + len(body))]
    return [(s, e, aid) for aid, (s, e) in spans.items()]


def shuffled(ranker: Ranker, seed: int = 0) -> Ranker:
    """A deliberately broken retriever (for testing the gate): the right candidates in a random order."""
    rng = np.random.default_rng(seed)

    def rank(query: str, k: int) -> list[list[str]]:
        pool = ranker(query, 100)
        order = rng.permutation(len(pool))
        return [pool[i] for i in order][:k]

    return rank
