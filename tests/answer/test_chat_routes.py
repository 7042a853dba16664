"""The officer's chat on the real corpus: each route (compliance / incentive / fact / out_of_scope) and the conversation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.answer.chat import ChatAnswerer
from assistant.answer.extractive import REFUSAL
from assistant.retrieve import Filters
from assistant.match.service import DEFAULT_RULE_DIRS

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chat(real_retriever):
    return ChatAnswerer(real_retriever, rule_dirs=DEFAULT_RULE_DIRS)


def test_compliance_question_gets_no_with_article_ten(chat, real_index):
    a = chat.ask("招商引资时能不能承诺按企业缴纳的税收给予返还？")
    assert a.intent == "compliance" and a.verdict == "不能" and a.answer.startswith("不能")
    assert a.citations[0].clause_id == "fair-competition-review-regulation-2024#第十条第二项"
    assert a.citations[0].label == "《公平竞争审查条例》第十条第二项" and a.citations[0].status == "现行有效"
    for c in a.citations:
        assert c.quote in real_index.store.clause(c.clause_id).text


def test_follow_up_changes_the_object_and_the_answer(chat):
    first = chat.ask("招商引资时能不能承诺按企业缴纳的税收给予返还？")
    a = chat.ask("那土地出让金呢？", history=[first.question])
    assert a.follow_up and "土地出让金" in a.question and "税收" not in a.question
    assert a.verdict == "不能" and a.citations[0].clause_id == "fair-competition-review-regulation-2024#第十条第三项"
    assert a.answer != first.answer


def test_new_topic_does_not_inherit(chat):
    first = chat.ask("临港地区对智能制造项目有哪些支持政策？")
    a = chat.ask("今天中午吃什么？", history=[first.question])
    assert not a.follow_up and a.question == "今天中午吃什么？"
    assert a.intent == "out_of_scope" and not a.answerable and a.answer.startswith(REFUSAL)
    assert not ({c.clause_id for c in a.citations} & {c.clause_id for c in first.citations})


def test_lawful_measure_is_allowed(chat):
    a = chat.ask("能不能对符合条件的企业按照国家规定享受税收优惠？")
    assert a.intent == "compliance" and a.verdict in ("可以", "有条件可以") and a.citations


def test_incentive_question_runs_the_matcher(chat):
    a = chat.ask("在柳河县投资1.2亿元建设中药饮片生产项目，能享受哪些支持？", filters=Filters(as_of=date(2024, 6, 1)))
    assert a.intent == "incentive"
    assert a.details["profile"]["region"] == "吉林省柳河县" and a.details["profile"]["total_investment_wan"] == "1.2亿元"
    assert a.details["eligible"] or a.details["unknown"]
    assert a.details["ask"], "what to ask the investor"
    assert all(c.clause_id.startswith("liuhe-county-key-industries-support-opinions-2023") for c in a.citations)


def test_fact_question_quotes_the_sentence_with_the_fact(chat):
    a = chat.ask("公平竞争审查条例什么时候施行？")
    assert a.intent == "fact" and a.answerable
    assert a.citations[0].clause_id == "fair-competition-review-regulation-2024#第二十七条"
    assert "2024年8月1日" in a.conclusion


def test_unheld_region_and_document_are_refused(chat):
    for q in ("广东省对新引进项目有什么奖励政策？", "《海南自由贸易港建设总体方案》对企业所得税有什么规定？"):
        a = chat.ask(q)
        assert a.intent == "out_of_scope" and not a.answerable and REFUSAL in a.answer, q


def test_ask_json_has_intent_and_verdict(real_index, capsys):
    from assistant.cli.main import main

    assert main(["ask", "招商引资中能不能给企业返还税收", "--index", str(real_index.root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["intent"] == "compliance" and out["verdict"] == "不能" and out["answerable"] is True
    assert {"clause_id", "file", "article", "quote", "label", "status"} <= set(out["citations"][0])


def test_dead_reranker_keeps_the_first_stage_order_with_a_notice(real_retriever):
    from assistant.retrieve.rerank import RerankSettings

    chat = ChatAnswerer(real_retriever, reranker=RerankSettings(url="http://127.0.0.1:9", timeout=1))
    a = chat.ask("公平竞争审查条例什么时候施行？")
    assert a.answerable and a.citations[0].clause_id == "fair-competition-review-regulation-2024#第二十七条"
    assert "重排序服务不可用" in a.notice


def test_how_much_question_needs_a_clause_that_states_the_figure(chat):
    # 政府采购法第二十七条 leaves the 公开招标 threshold to the State Council and the provinces: no figure to quote
    a = chat.ask("政府采购货物和服务项目，公开招标的数额标准是多少万元？")
    assert a.intent == "out_of_scope" and not a.answerable and "金额或标准" in a.answer
    b = chat.ask("依法必须招标的项目，招标文件发出到投标截止最短多少天？")
    assert b.answerable and "二十日" in b.conclusion


def test_measure_outside_the_standards_is_held_to_the_prohibiting_clause(chat):
    a = chat.ask("政府采购货物招标，从发出招标文件到投标截止只留15天，行不行？")
    assert a.verdict == "不能" and "须人工核实" in a.conclusion
    assert a.citations[0].clause_id == "government-procurement-law-2014#第三十五条" and "不得少于二十日" in a.citations[0].quote
    assert a.details["prohibited_p"] >= 0.5 and a.details["evidence"]["prohibiting_id"] == a.citations[0].clause_id


def test_documents_named_without_brackets_or_by_number_must_be_held(chat):
    for q in ("高新技术企业认定管理办法里研发费用比例要求是什么？", "国办发〔2019〕99号文件对园区用地有什么要求？"):
        a = chat.ask(q)
        assert a.intent == "out_of_scope" and not a.answerable and "知识库中没有" in a.answer, q
    a = chat.ask("招投标法里依法必须招标的项目，招标文件发出到投标截止最短多少天？")  # an abbreviation of a held law
    assert a.answerable


def test_outcome_statistics_are_refused_on_every_route(chat):
    a = chat.ask("柳河县2025年重点产业奖励实际兑现了多少钱？")  # routed as an incentive question
    assert not a.answerable and "不记载执行情况和统计数据" in a.answer


def test_document_facts_come_from_its_record_and_missing_ones_are_refused(chat):
    a = chat.ask("公平竞争审查条例的文号是什么？")
    assert a.answerable and "国务院令第783号" in a.conclusion and a.details["metadata"] == {"文号": "国务院令第783号"}
    b = chat.ask("临港国际智能制造中心行动方案（2015-2020）是哪个单位发的文？")  # its record says 发文单位未注明
    assert not b.answerable and "没有记载发文单位" in b.answer


def test_a_finding_is_cited_with_the_rules_of_the_field_the_question_is_about(chat):
    a = chat.ask("公路工程施工招标，要求投标人必须在本省设立分公司才能投标，可以吗？")
    assert a.verdict == "不能"
    standard = {p.split("#")[0] for f in a.details["findings"] for p in f["provisions"]}
    others = [c for c in a.citations if c.clause_id.split("#")[0] not in standard]
    assert 1 <= len(others) <= 2 and not any(c.sample for c in others), [c.clause_id for c in a.citations]
    assert any(c.clause_id.startswith("highway-project-bidding-docs-fair-competition-guideline-2025#") for c in others)
