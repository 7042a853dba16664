"""`match`, `review` and `search` output (JSON and Markdown) on the sample corpus stays byte-for-byte the same.

The snapshots in tests/cli/snapshots/ were written before the result types became frozen dataclasses; a change to
the output is a change to the contract: regenerate them deliberately with `SNAPSHOT_UPDATE=1`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.index import Index
from assistant.index.ingest import ingest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).with_name("snapshots")
PROFILE = {"name": "新能源汽车电驱系统项目", "industry": "汽车零部件制造", "description": "新能源汽车电驱、电机生产",
           "region": "滨湖经济技术开发区", "fixed_asset_investment_wan": 60000, "land_mu": 100, "annual_tax_wan": 3000,
           "chain_role": "补链", "rd_ratio": 6, "qualifications": ["国家高新技术企业"], "talent": ["博士", "硕士"], "local_fiscal_contribution_wan": 500}
SMALL = {"name": "小型加工项目", "industry": "食品加工", "region": "临江市滨湖经济技术开发区", "fixed_asset_investment_wan": 800,
         "land_mu": 10}
DRAFT = "\n".join([  # written for this test: pattern hits, merged standards, a learned finding, a lawful clause
    "第一条 对在本县注册并纳税的企业，按其缴纳增值税地方留成部分的50%给予奖励。",
    "第二条 投标人须在本市设立分支机构，否则不得参与投标。服务网点设在本县境内的得3分。",
    "第三条 鼓励各医疗机构在同等条件下优先采购县医药公司配送的药品。",
    "第四条 企业享受扶持政策后须承诺十年内不迁出本区，迁出的应退回已享受的补助。",
    "第五条 对符合条件的企业，按照公开、公平的原则给予技术改造补助。",
])
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")  # 生成时间 of a review


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("snap") / "idx"
    ingest([REPO / "corpus"], Index.open(root, embedder="fake"), show_progress=False)
    return root


def _run(capsys, args) -> str:
    capsys.readouterr()
    assert main(args) == 0
    out = STAMP.sub("<time>", capsys.readouterr().out)
    return out.replace(str(REPO), "<repo>")  # the same snapshot from any checkout


def _same(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("SNAPSHOT_UPDATE") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


def test_match_output_is_unchanged(sample_index, tmp_path, capsys):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    base = ["match", str(profile), "--index", str(sample_index), "--as-of", "2025-06-01"]
    out = _run(capsys, [*base, "--json"])
    assert json.loads(out)["eligible"], "the sample profile must be eligible for something, or the snapshot proves little"
    _same("match.json", out)
    _same("match.md", _run(capsys, base))
    profile.write_text(json.dumps(SMALL, ensure_ascii=False), encoding="utf-8")
    out = _run(capsys, [*base, "--json"])
    assert json.loads(out)["ineligible"]
    _same("match-small.json", out)
    _same("match-small.md", _run(capsys, base))


def test_review_output_is_unchanged(sample_index, tmp_path, capsys):
    draft = str(REPO / "corpus" / "demo-investment-agreement-draft.md")
    out = _run(capsys, ["review", draft, "--index", str(sample_index), "--json"])
    assert json.loads(out)["findings"], "the sample agreement has unlawful clauses"
    _same("review.json", out)
    _same("review.md", _run(capsys, ["review", draft, "--index", str(sample_index)]))
    mine = tmp_path / "draft.md"
    mine.write_text(DRAFT, encoding="utf-8")
    out = _run(capsys, ["review", str(mine), "--index", str(sample_index), "--json"])
    assert "classifier" in {f["standard"] for f in json.loads(out)["findings"]}
    _same("review-draft.json", out)
    _same("review-draft.md", _run(capsys, ["review", str(mine), "--index", str(sample_index)]))


def test_search_output_is_unchanged(sample_index, capsys):
    out = _run(capsys, ["search", "按地方财政贡献给予企业奖励", "--index", str(sample_index), "--json", "-k", "5"])
    assert json.loads(out)
    _same("search.json", out)
