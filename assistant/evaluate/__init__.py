"""Evaluation: quality suites (retrieval, answers, review, match) against baselines, tracked over time, gated in CI."""
