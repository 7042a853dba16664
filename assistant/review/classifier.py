"""Negative training text for the review model: lawful policy-style clauses we wrote and national law articles."""

from __future__ import annotations

from pathlib import Path

import yaml


def lawful_clauses() -> list[str]:
    return yaml.safe_load(Path(__file__).with_name("data").joinpath("lawful_clauses.yaml").read_text(encoding="utf-8"))


def law_articles(corpus: Path) -> list[str]:
    """Article texts of the national laws, regulations and rules in a corpus folder (parsed, not indexed)."""
    from ..documents.parse import chunk
    from ..documents.source import load_all

    return [c.text for doc in load_all([corpus]) if doc.meta.level == "national" and doc.meta.kind in ("law", "regulation", "rule")
            for c in chunk(doc) if len(c.text) > 20]
