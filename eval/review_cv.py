"""5-fold cross-validation of the review on the dev split of the published cases (held-back cases never used):
each fold's cases are left out of the model's training, then reviewed by patterns + that model.

    .venv/bin/python eval/review_cv.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.review.build_model import fit, training_data
from assistant.review.detect import Detector
from assistant.review.draft import DraftClause
from assistant.review.model import THRESHOLD

REPO = Path(__file__).resolve().parents[1]


def fold(case_id: str, k: int = 5) -> int:
    return int(hashlib.md5(case_id.encode()).hexdigest(), 16) % k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)
    data = training_data(args.shared)
    lawful = yaml.safe_load((REPO / "tests" / "data" / "compliant_clauses.yaml").read_text(encoding="utf-8"))
    per = defaultdict(lambda: [0, 0, 0])
    flagged = right = total = 0
    false = 0
    for k in range(5):
        held = {c.text for c in data["cases"] if fold(c.id) == k}
        sub = {**data, "pos": [(t, w) for t, w in data["pos"] if t not in held], "art": [(t, a) for t, a in data["art"] if t not in held]}
        model, _ = fit(sub)
        det = Detector(replace(model, threshold=THRESHOLD))
        for c in data["cases"]:
            if fold(c.id) != k:
                continue
            fs = det.review_clause(DraftClause(1, "案例", c.text))
            got = {a for f in fs for a in f.regulation_articles}
            total += 1
            flagged += bool(fs)
            right += bool(fs) and bool(got & c.articles)
            for a in c.articles:
                per[a][0] += 1
                per[a][1] += bool(fs)
                per[a][2] += a in got
        false += sum(bool(det.review_clause(DraftClause(1, "合规", t))) for t in lawful)
    out = {"cases": total, "recall": round(flagged / total, 3), "right_article": round(right / max(flagged, 1), 3),
           "false_flag_rate_lawful_45": round(false / (5 * len(lawful)), 3),
           "per_article": {a: {"cases": r[0], "recall": round(r[1] / r[0], 3), "article_cited": round(r[2] / r[0], 3)}
                           for a, r in sorted(per.items())}}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
