"""Citations as an officer reads them: 《标题》第X条第Y项, 文号, status with dates, and a quote that carries the substance.

A quote is always a verbatim span of the clause. A lead-in ending in 「：」 is extended over the items that follow it
(the tiers and amounts), and when the question asks how much, sentences holding figures are preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..index.tokenize import tokenize
from ..vocab.labels import STATUS_LABELS
from .answer_type import figure_kind, states

SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
MAX_QUOTE = 220


@dataclass(frozen=True)
class Citation:
    clause_id: str
    file: str
    title: str
    doc_number: str | None
    article: str
    quote: str
    label: str = ""  # 《标题》第X条第Y项
    status: str = ""  # 现行有效 / 已废止 / 已失效 / 尚未施行 on the answer's date
    effective: str | None = None
    expires: str | None = None
    repealed: str | None = None
    sample: bool = False

    def display(self) -> str:
        """One line: label, 文号, status with dates."""
        parts = [self.label or f"《{self.title}》{self.article}"]
        if self.doc_number:
            parts.append(f"（{self.doc_number}）")
        parts.append(f"〔{status_text(self.status, self.effective, self.expires, self.repealed)}〕")
        return "".join(parts)


def status_text(status: str, effective: str | None, expires: str | None, repealed: str | None) -> str:
    bits = [status or "状态不明"]
    if effective:
        bits.append(f"{effective}起施行")
    if repealed:
        bits.append(f"{repealed}废止")
    elif expires:
        bits.append(f"有效期至{expires}")
    return "，".join(bits)


def clause_label(title: str, clause_id: str, article: str) -> str:
    """《标题》 and the clause's own place: 第十条第二项 from 'doc#第十条第二项', 二、/（六） for heading-numbered ones."""
    frag = clause_id.split("#", 1)[1] if "#" in clause_id else article
    frag = frag.split("@", 1)[0]
    if not frag.startswith("第"):
        frag = "".join(p for p in frag.split("/") if p) or article
    return f"《{title}》{frag}"


def citation(chunk, quote: str, as_of: date | None = None, clause_id: str | None = None) -> Citation:
    m = chunk.meta
    cid = clause_id or chunk.chunk_id
    return Citation(cid, chunk.file, chunk.title, chunk.doc_number, chunk.article, quote,
                    label=clause_label(chunk.title, cid, chunk.article), status=STATUS_LABELS.get(m.status(as_of), ""),
                    effective=m.effective or m.published, expires=m.expires, repealed=m.repealed, sample=m.sample)


ITEM = re.compile(r"\s*(?:（[一二三四五六七八九十\d]+）|\(?\d+[.)、．]|[一二三四五六七八九十]+、)")


def substance(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a span [start, end) that ends in a lead-in colon over the item lines that follow, within MAX_QUOTE."""
    if not text[start:end].rstrip().endswith(("：", ":")):
        return start, end
    stop = end
    while stop < len(text):
        line_start = stop + 1 if text[stop:stop + 1] == "\n" else stop
        if not ITEM.match(text, line_start):
            break
        nl = text.find("\n", line_start)
        nxt = len(text) if nl == -1 else nl
        if nxt - start > MAX_QUOTE and stop > end:
            break
        stop = nxt
    return start, stop


def best_quote(text: str, question: str, terms: set[str] | None = None) -> str:
    """The verbatim span of a clause that answers the question: most shared terms; figures when it asks how much;
    a lead-in ending in 「：」 extended over its items."""
    terms = terms if terms is not None else set(tokenize(question))
    kind = figure_kind(question)
    best, best_score = None, -1e9
    for m in SENTENCE.finditer(text):
        sent = m.group(0).strip()
        if len(sent) < 6:
            continue
        s, e = substance(text, m.start(), m.end())
        span = text[s:e].strip()
        toks = set(tokenize(span))
        score = len(toks & terms) + 0.001 * min(len(span), 80)
        if kind and states(span, kind):
            score += 2
        if sent.endswith(("：", ":")) and span == sent:
            score -= 1  # a bare lead-in says nothing
        if score > best_score:
            best, best_score = span, score
    return best or text.strip()[:120]
