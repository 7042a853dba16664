"""第十二条 hints: the item a clause's purpose may fall under, with the three conditions and the duty to explain."""

from __future__ import annotations

import pytest

from assistant.review.draft import DraftClause
from assistant.review.service import build_detector


@pytest.fixture(scope="module")
def det():
    return build_detector()


@pytest.mark.parametrize("text,item", [
    ("为保护生态环境，辖区内危险废物统一由某环保公司集中处置。", "公平竞争审查条例第十二条第三项"),
    ("为突破关键核心技术，对承担攻关任务的企业按其地方财政贡献给予奖励。", "公平竞争审查条例第十二条第二项"),
    ("为保障粮食安全，县内粮食收购统一由县粮食公司负责。", "公平竞争审查条例第十二条第一项"),
    ("为做好救灾救助，应急物资统一由县物资公司供应。", "公平竞争审查条例第十二条第三项"),
])
def test_hint_names_item_and_conditions(det, text, item):
    f = det.review_clause(DraftClause(1, "x", text))[0]
    h = f.exception_hint
    assert h and item in [i["item"] for i in h["items"]] and all(i["span"] in text for i in h["items"])
    assert [c.split("：")[0] for c in h["conditions"]] == ["必要性", "无更小影响的替代方案", "明确期限"]
    assert "第十七条" in h["record"] and "第十二条" in f.exception


def test_no_hint_without_such_a_purpose(det):
    f = det.review_clause(DraftClause(1, "x", "按其实际缴纳土地出让金的70%予以返还。"))[0]
    assert f.exception_hint is None and f.exception is None


def test_markdown_and_word_carry_the_hint(det, tmp_path):
    import docx as docx_lib

    from assistant.review.draft import split
    from assistant.review.report import build, docx, markdown

    d = split("第一条 为保护生态环境，辖区内危险废物统一由某环保公司集中处置。\n第二条 本办法自发布之日起施行。\n", "x")
    result = build(d, det.review(d))
    assert "第十二条提示" in markdown(result, d) and "实施期限" in markdown(result, d)
    out = tmp_path / "x.docx"
    docx(result, d, out)
    text = "\n".join(p.text for p in docx_lib.Document(str(out)).paragraphs)
    assert "第十二条例外提示" in text and "《公平竞争审查条例》第十二条第三项" in text
