"""A learned linear ranker over the fused BM25 + dense candidates.

Features describe one (question, clause) pair and are corpus-independent (scores normalised per query), so a model
trained on question→clause pairs written by others (SAMR Q&A over our corpus, STARD train over its statutes, the
independently written dev questions) applies to any index. The weights ship as package data
(`retrieve/data/ranker.json`, built by `eval/train_ranker.py`); without that file the retriever keeps plain fusion.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..index.tokenize import tokenize
from ..vocab.regions import place_names as places

DATA = Path(__file__).with_name("data") / "ranker.json"

FEATURES = (
    "bm25",  # BM25 score / best BM25 score of the query
    "bm25_rr",  # 1 / log2(1 + BM25 rank); 0 outside the BM25 candidates
    "dense",  # cosine − best cosine of the query (≤ 0)
    "dense_rr",  # 1 / log2(1 + dense rank)
    "heading",  # BM25 of the question over title + chapter path + article label, / best
    "title",  # share of the title's character bigrams found in the question
    "region",  # the document's place (县/市/区 name) is named in the question
    "doc_bm25",  # best BM25 share among this document's candidates
    "doc_dense",  # best cosine among this document's candidates − best cosine overall
    "cover",  # idf-weighted share of the question's tokens found in the clause
    "item",  # a 款/项 split off an article (not the whole article)
    "length",  # log of the clause length
    "in_force",  # the document is in force today
    "sample",  # a 示例 document written for the demo, and the question does not name its place
    "catalog",  # a catalogue / list (long runs of entries), and the question is not about one
)

_TITLE_NOISE = re.compile(r"^中华人民共和国|（[^）]*）$|\([^)]*\)$|[《》“”\"\s]")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


LIST_WORDS = re.compile(r"目录|清单|鼓励外商投资|鼓励类|限制类|淘汰类|禁止(?:投资|准入)|许可准入")


@lru_cache(maxsize=4096)
def title_core(title: str) -> str:
    """'中华人民共和国招标投标法（2017年修正）' → '招标投标法'."""
    prev = None
    while prev != title:
        prev, title = title, _TITLE_NOISE.sub("", title)
    return title


@dataclass(frozen=True)
class LinearRanker:
    weights: tuple[float, ...]
    bias: float = 0.0
    version: str = ""
    trained_on: str = ""

    @classmethod
    def load(cls, path: Path = DATA) -> LinearRanker | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            return None  # built for another feature set: fall back to plain fusion rather than mis-score
        return cls(tuple(float(w) for w in data["weights"]), float(data.get("bias", 0.0)), str(data.get("version", "")),
                   str(data.get("trained_on", "")))

    def save(self, path: Path = DATA) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
                                    "bias": round(self.bias, 6), "version": self.version, "trained_on": self.trained_on},
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x @ np.asarray(self.weights) + self.bias


def feature_matrix(query: str, ids: list[str], retriever, lexical: dict[str, float], dense: dict[str, float]) -> np.ndarray:
    """One row of FEATURES per candidate id (ids of `retriever.chunks`)."""
    chunks = [retriever.chunks[retriever.by_id[cid]] for cid in ids]
    n = len(ids)
    x = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return x
    b_best = max(lexical.values(), default=0.0) or 1.0
    d_best = max(dense.values(), default=0.0)
    b_rank = {cid: r for r, cid in enumerate(sorted(lexical, key=lambda c: -lexical[c]), 1)}
    d_rank = {cid: r for r, cid in enumerate(sorted(dense, key=lambda c: -dense[c]), 1)}
    heading = retriever.heading_scores(query, ids)
    h_best = max(heading, default=0.0) or 1.0
    qtokens = [t for t in dict.fromkeys(tokenize(query))]
    idf = retriever.idf(qtokens)
    q_weight = sum(idf.values()) or 1.0
    q_bigrams = _bigrams(re.sub(r"\s", "", query))
    doc_b: dict[str, float] = {}
    doc_d: dict[str, float] = {}
    for cid, c in zip(ids, chunks):
        doc_b[c.doc_id] = max(doc_b.get(c.doc_id, 0.0), lexical.get(cid, 0.0) / b_best)
        if cid in dense:
            doc_d[c.doc_id] = max(doc_d.get(c.doc_id, -1.0), dense[cid])
    tokens = retriever.token_sets
    asks_list = bool(LIST_WORDS.search(query))  # the question is about a catalogue or a list itself
    for i, (cid, c) in enumerate(zip(ids, chunks)):
        m = c.meta
        core = title_core(c.title)
        tb = _bigrams(core)
        ctoks = tokens[retriever.by_id[cid]]
        named = float(any(p in query for p in places(m.region)))
        x[i] = (
            lexical.get(cid, 0.0) / b_best,
            1 / math.log2(1 + b_rank[cid]) if cid in b_rank else 0.0,
            (dense[cid] - d_best) if cid in dense else -1.0,
            1 / math.log2(1 + d_rank[cid]) if cid in d_rank else 0.0,
            heading[i] / h_best,
            len(tb & q_bigrams) / len(tb) if tb else 0.0,
            named,
            doc_b.get(c.doc_id, 0.0),
            (doc_d[c.doc_id] - d_best) if c.doc_id in doc_d else -1.0,
            sum(w for t, w in idf.items() if t in ctoks) / q_weight,
            float(bool(re.search(r"条.*?第[一二三四五六七八九十百]+[款项]$", c.chunk_id) or c.lead)),
            math.log(1 + len(c.text)) / 10,
            float(m.status() == "in_force"),
            float(bool(m.sample) and not named),
            float(m.kind in ("catalog", "negative_list") and not asks_list),
        )
    return x


__all__ = ["FEATURES", "LinearRanker", "feature_matrix", "places", "title_core"]
