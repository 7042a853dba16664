"""Screening: market-access negative list, foreign-investment rules, and red-flag incentives."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..index.store import ClauseRow
from .profile import ProjectProfile
from .result import Flag

FIL = "foreign-investment-law-2019"


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load(Path(__file__).with_name("screening.yaml").read_text(encoding="utf-8"))


def _clause_with(store, doc_id: str, needle: str) -> ClauseRow | None:
    """The most specific clause of a document whose text contains `needle`."""
    best = None
    for c in store.clauses_of(doc_id):
        if needle in c.text and (best is None or len(c.text) < len(best.text)):
            best = c
    return best


def negative_list(profile: ProjectProfile, store, files: dict[str, str]) -> list[Flag]:
    cfg = config()
    doc = cfg["negative_list_doc"]
    text = profile.text()
    flags: list[Flag] = []
    if not text or doc not in files:
        return flags
    public = profile.enterprise_type == "国有"
    for kind, items in (("prohibited", cfg["prohibited"]), ("permit", cfg["permit"])):
        for item in items:
            hit = [k for k in item["keywords"] if k in text]
            if not hit or (item.get("only_non_public") and public):
                continue
            clause = _clause_with(store, doc, item["code"])
            if kind == "prohibited":
                issue = f"项目信息含“{'、'.join(hit)}”，可能触及市场准入负面清单禁止准入事项 {item['code']}：{item['issue']}。禁止准入事项不得进入，须先核实"
            else:
                issue = f"项目信息含“{'、'.join(hit)}”，属于许可准入事项 {item['code']}，需依法取得：{item['permit']}"
            flags.append(Flag(kind=kind, clause_id=clause.clause_id if clause else None, file=files[doc],
                              article=clause.article if clause else item["code"], issue=issue,
                              rule=f"市场准入负面清单（2025年版）事项编码{item['code']}"))
    return flags


def foreign(profile: ProjectProfile, store, files: dict[str, str], retriever) -> list[Flag]:
    if not profile.value("is_foreign") or FIL not in files:
        return []
    flags = [
        Flag(kind="foreign_access", clause_id=f"{FIL}#第四条", file=files[FIL], article="第四条",
             issue="外商投资实行准入前国民待遇加负面清单管理：须对照《外商投资准入特别管理措施（负面清单）》核实本项目不在禁止/限制范围（该清单未收入知识库）",
             rule="中华人民共和国外商投资法第四条"),
        Flag(kind="foreign_equal_treatment", clause_id=f"{FIL}#第九条", file=files[FIL], article="第九条",
             issue="外商投资企业依法平等适用国家支持企业发展的各项政策，本报告所列地方支持政策同样适用",
             rule="中华人民共和国外商投资法第九条"),
    ]
    text = " ".join(x for x in (profile.industry, profile.description) if x)
    if retriever is not None and text:
        from ..retrieve import Filters

        hits = retriever.search(text, k=3, filters=Filters(kind="catalog"))
        for h in hits:
            if h.bm25_rank is None or not re.match(r"\d+\.", h.chunk.text):
                continue  # only catalogue items that share words with the project
            flags.append(Flag(kind="foreign_encouraged", clause_id=h.chunk.chunk_id, file=h.chunk.file, article=h.chunk.article,
                              issue=f"可能属于鼓励外商投资产业目录条目：{h.chunk.text[:80]}（需人工确认；属鼓励类可依照第十四条享受优惠待遇）",
                              rule="鼓励外商投资产业目录（2025年版）；中华人民共和国外商投资法第十四条"))
    return flags


def red_flags(clause_text: str) -> list[dict]:
    """Red-flag patterns found in an incentive clause's own text."""
    return [rf for rf in config()["red_flags"] if re.search(rf["pattern"], clause_text)]
