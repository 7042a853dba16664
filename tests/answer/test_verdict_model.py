"""The verdict check for compliance questions no review standard covers (answer/verdict_model.py)."""

from __future__ import annotations

import numpy as np

from assistant.answer import verdict_model as vm


def test_shipped_model_loads_and_reads_evidence():
    m = vm.load()
    assert m is not None and m.coef.shape == (6 + vm.DIM,) and 0 < m.threshold < 1
    near = vm.Evidence(0.7, (0, 0.92), (5, 0.86), "x#第一条")
    far = vm.Evidence(0.1, None, (0, 0.92))
    q = "县里想给外地企业设置更高的准入门槛，行不行？"
    assert m.probability(q, near) > m.probability(q, far)


def test_missing_model_file_means_no_check(tmp_path):
    assert vm.load(tmp_path / "none.npz") is None


def test_round_trip(tmp_path):
    m = vm.VerdictModel(np.linspace(-1, 1, 6 + vm.DIM), 0.25, 0.6)
    m.save(tmp_path / "v.npz")
    back = vm.load(tmp_path / "v.npz")
    ev = vm.Evidence(0.3, (1, 0.9), None)
    assert abs(back.probability("问题", ev) - m.probability("问题", ev)) < 1e-4 and back.threshold == 0.6


def test_prohibition_quote_is_the_prohibiting_sentence():
    text = "第三十五条 招标文件应当载明投标截止时间。自招标文件发出之日起至投标截止之日止，不得少于二十日。"
    assert vm.prohibition_quote(text, "截标只给15天") == "自招标文件发出之日起至投标截止之日止，不得少于二十日。"
