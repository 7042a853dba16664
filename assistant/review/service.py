"""One way to assemble the review detector, used by the CLI, the app, the benchmark and the evaluation."""

from __future__ import annotations

from pathlib import Path

from ..config import shared_dir
from .cases import load_cases
from .classifier import train
from .detect import CaseBase, Detector


def build_detector(cases_path: Path | None = None, corpus: Path | None = None, retriever=None,
                   use_classifier: bool = True) -> Detector:
    """Patterns + the case base and classifier from the dev split of the published cases (when available).
    Held-back cases are never used. Without the case file, the detector runs on the rule base alone."""
    cases_path = cases_path or shared_dir() / "eval" / "cases-dev.jsonl"
    if not cases_path.exists():
        return Detector(retriever=retriever)
    cases = load_cases(cases_path)
    corpus = corpus or cases_path.parent.parent / "corpus"
    classifier = train(cases, corpus) if use_classifier else None  # cached; None without scikit-learn
    return Detector(CaseBase([c for c in cases if not c.held_out and c.policy_text]), classifier=classifier, retriever=retriever)
