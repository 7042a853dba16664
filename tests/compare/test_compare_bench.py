"""The compare benchmark's synthesised regions and rules are valid and all used (no timing asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eval.bench_compare import bench_compare, cn  # noqa: E402


def test_chinese_numerals():
    assert [cn(i) for i in (1, 9, 10, 11, 20, 35, 50)] == ["一", "九", "十", "十一", "二十", "三十五", "五十"]


def test_synthesised_set_is_used_in_full():
    r = bench_compare(regions=2, rules=12, runs=1)
    assert r["regions"] == 2 and r["rules_per_region"] == 12 and r["red_flagged_offers"] >= 2
