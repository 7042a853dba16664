"""Chinese citations for reports: 《公平竞争审查条例》第十条第二项, never raw clause ids.

A shared formatter may later live in assistant/vocab/clause_id.py; this one is local to the review.

>>> cite("fair-competition-review-regulation-2024#第十条第二项")
'《公平竞争审查条例》第十条第二项'
>>> cite_article("公平竞争审查条例实施办法第十九条第四项")
'《公平竞争审查条例实施办法》第十九条第四项'
"""

from __future__ import annotations

import re

TITLES = {
    "fair-competition-review-regulation-2024": "公平竞争审查条例",
    "fair-competition-review-implementation-measures-2025": "公平竞争审查条例实施办法",
    "tax-collection-administration-law-2015": "中华人民共和国税收征收管理法",
    "urban-state-land-use-right-grant-transfer-interim-regulation-2020": "中华人民共和国城镇国有土地使用权出让和转让暂行条例",
    "bidding-law-2017": "中华人民共和国招标投标法",
    "anti-monopoly-law-2022": "中华人民共和国反垄断法",
    "infrastructure-public-utilities-franchise-measures-2024-partial": "基础设施和公用事业特许经营管理办法",
    "zhejiang-bidding-fair-competition-review-rules-2025": "浙江省招标投标领域公平竞争审查细则",
    "government-procurement-law-2014": "中华人民共和国政府采购法",
    "budget-law-2018": "中华人民共和国预算法",
    "optimizing-business-environment-regulation-2019": "优化营商环境条例",
    "private-economy-promotion-law-2025": "中华人民共和国民营经济促进法",
    "land-administration-law-2019": "中华人民共和国土地管理法",
    "land-administration-law-implementing-regulation-2021": "中华人民共和国土地管理法实施条例",
    "national-unified-market-construction-guideline-trial-2024": "全国统一大市场建设指引（试行）",
}
_SHORT = sorted({v.replace("中华人民共和国", ""): v for v in TITLES.values()}.items(), key=lambda kv: -len(kv[0]))


def cite(clause_id: str, store=None) -> str:
    """`doc#第十条第二项` → 《title》第十条第二项 (title from the index when known, else from the table)."""
    doc, _, path = clause_id.partition("#")
    title = TITLES.get(doc)
    if title is None and store is not None:
        row = next((r for r in store.doc_rows() if r["doc_id"] == doc), None)
        title = (row["meta"].get("title") or None) if row else None
    path = path.replace("/", "")
    return f"《{title}》{path}" if title else f"{doc}{path}"


def cite_article(article: str) -> str:
    """`公平竞争审查条例第十条第二项` → 《公平竞争审查条例》第十条第二项 (already quoted names are kept)."""
    if article.startswith("《"):
        return article
    for short, _full in _SHORT:
        if article.startswith(short) and re.match(r"第", article[len(short):]):
            return f"《{short}》{article[len(short):]}"
    return article
