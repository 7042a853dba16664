"""A labelled case base from the published violation cases (../shared/eval/cases-dev.jsonl).

Old citations (2021 实施细则, 2008 反垄断法 numbering) are mapped to the 2024 条例 article they correspond to.
A fixed 30% of the cases (by id hash) is held back for measurement and never used by the detector.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..vocab.clause_id import article_key, find_articles

# 2021 公平竞争审查制度实施细则 standards → 2024 条例 articles
RULES_2021 = {13: "第八条", 14: "第九条", 15: "第十条", 16: "第十一条"}
# 反垄断法: 2008 numbering (三十二…三十七) and 2022 numbering (三十九…四十五) → 条例 article
AML = {32: "第八条", 39: "第八条", 33: "第九条", 41: "第九条", 34: "第九条", 42: "第九条",
       35: "第九条", 43: "第九条", 36: "第十一条", 44: "第十一条", 40: "第十一条"}
TYPE_WORDS = [("成本", "第十条"), ("奖励", "第十条"), ("补贴", "第十条"), ("税", "第十条"), ("准入", "第八条"),
              ("指定", "第八条"), ("限定", "第八条"), ("特许", "第八条"), ("流动", "第九条"), ("外地", "第九条"),
              ("招标", "第九条"), ("经营行为", "第十一条"), ("垄断", "第十一条"), ("价格", "第十一条")]


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    text: str  # the problem clause, or the case text when no clause was recorded
    articles: frozenset[str]  # 条例 articles (第八条…第十一条) the case violates
    policy_text: bool  # False for enforcement findings that no draft clause could show (e.g. 未获许可私自营业)
    held_out: bool


def held_out(case_id: str) -> bool:
    return int(hashlib.sha1(case_id.encode()).hexdigest(), 16) % 10 < 3


def map_articles(row: dict) -> frozenset[str]:
    rule = row.get("violated_rule") or ""
    out: set[str] = set()
    cited = find_articles(rule)
    if "细则" in rule or "第十五条 影响" in rule or re.search(r"第十[三四五六]条\s*(?:市场准入|商品和要素|影响生产)", rule):
        out |= {RULES_2021[n] for n in cited if n in RULES_2021}
    if "条例" in rule and "实施办法" not in rule:
        out |= {article_key(n) for n in cited if 8 <= n <= 11}
    if "反垄断法" in rule or row.get("case_kind", "").startswith("abuse"):
        out |= {AML[n] for n in cited if n in AML}
    if row.get("case_kind", "").startswith("ndrc") or "负面清单" in rule:
        out.add("第八条")
    if not out:
        vt = (row.get("violation_type") or "") + (row.get("title") or "")
        out |= {a for w, a in TYPE_WORDS if w in vt}
    return frozenset(out)


def load_cases(path: Path) -> list[Case]:
    rows = [json.loads(l) for l in path.open(encoding="utf-8") if l.strip()]
    cases = []
    for r in rows:
        text = (r.get("problem_clause") or "").strip() or _first_sentences(r.get("case_text") or "")
        enforcement = r.get("case_kind", "").startswith("ndrc") and not re.search(
            r"规定|要求|文件|印发|指定|限定|限制|设置|增设|不予|只能|必须|协议|排斥|禁止", text)
        cases.append(Case(r["id"], r.get("title") or "", text, map_articles(r), not enforcement, held_out(r["id"])))
    return cases


def _first_sentences(text: str, limit: int = 160) -> str:
    out = ""
    for s in re.split(r"(?<=[。；])", text):
        if len(out) + len(s) > limit and out:
            break
        out += s
    return out.strip()
