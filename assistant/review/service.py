"""One way to assemble the review detector, used by the CLI, the app, the benchmark and the evaluation."""

from __future__ import annotations

from pathlib import Path

from .detect import Detector


def build_detector(cases_path: Path | None = None, corpus: Path | None = None, retriever=None,
                   use_classifier: bool = True) -> Detector:
    """Patterns + the shipped review model (`data/review-model.npz`, built from the reference data by
    `python -m assistant.review.build_model`). The reference data is not read at run time, so every machine gives
    the same findings; `cases_path` and `corpus` are accepted for compatibility and ignored."""
    from .model import load

    return Detector(load() if use_classifier else None, retriever=retriever)
