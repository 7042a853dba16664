"""Structure: items inside an article stay its 项, run-in headings are addressable clauses."""

from __future__ import annotations

from assistant.documents.model import DocMeta, Document
from assistant.documents.parse import chunk, clauses


def doc(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, file=f"{doc_id}.md", sha256="x", text=text, meta=DocMeta(title="测试"))


def test_heading_like_items_with_bodies_stay_items_of_their_article():
    text = ("第四条 对新引进项目给予以下支持：\n\n（一）用地支持\n\n优先保障项目用地。\n\n（二）资金支持\n\n按固定资产投资额的5%给予补助。\n\n"
            "（三）人才支持\n\n对引进的高层次人才给予安家补贴。\n\n第五条 本办法自发布之日起施行。\n")
    tree = {c.clause_id: c for c in clauses(doc(text))}
    assert "t#（三）" not in tree and "t#第四条第三项" in tree
    assert tree["t#第四条第三项"].text == "（三）人才支持\n对引进的高层次人才给予安家补贴。"
    assert tree["t#第四条第三项"].lead == "第四条 对新引进项目给予以下支持："
    assert "t#第五条" in tree


def test_headings_between_articles_still_head_them():
    text = "一、政策支持\n\n第1条 设立引导资金。\n\n二、支持范围\n\n(一)固定资产投资奖励\n\n第2条 对新上项目给予奖励。\n"
    pieces = chunk(doc(text, "lh"))
    assert [p.chunk_id for p in pieces] == ["lh#第一条", "lh#第二条"]
    assert pieces[1].path == ("二、支持范围", "(一)固定资产投资奖励")


def test_run_in_headings_are_clauses_labelled_by_their_heading():
    text = ("为促进智能制造发展，结合实际，特制定本配套政策。\n\n"
            "支持智能制造功能平台建设。鼓励相关机构在临港设立功能平台，按投资额的20%给予扶持，最高500万元。\n\n"
            "支持人才集聚。实施人才安居计划，每年安排一定数量的人才公寓。\n")
    tree = {c.clause_id: c for c in clauses(doc(text, "im"))}
    unit = tree["im#支持智能制造功能平台建设"]
    assert unit.article == "支持智能制造功能平台建设" and unit.text.startswith("支持智能制造功能平台建设。")
    assert "im#支持人才集聚" in tree and not any("前言第" in k for k in tree)


def test_numbered_run_in_paragraph_is_labelled_by_its_heading():
    text = "一、加大财政支持。设立专项资金，每年安排1亿元。\n\n二、强化用地保障。优先安排新增建设用地计划指标。\n"
    pieces = chunk(doc(text, "p"))
    assert [(p.chunk_id, p.article) for p in pieces] == [("p#一、", "一、加大财政支持"), ("p#二、", "二、强化用地保障")]


def test_leading_chapter_heading_is_kept_as_chapter():
    text = "# 第一章 总则\n\n第一条 为了规范招商引资，制定本办法。\n\n第二条 本办法自发布之日起施行。\n"
    pieces = chunk(doc(text, "c"))
    assert [p.chunk_id for p in pieces] == ["c#第一条", "c#第二条"] and pieces[0].path == ("第一章 总则",)
