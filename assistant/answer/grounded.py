"""LLM answers grounded in retrieved clauses, post-checked sentence by sentence.

The model sees only the retrieved clauses, fenced as quoted data. Every sentence it writes must cite a retrieved clause
by number; every 「quote」 must appear verbatim in a cited clause. Sentences failing either check are removed and
counted as unsupported. If nothing survives, or the server is down, slow or returns garbage, the extractive answer is
returned with a notice. Questions the knowledge base cannot support are refused before the model is called.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from collections.abc import Iterator

from ..index.tokenize import tokenize
from ..llm.settings import LLMSettings, Prompt, load_prompt
from ..retrieve import Filters, HybridRetriever
from ..vocab.numerals import NUMBER
from .cite import citation
from .extractive import REFUSAL, Answer, ExtractiveAnswerer, best_sentence, distinct_clauses, resolve

SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")
MARK = re.compile(r"[\[［【](?:条款)?\s*(\d{1,2})\s*[\]］】]")
QUOTE = re.compile(r"「([^」]{2,})」|“([^”]{4,})”")
NOTICE_DOWN = "大模型服务暂不可用，以下为摘录式回答"
NOTICE_UNSUPPORTED = "大模型的回答未通过引用核验，以下为摘录式回答"
MIN_SUPPORT = 0.6  # share of a sentence's character bigrams found in its cited clauses or the question
ARTICLE_REF = re.compile(rf"(?:根据|依据|按照)《?[^，,。]{{0,20}}?》?(第{NUMBER}条)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _bigrams(text: str) -> set[str]:
    cjk = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z%]", "", text)
    return {cjk[i : i + 2] for i in range(len(cjk) - 1)}


def _cite_articles(text: str, clauses: list) -> str:
    """「根据第十六条，…」 → 「根据[n]，…」 when exactly one retrieved clause is that article (models often cite so)."""
    def sub(m):
        hits = [i for i, c in enumerate(clauses, 1) if (getattr(c, "article", "") or "").replace(" ", "") == m.group(1)]
        return m.group(0).replace(m.group(1), f"[{hits[0]}]") if len(hits) == 1 else m.group(0)

    return ARTICLE_REF.sub(sub, text)


def check(text: str, clauses: list, question: str = "") -> tuple[list[tuple[str, list[int]]], int]:
    """Sentences of `text` that cite retrieved clauses, quote them verbatim and are mostly made of their words
    → [(sentence, clause numbers)], plus how many sentences were removed as unsupported."""
    kept, removed = [], 0
    text = _cite_articles(text, clauses)
    for m in SENT.finditer(text):
        sent = m.group(0).strip()
        if len(_norm(MARK.sub("", sent)).strip("。，,；;：:")) < 4 or REFUSAL in sent:
            continue
        nums = sorted({int(n) for n in MARK.findall(sent)})
        valid = [n for n in nums if 1 <= n <= len(clauses)]
        if not valid or len(valid) != len(nums):
            removed += 1
            continue
        cited_text = _norm("".join(clauses[n - 1].text for n in valid))
        quotes = [q1 or q2 for q1, q2 in QUOTE.findall(sent)]
        if any(_norm(q) not in cited_text for q in quotes):
            removed += 1
            continue
        grams = _bigrams(MARK.sub("", sent))
        if grams and len(grams & (_bigrams(cited_text) | _bigrams(question))) / len(grams) < MIN_SUPPORT:
            removed += 1
            continue
        kept.append((sent, valid))
    return kept, removed


class GroundedAnswerer:
    """`GroundedAnswerer(retriever, LLMSettings(...)).ask("…")` → Answer (mode "llm", or the extractive fallback)."""

    def __init__(self, retriever: HybridRetriever, settings: LLMSettings, prompt: Prompt | None = None,
                 clauses: int = 4, clause_chars: int = 400, llm=None, lock=None) -> None:
        self.retriever = retriever
        self.settings = settings
        self.prompt = prompt or load_prompt("answer")
        self.clauses = clauses
        self.clause_chars = clause_chars
        self.extractive = ExtractiveAnswerer(retriever)
        self._llm = llm
        self.lock = lock or contextlib.nullcontext()  # held for index/embedder access only, never while the model runs

    @property
    def llm(self):
        if self._llm is None:
            self._llm = self.settings.chat_model()
        return self._llm

    def messages(self, question: str, hits) -> list[tuple[str, str]]:
        blocks = []
        for n, h in enumerate(hits, 1):
            text = h.chunk.text.strip()[: self.clause_chars].replace("原文>>>", "原文 >>>")  # a clause cannot close its fence
            blocks.append(self.prompt.clause.format(n=n, title=h.chunk.title, article=h.chunk.article, clause_id=h.chunk.chunk_id, text=text))
        return [("system", self.prompt.system), ("user", self.prompt.user.format(question=question, clauses="\n".join(blocks)))]

    def _prepare(self, question: str, history, filters):
        resolved = resolve(question, history or [])
        hits = self.retriever.search(resolved, k=8, filters=filters)
        return resolved, hits, distinct_clauses(hits, self.clauses)

    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None) -> Answer:
        final = None
        for final in self.stream(question, history, filters):
            pass
        return final  # type: ignore[return-value]

    def stream(self, question: str, history: list[str] | None = None, filters: Filters | None = None) -> Iterator[str | Answer]:
        """Yield the model's text as it streams (unchecked, for display), then the checked Answer last."""
        with self.lock:
            resolved, hits, chosen = self._prepare(question, history, filters)
            ok = bool(chosen) and self.extractive.answerable(resolved, hits)
        if not ok:
            yield self._fallback(resolved, hits, False, None)
            return
        text = ""
        try:
            for part in self.llm.stream(self.messages(resolved, chosen)):
                piece = part.content if isinstance(part.content, str) else ""
                if piece:
                    text += piece
                    yield text
        except Exception:  # noqa: BLE001 - any client/server failure → extractive answer with a notice
            yield self._fallback(resolved, hits, True, NOTICE_DOWN)
            return
        yield self._compose(resolved, text, hits, chosen)

    def _compose(self, resolved: str, text: str, hits, chosen) -> Answer:
        kept, removed = check(text, [h.chunk for h in chosen], resolved)
        if not kept:
            if REFUSAL in text:  # the model found the clauses insufficient: refuse, listing the closest ones
                refusal = self._fallback(resolved, hits, False, None)
                return replace(refusal, mode="llm", unsupported=removed, model=self.settings.model, prompt_version=self.prompt.version)
            return self._fallback(resolved, hits, True, NOTICE_UNSUPPORTED, removed)
        order: list[int] = []
        for _, nums in kept:
            order += [n for n in nums if n not in order]
        renumber = {n: i for i, n in enumerate(order, 1)}
        lines = []
        for sent, nums in kept:
            body = MARK.sub("", sent).strip().rstrip("。！？!?，, ")
            lines.append(body + "".join(f"[{renumber[n]}]" for n in nums) + "。")
        citations = []
        for n in order:
            c = chosen[n - 1].chunk
            terms = set(tokenize(" ".join(sent for sent, nums in kept if n in nums)))  # quote what the sentences rely on
            citations.append(citation(c, best_sentence(c.text, terms)))
        sources = ["", "依据："] + [f"[{i}] {c.display()}：「{c.quote}」"
                                   for i, c in enumerate(citations, 1)]
        return Answer("\n".join(lines + sources), True, tuple(citations), resolved, mode="llm", unsupported=removed,
                      model=self.settings.model, prompt_version=self.prompt.version)

    def _fallback(self, resolved: str, hits, ok: bool, notice: str | None, removed: int = 0) -> Answer:
        """The extractive answer from the same hits (no second search); with a notice when the model failed."""
        with self.lock:
            a = self.extractive.compose(resolved, hits, ok)
        if notice is None:
            return a
        return replace(a, answer=f"（{notice}）\n{a.answer}", notice=notice, unsupported=removed, model=self.settings.model,
                       prompt_version=self.prompt.version)
