"""Evaluation data: the policy QA set (eval/qa/policy_qa.yaml + tests/data/shared_queries.yaml), match cases, STARD."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..documents.model import DocMeta, Document
from ..vocab.clause_id import article_key, split_citation
from ..vocab.numerals import NUMBER, to_int

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    gold: tuple[str, ...]  # empty → unanswerable from the corpus
    mention: tuple[str, ...] = ()
    as_of: date | None = None
    multi: bool = False

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_qa(repo: Path = REPO) -> list[QAItem]:
    items = []
    for i, row in enumerate(yaml.safe_load((repo / "tests" / "data" / "shared_queries.yaml").read_text(encoding="utf-8")), 1):
        gold = row.get("gold") or row["gold_prefix"]
        gold = gold if isinstance(gold, list) else [gold]
        items.append(QAItem(f"t{i:02d}", row["q"], tuple(gold), as_of=_date(row.get("as_of")), multi=len(gold) > 1))
    for row in yaml.safe_load((repo / "eval" / "qa" / "policy_qa.yaml").read_text(encoding="utf-8")):
        items.append(QAItem(row["id"], row["q"], tuple(row.get("gold") or ()), tuple(row.get("mention") or ()),
                            _date(row.get("as_of")), row.get("kind") == "multi"))
    ids = [it.id for it in items]
    if len(ids) != len(set(ids)):
        raise ValueError("policy_qa.yaml: duplicate ids")
    return items


def fixed_subset(items: list[QAItem], n: int, unanswerable: int) -> list[QAItem]:
    """A fixed subset (CI gate, slow LLM runs): by id hash, so adding items does not reshuffle it; n items of which
    `unanswerable` are unanswerable; in id order."""
    ranked = sorted(items, key=lambda it: hashlib.sha1(it.id.encode()).hexdigest())
    picked = [it for it in ranked if it.answerable][: n - unanswerable] + [it for it in ranked if not it.answerable][:unanswerable]
    return sorted(picked, key=lambda it: it.id)


def load_match_cases(repo: Path = REPO) -> list[dict]:
    return yaml.safe_load((repo / "eval" / "qa" / "match_cases.yaml").read_text(encoding="utf-8"))


# --- STARD (../shared/benchmarks/stard) ---

def load_stard(stard: Path):
    corpus = [json.loads(line) for line in (stard / "corpus.jsonl").open(encoding="utf-8")]
    queries = {q["qid"]: q for q in map(json.loads, (stard / "queries.jsonl").open(encoding="utf-8"))}
    split = json.loads((stard / "split.json").read_text(encoding="utf-8"))
    return corpus, queries, split


def stard_documents(corpus: list[dict]) -> list[Document]:
    """One document per law, each article on its own line, through the same parser as any policy file."""
    by_law: dict[str, list[dict]] = defaultdict(list)
    for row in corpus:
        by_law[row["law"]].append(row)
    docs = []
    for law, rows in by_law.items():
        text = "\n".join(f"{r['article']} {r['text']}" for r in rows) + "\n"
        meta = DocMeta(title=law, level="national", region="全国", kind="law")
        docs.append(Document(doc_id=law, file=f"{law}.md", sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, meta=meta))
    return docs


def stard_spans(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, clause id) of each article line in a STARD law document."""
    spans, pos = [], 0
    for line in doc.text.split("\n"):
        m = re.match(rf"^第({NUMBER})条(?:之({NUMBER}))?", line)
        if m:
            key = article_key(to_int(m.group(1)), to_int(m.group(2)) if m.group(2) else None)
            spans.append((pos, pos + len(line), f"{doc.doc_id}#{key}"))
        pos += len(line) + 1
    return spans


def stard_gold(article: str) -> str:
    """STARD id '<法名>第X条' → our clause id '<法名>#第X条'."""
    parts = split_citation(article)
    return f"{parts[0]}#{parts[1]}" if parts else article
