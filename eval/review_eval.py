"""Draft-review quality: recall on held-back published violation cases (clause form), false flags on lawful
clauses (including near-misses), and the share of findings citing the right 条例 article.

    .venv/bin/python eval/review_eval.py [--cases ../shared/eval/cases-dev.jsonl] [--split held|dev]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.review.cases import load_cases  # noqa: E402
from assistant.review.detect import Detector  # noqa: E402
from assistant.review.draft import DraftClause  # noqa: E402


def choose_threshold(cases_path: Path, max_fp: float = 0.05) -> dict:
    """5-fold CV on the dev split only: the lowest threshold whose false-flag rate on lawful policy-style
    clauses stays ≤ max_fp, with the patterns in front (held-out cases and the test clauses are not used)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from assistant.review.classifier import law_articles, lawful_clauses

    cases = [c for c in load_cases(cases_path) if not c.held_out and c.policy_text and c.text]
    laws = law_articles(cases_path.parent.parent / "corpus")
    lawful = lawful_clauses()
    texts = [c.text for c in cases] + laws + lawful
    y = np.array([1] * len(cases) + [0] * (len(laws) + len(lawful)))
    kind = np.array(["case"] * len(cases) + ["law"] * len(laws) + ["lawful"] * len(lawful))
    w = np.where(kind == "lawful", 3.0, 1.0)
    scores = np.zeros(len(texts))
    for train_i, test_i in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, kind):
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
        x = vec.fit_transform([texts[i] for i in train_i])
        m = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(x, y[train_i], sample_weight=w[train_i])
        scores[test_i] = m.predict_proba(vec.transform([texts[i] for i in test_i]))[:, 1]
    det = Detector()
    pattern = np.array([bool(det.review_clause(DraftClause(1, "x", t))) for t in texts])
    table = []
    for t in np.arange(0.5, 0.96, 0.05):
        flag = pattern | (scores >= t)
        table.append({"threshold": round(float(t), 2), "recall": round(float(flag[kind == "case"].mean()), 3),
                      "fp_lawful": round(float(flag[kind == "lawful"].mean()), 3), "fp_law": round(float(flag[kind == "law"].mean()), 3)})
    ok = [r for r in table if r["fp_lawful"] <= max_fp]
    return {"table": table, "chosen": ok[0] if ok else None}


def measure(cases_path: Path, split: str, compliant: list[str]) -> dict:
    from assistant.evaluate.suites import review

    return review(cases_path, compliant, split)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=Path, default=REPO.parent / "shared" / "eval" / "cases-dev.jsonl")
    ap.add_argument("--split", choices=["held", "dev"], default="held")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    ap.add_argument("--choose", action="store_true", help="choose the classifier threshold by CV on the dev split")
    args = ap.parse_args(argv)
    if args.choose:
        print(json.dumps(choose_threshold(args.cases), ensure_ascii=False, indent=1))
        return 0
    compliant = yaml.safe_load((REPO / "tests" / "data" / "compliant_clauses.yaml").read_text(encoding="utf-8"))
    result = measure(args.cases, args.split, compliant)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"review-{args.split}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
