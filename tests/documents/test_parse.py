"""Structure parsing on real Chinese legal and policy text."""

from __future__ import annotations

import re

from assistant.documents.model import DocMeta, Document
from assistant.documents.parse import chunk, clauses
from assistant.vocab.numerals import to_cn as int_to_cn
from assistant.vocab.numerals import to_int as cn_to_int


def doc(text: str, title: str = "测试文件", doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, file=f"{doc_id}.md", sha256="x", text=text, meta=DocMeta(title=title))


LAW = """# 公平竞争审查条例

## 第一章 总 则

第一条 为了规范公平竞争审查工作，促进市场公平竞争，制定本条例。

第三条 公平竞争审查工作坚持中国共产党的领导。

国家加强公平竞争审查工作，保障各类经营者依法平等使用生产要素。

## 第二章 审查标准

第十条 起草单位起草的政策措施，没有法律、行政法规依据或者未经国务院批准，不得含有下列影响生产经营成本的内容：

（一）给予特定经营者税收优惠；

（二）给予特定经营者选择性、差异化的财政奖励或者补贴；

（三）给予特定经营者要素获取、行政事业性收费、政府性基金、社会保险费等方面的优惠；

（四）其他影响生产经营成本的内容。

第二十七条 本条例自2024年8月1日起施行。
"""


def test_numbers_round_trip():
    for n in (1, 10, 11, 20, 21, 99, 100, 101, 110, 115, 999, 1000, 1001, 1010, 1015, 1058, 1100, 1227, 1260):
        assert cn_to_int(int_to_cn(n)) == n
    assert int_to_cn(105) == "一百零五" and int_to_cn(110) == "一百一十" and int_to_cn(1058) == "一千零五十八"


def test_articles_keep_chapter_path_and_ids():
    pieces = chunk(doc(LAW, "公平竞争审查条例", "fcr"))
    ids = [c.chunk_id for c in pieces]
    assert ids == ["fcr#第一条", "fcr#第三条", "fcr#第十条", "fcr#第二十七条"]
    tenth = pieces[2]
    assert tenth.path == ("第二章 审查标准",) and tenth.article == "第十条"
    assert "（二）给予特定经营者选择性、差异化的财政奖励或者补贴" in tenth.text
    assert "第二十七条" not in tenth.text


def test_clause_tree_addresses_kuan_and_xiang():
    tree = {c.clause_id: c for c in clauses(doc(LAW, "公平竞争审查条例", "fcr"))}
    assert tree["fcr#第三条第二款"].text.startswith("国家加强公平竞争审查工作")
    assert tree["fcr#第十条第一项"].text == "（一）给予特定经营者税收优惠；"
    assert tree["fcr#第十条第一项"].lead.startswith("第十条 起草单位")


def test_long_article_splits_at_items_never_across_articles():
    items = "\n\n".join(f"（{int_to_cn(i)}）对外地经营者设置歧视性条件的第{i}种情形，包括要求在本地注册登记、设立分支机构或者缴纳税收社保等不合理要求；" for i in range(1, 15))
    text = f"第八条 不得含有下列内容：\n\n{items}\n\n第九条 下一条的内容。\n"
    pieces = chunk(doc(text, doc_id="x"))
    assert pieces[0].chunk_id == "x#第八条第一款" and pieces[0].text == "第八条 不得含有下列内容："
    assert [p.chunk_id for p in pieces[1:3]] == ["x#第八条第一项", "x#第八条第二项"]
    assert all(p.lead == "第八条 不得含有下列内容：" for p in pieces[1:15])
    assert pieces[-1].chunk_id == "x#第九条" and "第八条" not in pieces[-1].text
    assert all("下一条" not in p.text for p in pieces[:-1])


def test_policy_headings_and_arabic_articles():
    text = """一、政策支持

第1条 设立总规模不低于1亿元的重点产业发展引导资金，列入县财政预算。

二、支持范围

(一)固定资产投资奖励

第2条 对重点产业新上的工业类项目，固定资产投资1000万元及以上且亩均投资强度不低于200万元的，按固定资产投资的5%—20%给予企业奖励。
"""
    pieces = chunk(doc(text, doc_id="lh"))
    assert [p.chunk_id for p in pieces] == ["lh#第一条", "lh#第二条"]
    assert pieces[1].article == "第2条"
    assert pieces[1].path == ("二、支持范围", "(一)固定资产投资奖励")


def test_unnumbered_document_labels_by_heading_and_numbered_paragraphs():
    text = """## 一、总体要求

### （一）指导思想

以习近平新时代中国特色社会主义思想为指导，加快建设高效规范、公平竞争、充分开放的全国统一大市场。

## 二、补贴对象

符合以下单位范围的申请人，可享受人才租房补贴：

1、符合临港地区产业发展导向的企业；

2、临港地区重点支持的研发中心；
"""
    pieces = chunk(doc(text, doc_id="op"))
    assert pieces[0].article == "（一）指导思想" and pieces[0].chunk_id == "op#一、/（一）"
    assert pieces[1].chunk_id == "op#二、"
    assert "1、符合临港地区产业发展导向的企业；" in pieces[1].text  # list kept with its lead-in


def test_catalogue_items_are_separate_units():
    text = "# 全国鼓励外商投资产业目录\n\n## 一、农、林、牧、渔业\n\n1.木本食用油料、调料和工业原料的种植、开发、生产\n\n2.绿色、有机蔬菜（含食用菌、西甜瓜）、干鲜果品、茶叶栽培技术开发、种植及产品生产\n\n3.酿酒葡萄育种、种植、生产\n"
    pieces = chunk(doc(text, title="鼓励外商投资产业目录", doc_id="cat"))
    assert [p.article for p in pieces] == ["1.", "2.", "3."]
    assert pieces[2].text == "3.酿酒葡萄育种、种植、生产"
    assert pieces[2].path == ("一、农、林、牧、渔业",)


def test_reference_at_line_start_is_not_an_article():
    text = "第一条 为了规范工作，制定本办法。\n\n第二条 适用范围如下。\n\n第十条规定的情形，依照其规定处理。\n\n第三条 本办法自公布之日起施行。\n"
    pieces = chunk(doc(text, doc_id="r"))
    assert [p.chunk_id for p in pieces] == ["r#第一条", "r#第二条", "r#第三条"]
    assert "第十条规定的情形" in pieces[1].text


def test_ids_are_stable_and_unique_over_reference_corpus(shared_corpus):
    from assistant.documents.source import load_document, scan

    manifests: dict = {}
    for src in scan([shared_corpus]):
        d = load_document(src, manifests, 50)
        first = [c.chunk_id for c in chunk(d)]
        again = [c.chunk_id for c in chunk(load_document(src, {}, 50))]
        assert first == again
        assert len(first) == len(set(first)), d.file
        tree_ids = [c.clause_id for c in clauses(d)]
        assert len(tree_ids) == len(set(tree_ids)), d.file


ARTICLE_LINE = re.compile(r"^第([一二三四五六七八九十百千零〇\d]+)条(?:[\s　]+|$)", re.M)


def test_no_chunk_spans_two_articles_over_reference_corpus(shared_corpus):
    """Every chunk holds at most one article heading, and each article's text lives in chunks of that article."""
    from assistant.documents.source import load_document, scan

    checked = 0
    for src in scan([shared_corpus]):
        d = load_document(src, {}, 50)
        for c in chunk(d):
            heads = ARTICLE_LINE.findall(c.text)
            assert len(heads) <= 1, (c.chunk_id, heads)
            if heads:
                assert c.article.startswith("第") and c.chunk_id.split("#", 1)[1].startswith("第"), c.chunk_id
                assert cn_to_int(heads[0]) == cn_to_int(re.match(r"第(.+?)条", c.chunk_id.split("#", 1)[1]).group(1))
            # verbatim: every chunk is a substring of its source document (modulo blank lines)
            assert all(line in d.text for line in c.text.split("\n")), c.chunk_id
            checked += 1
    assert checked > 1500


def test_document_starting_with_an_article_keeps_it():
    from assistant.documents.meta import from_text

    text = "第一条 为了规范招商引资工作，制定本办法。\n第二条 本办法自发布之日起施行。\n"
    meta = from_text(text, "办法.txt")
    assert meta.title == "办法"
    assert [c.chunk_id for c in chunk(Document("d", "办法.txt", "x", text, meta))] == ["d#第一条", "d#第二条"]
