"""Train the verdict check for compliance questions no review standard covers (assistant/answer/verdict_model.py).

    .venv/bin/python eval/train_verdict.py [--write]

Questions: the compliance questions of eval/dev2 and eval/dev3 (two helpers, each seeing only ../shared/corpus), with
their gold verdicts. Features come from the chat itself (`details["evidence"]` of answers that no standard, limit or
lawful exception decided). Reported across the sets — trained on one, scored on the other — next to the chat without
the check; --write ships the model trained on both. Never the blind set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer import verdict_model as vm  # noqa: E402

SETS = {"dev2": REPO / "eval" / "dev2" / "qa_dev2.yaml", "dev3": REPO / "eval" / "dev3" / "qa_dev3.yaml"}
C = 4.0


def collect(chat, path: Path) -> list[dict]:
    from assistant.evaluate import blind

    rows = []
    for q in blind.load_questions(path):
        if q.kind != "compliance" or not q.verdict:
            continue
        a = chat.ask(q.question)
        ev = (a.details or {}).get("evidence")
        open_ = ev is not None and a.verdict == "有条件可以"  # what the check may turn into 不能
        rows.append({"q": a.question, "gold": q.verdict, "ours": a.verdict, "ev": vm.Evidence(**ev) if open_ else None})
    return rows


def fit(rows: list[dict]) -> vm.VerdictModel:
    from sklearn.linear_model import LogisticRegression

    train = [r for r in rows if r["ev"] is not None]
    x = np.vstack([vm.row(r["q"], r["ev"]) for r in train])
    y = [r["gold"] == "不能" for r in train]
    lr = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    return vm.VerdictModel(lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))


def right(rows: list[dict], model: vm.VerdictModel | None, threshold: float) -> int:
    n = 0
    for r in rows:
        v = r["ours"]
        if model is not None and r["ev"] is not None and r["ev"].prohibiting is not None \
                and model.probability(r["q"], r["ev"]) >= threshold:
            v = "不能"
        n += v == r["gold"]
    return n


def main(argv=None) -> int:
    from assistant.answer.chat import ChatAnswerer
    from assistant.evaluate.run import EvalSettings, policy_index
    from assistant.retrieve import HybridRetriever

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    vm.load.cache_clear()
    saved = vm.PATH.with_suffix(".off")
    if vm.PATH.exists():  # features are read with the check off
        vm.PATH.rename(saved)
    try:
        chat = ChatAnswerer(HybridRetriever(policy_index(EvalSettings()), ranker="default"))
        data = {name: collect(chat, path) for name, path in SETS.items()}
    finally:
        if saved.exists():
            saved.rename(vm.PATH)
        vm.load.cache_clear()
    for a, b in (("dev2", "dev3"), ("dev3", "dev2")):
        m = fit(data[a])
        cells = "  ".join(f"t={t}: {right(data[b], m, t) / len(data[b]):.3f}" for t in (0.4, 0.5, 0.6))
        print(f"train {a} → {b} ({len(data[b])}): without {right(data[b], None, 1.0) / len(data[b]):.3f}  {cells}")
    if args.write:
        m = fit(data["dev2"] + data["dev3"])
        m.save(meta={"trained_on": {k: len(v) for k, v in data.items()}, "C": C})
        print(f"{vm.PATH}: {vm.PATH.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
