"""Documents a question names without 《》, and whether they are held (answer/document_names.py)."""

from __future__ import annotations

import pytest

from assistant.answer.document_names import doc_numbers, held, named_documents

TITLES = ["中华人民共和国招标投标法（2017年修正）", "公平竞争审查条例", "上海市人民政府关于进一步深化完善“双特”政策的若干意见"]


@pytest.mark.parametrize("question,names", [
    ("按照政府采购需求管理办法，采购需求调查的门槛是多少？", ["政府采购需求管理办法"]),
    ("保障农民工工资支付条例对工资保证金有什么要求？", ["保障农民工工资支付条例"]),
    ("供应商对采购结果有意见怎么办？", []),
    ("招标人要提前多久通知？", []),
    ("县里想统一规定中标人摇号产生，可以吗？", []),
    ("企业主导制订了一项国际标准，补贴多少？", []),
])
def test_named_documents(question, names):
    assert named_documents(question) == names


def test_held_by_most_bigrams():
    assert held("招投标法", TITLES) and held("公平竞争审查条例", TITLES)
    assert not held("保障农民工工资支付条例", TITLES)


def test_doc_numbers():
    assert doc_numbers("依据沪府发〔2016〕49号和国务院令第783号") == ["沪府发〔2016〕49号", "国务院令第783号"]


def test_best_title_by_written_core_or_bigrams():
    from assistant.answer.document_names import best_title

    assert best_title("公平竞争审查条例的文号是什么？", TITLES) == "公平竞争审查条例"
    assert best_title("上海双特政策若干意见是哪天印发的？", TITLES) == TITLES[2]  # 7 of its 9 bigrams
    assert best_title("招投标法是哪个部门制定的？", TITLES) is None  # four characters name nothing safely
    assert best_title("海南自贸港建设总体方案的文号？", TITLES) is None
