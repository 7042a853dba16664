"""A learned router for officers' questions: hashed character 1–3-grams → compliance / incentive / fact.

Trained by `eval/train_intent.py` on questions written by others (the independent dev set eval/dev2, the chat route
dev set) and shipped as `data/intent-model.npz` (weights only, no question text). The rules in `intent.py` still
decide when the file is missing, and still extract the measure and the project profile.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("data") / "intent-model.npz"
DIM = 1 << 18
CLASSES = ("compliance", "incentive", "fact")
_NUM = re.compile(r"\d+(?:\.\d+)?")


def grams(text: str, dim: int = DIM) -> Counter:
    """The review model's hashed character 1–3-grams, whitespace removed first and digits then folded to one symbol
    (amounts differ, their role does not)."""
    from ..review.model import _KEEP
    from ..review.model import grams as hashed

    return hashed(_NUM.sub("0", _KEEP.sub("", text)), dim)


def vectorise(texts: list[str]):
    """Sparse rows (scipy CSR) of log-scaled, L2-normalised gram counts, for training."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, t in enumerate(texts):
        g = grams(t)
        w = np.array([1.0 + math.log(c) for c in g.values()])
        w /= float(np.linalg.norm(w)) or 1.0
        rows += [i] * len(g)
        cols += list(g.keys())
        vals += w.tolist()
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), DIM), dtype=np.float64)


@dataclass(frozen=True)
class IntentModel:
    coef: np.ndarray  # classes × DIM
    bias: np.ndarray
    version: str = ""

    def probabilities(self, question: str) -> dict[str, float]:
        g = grams(question)
        keys = np.fromiter(g.keys(), dtype=np.int64, count=len(g))
        vals = np.fromiter((1.0 + math.log(c) for c in g.values()), dtype=np.float64, count=len(g))
        vals /= float(np.linalg.norm(vals)) or 1.0
        z = self.coef[:, keys] @ vals + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(CLASSES, p.tolist()))

    def predict(self, question: str) -> tuple[str, float]:
        p = self.probabilities(question)
        best = max(p, key=p.get)
        return best, p[best]

    def save(self, path: Path = PATH, meta: dict | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        nz = np.flatnonzero(np.abs(self.coef).sum(axis=0) > 1e-6)
        np.savez_compressed(path, buckets=nz.astype(np.int32), coef=self.coef[:, nz].astype(np.float32),
                            bias=self.bias.astype(np.float32), meta=np.array(json.dumps({"classes": CLASSES, "version": self.version, **(meta or {})},
                                                                                     ensure_ascii=False)))


@lru_cache(maxsize=2)
def load(path: Path = PATH) -> IntentModel | None:
    if not path.exists():
        return None
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        if tuple(meta["classes"]) != CLASSES:
            return None
        coef = np.zeros((len(CLASSES), DIM), dtype=np.float64)
        coef[:, z["buckets"]] = z["coef"]
        return IntentModel(coef, z["bias"].astype(np.float64), str(meta.get("version", "")))


__all__ = ["CLASSES", "IntentModel", "load", "vectorise"]
