"""Hybrid retrieval: jieba-BM25 and dense candidates, fused, filtered by metadata, cited by clause id."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..documents.model import Chunk
from ..index.open import Index
from ..index.tokenize import tokenize
from ..vocab import clause_id
from .expand import expand_query
from .filters import Filters
from .fusion import rrf, weighted


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    chunk: Chunk
    bm25_rank: int | None = None
    dense_rank: int | None = None
    bm25_score: float | None = None  # raw BM25 score (not normalised)
    dense_score: float | None = None  # raw cosine similarity

    def to_dict(self, as_of: date | None = None) -> dict:
        c, m = self.chunk, self.chunk.meta
        return {
            "rank": self.rank,
            "clause_id": c.chunk_id,
            "file": c.file,
            "title": c.title,
            "doc_number": c.doc_number,
            "article": c.article,
            "path": " / ".join(c.path),
            "text": c.text,
            "score": round(self.score, 6),
            "lead": c.lead or None,
            "doc_id": c.doc_id,
            "issuer": m.issuer,
            "level": m.level,
            "region": m.region,
            "kind": m.kind,
            "effective": m.effective or m.published,
            "expires": m.expires,
            "repealed": m.repealed,
            "status": m.status(as_of),
            "superseded_by": m.superseded_by,
            "note": m.note,
            "sample": m.sample,
            "bm25_rank": self.bm25_rank,
            "dense_rank": self.dense_rank,
        }


class HybridRetriever:
    """Search an index; the same object serves many queries (BM25 is built once per snapshot).

    >>> r = HybridRetriever(Index.open("indexes/default", create=False))   # doctest: +SKIP
    >>> r.search("招商引资中能不能给企业返还税收", k=3)[0].chunk.article    # doctest: +SKIP
    '第十条'
    """

    def __init__(self, index: Index, mode: str = "hybrid", fusion: str = "weighted", dense_weight: float = 0.4,
                 candidates: int = 100, memory_weight: float = 1.0, expand: bool = True, ranker="default") -> None:
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"mode must be hybrid, bm25 or dense. Currently, the mode is {mode!r}")
        self.index = index
        self.mode = mode
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.memory_weight = memory_weight
        self.expand = expand
        if ranker == "default":
            from .ranker import LinearRanker

            ranker = LinearRanker.load()
        self.ranker = ranker  # a LinearRanker re-scores the fused candidates (hybrid mode); None keeps plain fusion
        self._snapshot: str | None = None
        self._load()

    def _load(self) -> None:
        import bm25s

        from ..index.store import retokenize
        from ..index.tokenize import VERSION

        store = self.index.store
        if getattr(self, "_snapshot", None) is not None:
            self.index.reload_vectors()  # the index changed: vectors may come from another process
        if store.chunk_ids() and store.get("tokenizer") != VERSION:
            retokenize(store)  # index built by an older tokenizer
        self._snapshot = store.snapshot()
        self.chunks, tokens = store.all_chunks()
        self.by_id = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.by_prefix: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):  # article id → its chunks (an article may be split into 款/项)
            self.by_prefix.setdefault(article_id(c.chunk_id), []).append(i)
        self._matrix = None  # dense vectors of self.chunks, loaded on the first dense query
        self.bm25 = None
        if self.chunks and any(tokens):
            self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
            self.bm25.index([t or ["∅"] for t in tokens], show_progress=False)
        self.token_sets = [frozenset(t) for t in tokens]
        self._df: dict[str, int] = {}
        for t in self.token_sets:
            for tok in t:
                self._df[tok] = self._df.get(tok, 0) + 1
        self._heading = None  # BM25 over title + chapter path + article label, built on first use

    def idf(self, tokens: list[str]) -> dict[str, float]:
        n = len(self.chunks) or 1
        return {t: math.log(1 + (n - self._df.get(t, 0) + 0.5) / (self._df.get(t, 0) + 0.5)) for t in tokens}

    def heading_scores(self, query: str, ids: list[str]) -> list[float]:
        """BM25 of the question over each clause's headings (title core, chapter path, article label)."""
        import bm25s

        from .ranker import title_core

        if self._heading is None:
            heads = [tokenize(" ".join((title_core(c.title), *c.path, c.article))) or ["∅"] for c in self.chunks]
            self._heading = bm25s.BM25(k1=1.2, b=0.75)
            self._heading.index(heads, show_progress=False)
        tokens = tokenize(query)
        if not tokens:
            return [0.0] * len(ids)
        scores = self._heading.get_scores(tokens)
        return [float(scores[self.by_id[cid]]) for cid in ids]

    def refresh(self) -> None:
        """Reload when the index changed since this retriever was built — but not while an ingest is writing:
        readers keep the old snapshot until the new one is complete, never a mix of the two."""
        from ..index.lock import index_busy

        if not index_busy(self.index.root) and self.index.store.snapshot() != self._snapshot:
            self._load()

    def search(self, query: str, k: int = 10, filters: Filters | None = None, memory=None,
               exclude_question: str | None = None) -> list[Hit]:
        """Best-first hits. `memory` (a QuestionMemory) adds the clauses of similar known questions."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0. Currently, k is {k}")
        query = (query or "").strip()
        if not query or not self.chunks:
            return []
        filters = filters or Filters()
        mask = None
        allowed_docs = None
        if filters.active:
            mask = np.array([filters.allows(c.meta, c.doc_id) for c in self.chunks])
            allowed_docs = sorted({c.doc_id for c, ok in zip(self.chunks, mask) if ok})
            if not allowed_docs:
                return []
        n = max(self.candidates, k)
        expanded, qvec, lexical, dense = self.candidate_scores(query, n, mask, allowed_docs, memory is not None)
        if self.mode == "bm25":
            fused = lexical
        elif self.mode == "dense":
            fused = dense
        elif self.ranker is not None and memory is None:
            ids = list(lexical.keys() | dense.keys())
            from .ranker import feature_matrix

            fused = dict(zip(ids, self.ranker.scores(feature_matrix(expanded, ids, self, lexical, dense)).tolist()))
        elif self.fusion == "rrf":
            fused = rrf(lexical, dense)
        else:
            fused = weighted(lexical, dense, weights=(1 - self.dense_weight, self.dense_weight))
        if memory is not None:
            known = self._known(memory.lookup(query, exclude_question=exclude_question, vector=qvec), mask)
            base = weighted(fused, weights=(1.0,))  # min-max to [0, 1]; memory evidence is already in [0, 1]
            fused = {cid: base.get(cid, 0.0) + self.memory_weight * min(known.get(cid, 0.0), 1.0) for cid in base.keys() | known.keys()}
        b_rank = {cid: r for r, cid in enumerate(sorted(lexical, key=lambda x: -lexical[x]), 1)}
        d_rank = {cid: r for r, cid in enumerate(sorted(dense, key=lambda x: -dense[x]), 1)}
        order = sorted(fused, key=lambda cid: (-fused[cid], self.by_id[cid]))[:k]
        return [
            Hit(rank=i, score=float(fused[cid]), chunk=self.chunks[self.by_id[cid]], bm25_rank=b_rank.get(cid),
                dense_rank=d_rank.get(cid), bm25_score=lexical.get(cid), dense_score=dense.get(cid))
            for i, cid in enumerate(order, 1)
        ]

    def dense_best(self, vector, filters: Filters | None = None, n: int = 3) -> list[float]:
        """Cosines of the n clauses nearest to a query vector among those the filters allow, whatever their rank."""
        mask = allowed = None
        if filters is not None and filters.active:
            mask = np.array([filters.allows(c.meta, c.doc_id) for c in self.chunks])
            allowed = sorted({c.doc_id for c, ok in zip(self.chunks, mask) if ok})
            if not allowed:
                return []
        return sorted(self._dense(vector, n, mask, allowed).values(), reverse=True) if self.chunks else []

    def candidate_scores(self, query: str, n: int, mask=None, allowed_docs=None, need_vector: bool = False):
        """(expanded query, query vector, BM25 candidates, dense candidates) — the ranker's raw material."""
        expanded = expand_query(query) if self.expand else query
        qvec = self.index.embedder.embed_queries([expanded])[0] if self.mode != "bm25" or need_vector else None
        lexical = self._bm25(expanded, n, mask) if self.mode in ("hybrid", "bm25") else {}
        dense = self._dense(qvec, n, mask, allowed_docs) if self.mode in ("hybrid", "dense") else {}
        return expanded, qvec, lexical, dense

    def _bm25(self, query: str, n: int, mask) -> dict[str, float]:
        if self.bm25 is None:
            return {}
        tokens = tokenize(query)
        if not tokens:
            return {}
        scores = np.asarray(self.bm25.get_scores(tokens), dtype=np.float64)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:n]
        return {self.chunks[i].chunk_id: float(scores[i]) for i in top if scores[i] > 0}

    def _known(self, scores: dict[str, float], mask) -> dict[str, float]:
        """Spread a known question's clause ids over the indexed chunks of those clauses."""
        out: dict[str, float] = {}
        for cid, score in scores.items():
            for i in self.by_prefix.get(cid, ()):
                if mask is None or mask[i]:
                    out[self.chunks[i].chunk_id] = max(out.get(self.chunks[i].chunk_id, 0.0), score)
        return out

    def _dense(self, vector, n: int, mask, allowed_docs) -> dict[str, float]:
        if len(self.chunks) > EXACT_MAX:  # very large collections: the vector store's ANN index
            hits = self.index.vectors.query(vector, n, allowed_docs)
            # trust only ids present in the clause store (a crashed ingest may leave stale vectors)
            return {cid: score for cid, score in hits if cid in self.by_id}
        # Exact cosine over all clause vectors: deterministic, and the same whether the vectors live in the embedded
        # store or a Chroma server (HNSW answers varied between graphs and even between runs).
        if self._matrix is None:
            stored = self.index.vectors.vectors_for([c.chunk_id for c in self.chunks])
            dim = len(vector)
            self._matrix = np.vstack([stored.get(c.chunk_id, np.zeros(dim, dtype=np.float32)) for c in self.chunks])
            self._has_vector = np.array([c.chunk_id in stored for c in self.chunks])  # missing after a crash until reconcile
        usable = self._has_vector if mask is None else self._has_vector & mask
        sims = np.where(usable, self._matrix @ np.asarray(vector, dtype=np.float32), -np.inf)
        top = np.argsort(-sims, kind="stable")[:n]
        return {self.chunks[i].chunk_id: float(sims[i]) for i in top if usable[i]}


EXACT_MAX = 300_000  # clause vectors searched exactly in memory up to this many (≈ 460 MB at 384 dims)

article_id = clause_id.article_id  # 'doc#第十条第二款' → 'doc#第十条' (kept here for existing imports)
