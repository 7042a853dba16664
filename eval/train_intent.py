"""Train the question router (assistant/answer/intent_model.py); report 5-fold CV accuracy next to the rules.

    .venv/bin/python eval/train_intent.py [--write]

Questions: eval/dev2/qa_dev2.yaml and eval/dev3/qa_dev3.yaml (each written by a helper from ../shared/corpus only; its kinds compliance / incentive /
fact; unanswerable ones are left out — whether the KB holds an answer is not a routing question) and the chat route dev
set eval/qa/chat_routes.yaml. Never the blind set.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer.intent import classify_by_rules  # noqa: E402
from assistant.answer.intent_model import CLASSES, IntentModel, vectorise  # noqa: E402


def questions() -> list[tuple[str, str]]:
    out = []
    dev2 = yaml.safe_load((REPO / "eval" / "dev2" / "qa_dev2.yaml").read_text(encoding="utf-8"))["questions"]
    out += [(str(q["question"]), str(q["kind"])) for q in dev2 if q["kind"] in CLASSES]
    dev3 = REPO / "eval" / "dev3" / "qa_dev3.yaml"
    if dev3.exists():
        out += [(str(q["question"]), str(q["kind"])) for q in yaml.safe_load(dev3.read_text(encoding="utf-8"))["questions"]
                if q["kind"] in CLASSES]
    routes = yaml.safe_load((REPO / "eval" / "qa" / "chat_routes.yaml").read_text(encoding="utf-8"))
    out += [(str(r["q"]), str(r["route"])) for r in routes if r["route"] in CLASSES and not r.get("history")]
    return out


def _dev3_questions() -> set[str]:
    path = REPO / "eval" / "dev3" / "qa_dev3.yaml"
    return {str(q["question"]) for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]} if path.exists() else set()


def fit(rows, c: float) -> IntentModel:
    from sklearn.linear_model import LogisticRegression

    x = vectorise([q for q, _ in rows])
    y = [CLASSES.index(k) for _, k in rows]
    lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
    return IntentModel(lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--C", type=float, default=10.0)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    rows = questions()
    fold = [int(hashlib.sha1(q.encode()).hexdigest(), 16) % 5 for q, _ in rows]
    right = rules = 0
    per = {k: [0, 0, 0] for k in CLASSES}  # n, learned right, rules right
    for f in range(5):
        model = fit([r for r, k in zip(rows, fold) if k != f], args.C)
        for (q, kind), k in zip(rows, fold):
            if k != f:
                continue
            got = model.predict(q)[0]
            rule = classify_by_rules(q).intent
            rule = rule if rule in CLASSES else "fact"
            per[kind][0] += 1
            per[kind][1] += got == kind
            per[kind][2] += rule == kind
            right += got == kind
            rules += rule == kind
    print(f"{len(rows)} questions, 5-fold CV accuracy: learned {right / len(rows):.3f}, rules {rules / len(rows):.3f}")
    for kind, (n, a, b) in per.items():
        print(f"  {kind:10s} n={n:3d} learned {a / n:.3f} rules {b / n:.3f}")
    dev3 = _dev3_questions() & {q for q, _ in rows}
    if dev3:  # a second author's questions, scored by a router trained without them
        model = fit([r for r in rows if r[0] not in dev3], args.C)
        held = [r for r in rows if r[0] in dev3]
        print(f"dev3 ({len(held)}) by a router trained without it: {sum(model.predict(q)[0] == k for q, k in held) / len(held):.3f}, "
              f"rules {sum((classify_by_rules(q).intent if classify_by_rules(q).intent in CLASSES else 'fact') == k for q, k in held) / len(held):.3f}")
    if args.write:
        model = fit(rows, args.C)
        model = IntentModel(model.coef, model.bias, hashlib.sha256(repr(rows).encode()).hexdigest()[:12])
        model.save(meta={"trained_on": "eval/dev2 + eval/dev3 + eval/qa/chat_routes.yaml", "questions": len(rows), "C": args.C})
        print("wrote assistant/answer/data/intent-model.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
