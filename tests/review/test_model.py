"""The shipped review model: the same findings on a machine without ../shared, small, no case text, up to date."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.review import model as m
from assistant.review.phrasings import load_phrasings

REPO = Path(__file__).resolve().parents[2]
DRAFT = "\n".join([
    "某县招商引资优惠办法（征求意见稿）",
    "第一条 对在本县注册并纳税的企业，按其缴纳增值税地方留成部分的50%给予奖励。",
    "第二条 按其实际缴纳土地出让金的70%予以返还。",
    "第三条 原则上应当从本县企业采购，由县工信局推荐供应商名单。",
    "第四条 鼓励各医疗机构在同等条件下优先采购县医药公司配送的药品。",
    "第五条 为保护生态环境，辖区内危险废物统一由某环保公司集中处置。",
    "第六条 本办法自发布之日起施行。",
])


def _review_json(tmp_path: Path, shared: Path | None) -> dict:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "POLICY_ASSISTANT_SHARED"}
    if shared is not None:
        env["POLICY_ASSISTANT_SHARED"] = str(shared)
    out = subprocess.run([sys.executable, "-m", "assistant.cli.main", "review", str(draft), "--json", "--index", str(tmp_path / "none")],
                         cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_same_findings_without_reference_data(tmp_path, shared_corpus):
    empty = tmp_path / "empty-shared"
    empty.mkdir()
    with_shared = _review_json(tmp_path, shared_corpus.parent)
    without = _review_json(tmp_path, empty)
    assert with_shared["findings"] == without["findings"]
    assert with_shared["model_version"] == without["model_version"] == m.load().version
    assert {f["clause_label"] for f in without["findings"]} == {"第一条", "第二条", "第三条", "第四条", "第五条"}


def test_artifact_is_small_and_holds_no_case_text():
    assert m.PATH.stat().st_size < 3_000_000
    model = m.load()
    assert all(len(t) <= 40 for t in model.case_titles)  # ids and short titles only; features are hashed


def test_artifact_matches_the_reference_data(shared_corpus):
    """Changing the phrasings, the lawful clauses or the cases without rebuilding fails here."""
    from assistant.review.build_model import fingerprint, training_data

    assert m.load().version == fingerprint(training_data(shared_corpus.parent)), \
        "运行 python -m assistant.review.build_model 重新生成审查模型"


def test_scores_separate_phrasings():
    model = m.load()
    viol = [p.text for p in load_phrasings() if p.violating]
    lawful = [p.text for p in load_phrasings() if not p.violating]
    assert sum(model.score(viol)) / len(viol) > 0.7
    assert sum(model.score(lawful)) / len(lawful) < 0.3


def test_missing_artifact_says_how_to_build(tmp_path):
    from assistant.errors import AssistantError

    with pytest.raises(AssistantError, match="build_model"):
        m.load(tmp_path / "nope.npz")
