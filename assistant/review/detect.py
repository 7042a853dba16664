"""Deterministic detector: pattern signals from the standards + similarity to published violation cases."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..vocab import clause_id
from .cases import Case
from .draft import INJECTION, Draft, DraftClause

MEASURES = "fair-competition-review-implementation-measures-2025"
# 实施办法 articles 9–24 detail 条例 第八 (9–12), 第九 (13–17), 第十 (18–20), 第十一条 (21–24)
MEASURES_TO_REGULATION = {n: "第八条" if n <= 12 else "第九条" if n <= 17 else "第十条" if n <= 20 else "第十一条" for n in range(9, 25)}
ARTICLE_NAMES = {"第八条": "限制市场准入和退出", "第九条": "限制商品要素自由流动", "第十条": "影响生产经营成本", "第十一条": "影响生产经营行为"}


@dataclass(frozen=True)
class Standard:
    id: str
    category: str
    severity: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    context: tuple[str, ...]
    articles: tuple[str, ...]
    clause_ids: tuple[str, ...]
    explanation: str
    suggestion: str


@dataclass
class Finding:
    clause_index: int
    clause_label: str
    clause_text: str
    category: str
    severity: str
    articles: list[str]
    explanation: str
    suggestion: str
    exception: str | None
    evidence: list[str] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)  # clause ids quoted verbatim in reports
    similar_cases: list[dict] = field(default_factory=list)
    standard: str | None = None

    def to_dict(self) -> dict:
        return {"clause_index": self.clause_index, "clause_label": self.clause_label, "clause_text": self.clause_text,
                "category": self.category, "severity": self.severity, "articles": self.articles,
                "explanation": self.explanation, "suggestion": self.suggestion, "exception": self.exception,
                "evidence": self.evidence, "provisions": self.provisions, "similar_cases": self.similar_cases,
                "standard": self.standard}


@lru_cache(maxsize=1)
def provision_catalogue() -> list[dict]:
    """One entry per 条/项 reviewed, with index clause ids resolved."""
    data = yaml.safe_load(Path(__file__).with_name("provisions.yaml").read_text(encoding="utf-8"))
    out = []
    for e in data["provisions"]:
        doc, _, rest = e["clause_id"].partition("#")
        out.append({**e, "clause_id": f"{data.get(doc, doc)}#{rest}"})
    return out


@lru_cache(maxsize=1)
def rulebase() -> dict:
    return yaml.safe_load(Path(__file__).with_name("standards.yaml").read_text(encoding="utf-8"))


def standards() -> list[Standard]:
    return [
        Standard(s["id"], s["category"], s["severity"], tuple(re.compile(p) for p in s["patterns"]),
                 tuple(re.compile(p) for p in s.get("unless") or ()), tuple(s.get("context") or ()), tuple(s["articles"]),
                 tuple(s["clause_ids"]), s["explanation"], s["suggestion"])
        for s in rulebase()["standards"]
    ]


class CaseBase:
    """TF-IDF cosine over character bigrams of published violation clauses (inverted index, fast)."""

    def __init__(self, cases: list[Case]) -> None:
        self.cases = [c for c in cases if c.text and c.articles]
        vectors = [self._bigrams(c.text) for c in self.cases]
        df = Counter(b for v in vectors for b in v)
        n = len(vectors) or 1
        self.idf = {b: math.log((n + 1) / (d + 0.5)) for b, d in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.norms = []
        for i, v in enumerate(vectors):
            for b, c in v.items():
                self.postings.setdefault(b, []).append((i, c * self.idf[b]))
            self.norms.append(self._norm(v))

    @staticmethod
    def _bigrams(text: str) -> Counter:
        text = re.sub(r"[^\u4e00-\u9fff]", "", text)
        return Counter(text[i : i + 2] for i in range(len(text) - 1))

    def _norm(self, v: Counter) -> float:
        return math.sqrt(sum((c * self.idf.get(b, 0.0)) ** 2 for b, c in v.items())) or 1.0

    def similar(self, text: str, k: int = 3) -> list[tuple[Case, float]]:
        q = self._bigrams(text)
        if not q or not self.cases:
            return []
        qn = self._norm(q)
        dots: dict[int, float] = {}
        for b, c in q.items():
            w = c * self.idf.get(b, 0.0)
            for i, cw in self.postings.get(b, ()):
                dots[i] = dots.get(i, 0.0) + w * cw
        best = sorted(((d / (qn * self.norms[i]), i) for i, d in dots.items()), reverse=True)[:k]
        return [(self.cases[i], s) for s, i in best]


NEGATION = re.compile(r"(?:不得|禁止|严禁|杜绝|不应|不准|取消|清理)(?:要求|以|将|把|设置|设立|强制|限定|指定|对|因|作为|排斥|限制|变相|违规|在|给予)")


def _negated(text: str, start: int) -> bool:
    """“不得要求投标人在本地设立分支机构” states the rule, it does not break it (unlike “不得使用外地产品”)."""
    return bool(NEGATION.search(text[max(0, start - 16) : start + 16]))


class Detector:
    """`Detector(case_base).review(draft)` → findings per clause; deterministic, no LLM.

    >>> from assistant.review.draft import split
    >>> Detector().review(split("对在本县注册的企业按其缴纳增值税的50%给予奖励。", "x"))[0].category
    '影响生产经营成本'
    """

    def __init__(self, case_base: CaseBase | None = None, case_threshold: float = 0.55, classifier=None, retriever=None) -> None:
        self.retriever = retriever  # optional: retrieves the 实施办法 article that details a learned finding
        self.standards = standards()
        self.case_base = case_base
        self.classifier = classifier
        self.case_threshold = case_threshold
        ex = rulebase()["exceptions"]
        self.exception_re = re.compile(ex["pattern"])
        self.exception_note = f"{ex['note']}（{ex['article']}）"

    def review_clause(self, clause: DraftClause) -> list[Finding]:
        text = INJECTION.sub("", clause.text)  # instructions inside the draft are data, never obeyed
        exception = self.exception_note if self.exception_re.search(text) else None
        findings: list[Finding] = []
        for s in self.standards:
            hit = next((m for p in s.patterns for m in p.finditer(text) if not _negated(text, m.start())), None)
            if hit is None or any(u.search(text) for u in s.unless):
                continue
            if s.context and not any(w in text for w in s.context):
                continue
            findings.append(Finding(clause.index, clause.label, clause.text, s.category, s.severity, list(s.articles),
                                    s.explanation, s.suggestion, exception, [hit.group(0)], list(s.clause_ids), standard=s.id))
        if findings and self.classifier is not None:
            self._reattribute(findings, text)
        similar = self.case_base.similar(text) if self.case_base else []
        cases = [{"id": c.id, "title": c.title, "score": round(sc, 3)} for c, sc in similar if sc >= self.case_threshold * 0.8]
        for f in findings:
            f.similar_cases = cases
        if not findings and self.classifier is not None:
            score = self.classifier.score([text])[0]
            if score >= self.classifier.threshold:
                art = self.classifier.article(text) or "第八条"
                near = f"；最相近的公开案例：{similar[0][0].title}" if similar and similar[0][1] >= 0.3 else ""
                detail = self._measures_article(text, art)
                findings.append(Finding(
                    clause.index, clause.label, clause.text, ARTICLE_NAMES.get(art, "其他排除限制竞争"), "中",
                    [f"公平竞争审查条例{art}"] + ([f"公平竞争审查条例实施办法{detail[1]}"] if detail else []),
                    f"表述与已公开的违规案例相近（模型评分 {score:.2f}），可能{ARTICLE_NAMES.get(art, '排除、限制竞争')}{near}",
                    "请对照所引条款逐项核实；如确属限制竞争，删除或改为面向所有经营者的公开、客观条件。",
                    exception, [], [f"fair-competition-review-regulation-2024#{art}"] + ([detail[0]] if detail else []),
                    cases, standard="classifier"))
        if not findings and self.classifier is None and similar and similar[0][1] >= self.case_threshold:
            case, score = similar[0]
            arts = sorted(case.articles, key=lambda a: list(ARTICLE_NAMES).index(a) if a in ARTICLE_NAMES else 9)
            findings.append(Finding(
                clause.index, clause.label, clause.text, ARTICLE_NAMES.get(arts[0], "其他排除限制竞争"), "中",
                [f"公平竞争审查条例{a}" for a in arts],
                f"与已公开的违规案例高度相似（相似度 {score:.2f}）：{case.title}", "参照该案例的整改结果修改或删除本条款。",
                exception, [], [f"fair-competition-review-regulation-2024#{a}" for a in arts], cases, standard="case-similarity"))
        return findings

    def _reattribute(self, findings: list[Finding], text: str) -> None:
        """A pattern says that a clause restricts competition; which 条例 article it falls under is decided by the
        published cases when their model is confident and disagrees (e.g. a 注册地 condition in a tender: 第九条)."""
        from .classifier import ARTICLE_OVERRIDE

        art, p = self.classifier.article_confidence(text)
        if art is None or p < ARTICLE_OVERRIDE:
            return
        for f in findings:
            if any(a.startswith(f"公平竞争审查条例{art}") for a in f.articles):
                continue
            detail = self._measures_article(text, art)
            f.articles = [f"公平竞争审查条例{art}"] + ([f"公平竞争审查条例实施办法{detail[1]}"] if detail else [])
            f.provisions = [f"fair-competition-review-regulation-2024#{art}"] + ([detail[0]] if detail else [])
            f.category = ARTICLE_NAMES.get(art, f.category)
            f.explanation += f"（已公开的同类案例多认定为违反条例{art}，模型置信度 {p:.2f}）"

    def _measures_article(self, text: str, regulation_article: str) -> tuple[str, str] | None:
        """The 实施办法 article (第九—二十四条) retrieved for this clause, if it details the same 条例 article."""
        if self.retriever is None:
            return None
        from ..retrieve import Filters

        for hit in self.retriever.search(text, k=8, filters=Filters(docs=(MEASURES,))):
            c = hit.chunk
            n = clause_id.parse(c.chunk_id).article_no
            if c.doc_id != MEASURES or n is None:
                continue
            if MEASURES_TO_REGULATION.get(n) == regulation_article:
                key = clause_id.article_key(n)
                return f"{MEASURES}#{key}", key
        return None

    def review(self, draft: Draft, progress=None) -> list[Finding]:
        out: list[Finding] = []
        for i, clause in enumerate(draft.clauses, 1):
            out.extend(self.review_clause(clause))
            if progress is not None:
                progress(i, len(draft.clauses))
        return out
