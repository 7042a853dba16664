"""Extractive answers (no LLM) on the real corpus: cited, verbatim, and refusing what the KB cannot support."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.answer.extractive import REFUSAL, ExtractiveAnswerer, resolve
from assistant.retrieve import Filters

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((REPO / "tests" / "data" / "shared_queries.yaml").read_text(encoding="utf-8"))
OUT_OF_SCOPE = yaml.safe_load((REPO / "eval" / "answer_calibration.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def answerer(real_retriever):
    return ExtractiveAnswerer(real_retriever)


def test_every_quote_is_verbatim_and_cited(answerer, real_index):
    for case in CASES[:20]:
        as_of = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else date.today()
        a = answerer.ask(case["q"], filters=Filters(as_of=as_of))
        assert a.citations, case["q"]
        for c in a.citations:
            clause = real_index.store.clause(c.clause_id)
            assert clause is not None and c.quote in clause.text, (c.clause_id, c.quote)
            assert f"「{c.quote}」" in a.answer


def test_policy_questions_are_answered(answerer):
    answered = [c["q"] for c in CASES if answerer.ask(c["q"], filters=Filters(
        as_of=date.fromisoformat(str(c["as_of"])) if c.get("as_of") else date.today())).answerable]
    # calibration set: all but one answered by the plain extractive answerer. The one left, 「招商引资中能不能给企业
    # 返还税收」, is ranked right (条例第十条 first) but its top clauses' cosine falls just under the threshold; the chat
    # sends it to the review engine, which must say 不能.
    missed = [c["q"] for c in CASES if c["q"] not in answered]
    assert len(missed) <= 1, missed
    from assistant.answer.chat import ChatAnswerer

    a = ChatAnswerer(answerer.retriever).ask("招商引资中能不能给企业返还税收")
    assert a.verdict == "不能" and any(c.clause_id.startswith("fair-competition-review-regulation-2024#第十条") for c in a.citations)


def test_out_of_scope_questions_are_refused(answerer):
    refused = [q for q in OUT_OF_SCOPE if not answerer.ask(q).answerable]
    assert len(refused) >= len(OUT_OF_SCOPE) - 1  # calibration set: 19 of 20 refused
    a = answerer.ask("如何申请美国绿卡")
    assert a.answer.startswith(REFUSAL) and a.citations  # closest clauses shown, not invented


def test_follow_up_resolves_against_conversation(answerer):
    # the follow-up keeps the subject and changes the object
    assert resolve("那外资企业呢？", ["招商引资中能不能给企业返还税收"]) == "招商引资中能不能给外资企业返还税收"
    assert resolve("那负面清单呢？", ["外商投资企业能平等适用国家支持企业发展的政策吗"]).endswith("（负面清单）")
    a = answerer.ask("那外商投资企业呢？", history=["国家支持企业发展的政策"])
    assert a.answerable and any(c.clause_id.startswith("foreign-investment-law") for c in a.citations)


def test_ask_cli_json_contract(real_index, capsys):
    from assistant.cli.main import main

    assert main(["ask", "外商投资企业能平等适用国家支持企业发展的政策吗", "--index", str(real_index.root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"answer", "answerable", "citations"} and out["answerable"] is True
    assert out["citations"][0]["clause_id"] == "foreign-investment-law-2019#第九条"
    for c in out["citations"]:
        assert {"clause_id", "file", "article", "quote"} <= set(c)
        assert c["quote"] in real_index.store.clause(c["clause_id"]).text
