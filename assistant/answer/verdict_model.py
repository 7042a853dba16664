"""A learned check for compliance questions the review standards find nothing in: is the measure prohibited by a
clause the question retrieves?

The review standards cover fair-competition review; officers also ask about procurement deadlines, bidding
procedure, land supply, arrears. When no standard fires, the chat used to say 「有条件可以」 by default. This model
reads the question (hashed character n-grams, as the router does) and the retrieved evidence — the review model's
score for the question, and how high and how close the first prohibiting clause (不得/禁止/严禁…, or an item under
a 「不得有下列行为」 lead-in) and the first permitting clause (可以/鼓励/支持…) rank — and says whether the measure is
prohibited. A 不能 from it always rests on that prohibiting clause, quoted, and asks for a human check.

Trained by `eval/train_verdict.py` on compliance questions written by others (eval/dev2, eval/dev3: two helpers that
saw only ../shared/corpus), validated across the two sets; shipped as `data/verdict-model.npz` (weights only).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("data") / "verdict-model.npz"
DIM = 1 << 14
GRAM_WEIGHT = 0.3  # n-gram rows are scaled so the few evidence features are not drowned out
THRESHOLD = 0.5  # chosen across the two dev sets (dev2 → dev3 and back), see eval/train_verdict.py
DEPTH = 8  # retrieved clauses read for evidence
PROHIBITS = re.compile(r"不得|禁止|严禁|不准|不应当|不能|不予|无效")
PERMITS = re.compile(r"可以|鼓励|支持|允许|有权|依法享受|应当予以")
SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")


@dataclass(frozen=True)
class Evidence:
    """What the retrieved clauses say about a measure: the first prohibiting and permitting hit (rank, cosine)."""

    review_score: float
    prohibiting: tuple[int, float] | None
    permitting: tuple[int, float] | None
    prohibiting_id: str | None = None

    def vector(self) -> list[float]:
        n = self.prohibiting or (DEPTH + 1, 0.8)
        p = self.permitting or (DEPTH + 1, 0.8)
        both = n[1] - p[1] if self.prohibiting and self.permitting else 0.0
        return [self.review_score, n[0] / (DEPTH + 1), n[1] - 0.85, p[0] / (DEPTH + 1), p[1] - 0.85, both]


def evidence(question: str, hits, retriever, review_model) -> Evidence:
    """The evidence features from the hits retrieved for the question (best first)."""
    from ..retrieve.hybrid import article_id

    neg = pos = None
    neg_id = None
    for rank, h in enumerate(hits[:DEPTH]):
        c = h.chunk
        rows = retriever.by_prefix.get(article_id(c.chunk_id)) or []
        lead = retriever.chunks[rows[0]].text[:200] if rows else ""
        cos = float(h.dense_score) if h.dense_score is not None else 0.8
        prohibits = bool(PROHIBITS.search(c.text)) or ("下列" in lead and bool(PROHIBITS.search(lead)))
        if prohibits and neg is None:
            neg, neg_id = (rank, cos), c.chunk_id
        elif not prohibits and pos is None and PERMITS.search(c.text):
            pos = (rank, cos)
    score = float(review_model.score([question])[0]) if review_model is not None else 0.0
    return Evidence(score, neg, pos, neg_id)


def row(question: str, ev: Evidence) -> np.ndarray:
    from .intent_model import grams  # the router's n-grams, in fewer buckets

    x = np.zeros(6 + DIM)
    x[:6] = ev.vector()
    for b in grams(question, DIM):
        x[6 + b] = GRAM_WEIGHT
    return x


def prohibition_quote(text: str, measure: str) -> str:
    """The verbatim sentence of a prohibiting clause that states the prohibition (the best match with the measure)."""
    from .cite import best_quote

    q = best_quote(text, measure)
    if PROHIBITS.search(q):
        return q
    return next((m.group(0).strip() for m in SENTENCE.finditer(text) if PROHIBITS.search(m.group(0))), q)


@dataclass(frozen=True)
class VerdictModel:
    coef: np.ndarray
    bias: float
    threshold: float = THRESHOLD

    def probability(self, question: str, ev: Evidence) -> float:
        return 1.0 / (1.0 + math.exp(-(float(row(question, ev) @ self.coef) + self.bias)))

    def save(self, path: Path = PATH, meta: dict | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(f, coef=self.coef.astype(np.float32), bias=np.array([self.bias]),
                                meta=np.array(json.dumps({"threshold": self.threshold, **(meta or {})}, ensure_ascii=False)))


@lru_cache(maxsize=2)
def load(path: Path = PATH) -> VerdictModel | None:
    """The shipped model, or None when the file is missing (the chat then keeps 有条件可以)."""
    if not path.exists():
        return None
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        return VerdictModel(z["coef"].astype(np.float64), float(z["bias"][0]), float(meta.get("threshold", THRESHOLD)))
