"""Question memory: past questions whose answering clauses are known (reviewed Q&A, STARD train split).

A new question borrows the clauses of its nearest known questions (dense cosine), a third ranking fused
with BM25 and dense. It never invents a clause id: ids not in the index are dropped by the retriever.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..index.embedders.base import Embedder


@dataclass(frozen=True)
class KnownQuestion:
    question: str
    clause_ids: tuple[str, ...]


class QuestionMemory:
    """>>> from assistant.index.embedders.fake import FakeEmbedder
    >>> mem = QuestionMemory.build([("能否返还税收", ["fcr#第十条"])], FakeEmbedder())
    >>> list(mem.lookup("返还税收可以吗"))
    ['fcr#第十条']
    """

    def __init__(self, entries: list[KnownQuestion], vectors: np.ndarray, embedder: Embedder, sharpness: float = 20.0) -> None:
        self.sharpness = sharpness
        self.entries = entries
        self.vectors = vectors
        self.embedder = embedder

    @classmethod
    def build(cls, pairs, embedder: Embedder) -> QuestionMemory:
        entries = [KnownQuestion(q, tuple(ids)) for q, ids in pairs if q and ids]
        vectors = embedder.embed_queries([e.question for e in entries]) if entries else np.zeros((0, 1), np.float32)
        return cls(entries, vectors, embedder)

    def lookup(self, query: str, top: int = 10, exclude_question: str | None = None, vector: np.ndarray | None = None) -> dict[str, float]:
        """clause id → evidence score from the `top` most similar known questions."""
        if not self.entries:
            return {}
        q = vector if vector is not None else self.embedder.embed_queries([query])[0]
        sims = self.vectors @ q
        out: dict[str, float] = {}
        taken = 0
        for i in np.argsort(-sims):
            entry = self.entries[i]
            if exclude_question is not None and entry.question == exclude_question:
                continue
            weight = float(np.exp((sims[i] - 1.0) * self.sharpness))  # sharp: near-duplicates dominate
            for cid in entry.clause_ids:
                out[cid] = out.get(cid, 0.0) + weight / len(entry.clause_ids) ** 0.5
            taken += 1
            if taken >= top:
                break
        return out
