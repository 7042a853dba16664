"""一事一议 advice on 20 dev requests: red lines with their 条/项, the lawful routes a reviewer accepts, 风险化解方案."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant.review.concession import advise, docx, markdown, route_data
from assistant.review.service import build_detector

CASES = yaml.safe_load((Path(__file__).parent / "data" / "concessions_dev.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def detector():
    return build_detector()


def test_twenty_dev_requests():
    assert len(CASES) == 20


@pytest.mark.parametrize("case", CASES, ids=[c["request"][:16] for c in CASES])
def test_red_lines_and_routes(detector, case):
    a = advise(case["request"], detector)
    got = {r["article"] for r in a.red_lines}
    assert set(case["red_lines"]) <= got, (got, case["red_lines"])
    assert all(r["citation"].startswith("《") and r["why"].endswith("。") for r in a.red_lines)
    routes = {r["id"]: r for r in a.routes}
    assert set(case["routes"]) <= set(routes), (sorted(routes), case["routes"])
    assert all(r["citations"] and all(c.startswith("《") for c in r["citations"]) for r in a.routes)
    assert ("article-12" in routes) == bool(case.get("exception"))
    assert a.plan and "不得" in a.plan[0]


def test_lawful_request_crosses_no_red_line(detector):
    a = advise("企业希望按照公开的申报条件申请设备投资补助，并依法享受国家高新技术企业税收优惠。", detector)
    assert a.red_lines == [] and a.routes == [] and "未发现" in a.plan[0]


def test_route_clauses_exist_in_the_corpus(shared_corpus):
    from assistant.documents.parse import chunk
    from assistant.documents.source import load_all

    wanted = {cid for r in route_data()["routes"] for cid in r["basis"]}
    docs = {cid.split("#")[0] for cid in wanted}
    have = set()
    for doc in load_all([shared_corpus]):
        if doc.doc_id in docs:
            have |= {f"{doc.doc_id}#{c.article}" for c in chunk(doc)}
    assert wanted <= have, wanted - have


def test_outputs_json_markdown_word(detector, tmp_path):
    import docx as docx_lib

    d = advise(CASES[0]["request"], detector).to_dict()
    json.dumps(d, ensure_ascii=False)
    md = markdown(d)
    assert "## 一、触及的红线" in md and "## 风险化解方案" in md and "《公平竞争审查条例》第十条第二项" in md
    out = tmp_path / "诉求.docx"
    docx(d, out)
    doc = docx_lib.Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "风险化解方案" in text and "《公平竞争审查条例》第十条第三项" in text and "fair-competition" not in text


def test_cli_concession(capsys, tmp_path):
    from assistant.cli.main import main

    assert main(["review", "--concession", CASES[0]["request"], "--json", "--index", str(tmp_path / "none")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["red_lines"] and out["routes"] and out["risk_plan"]
