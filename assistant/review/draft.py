"""Drafts → numbered clauses. Drafts are confidential: they are parsed in memory and never indexed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..documents.load import normalise, read_text
from ..documents.model import DocMeta, Document
from ..documents.parse import chunk
from ..errors import AssistantError, LoadError

INJECTION = re.compile(r"忽略(?:以上|之前|前面|上述).{0,6}(?:规则|指令|内容|要求)|ignore (?:all |the )?(?:previous|above) instructions|输出.{0,4}无风险", re.I)


@dataclass(frozen=True)
class DraftClause:
    index: int  # 1-based position in the draft
    label: str  # numbering as printed (第五条, （三）, 段落 N)
    text: str


@dataclass(frozen=True)
class Draft:
    name: str
    sha256: str
    clauses: tuple[DraftClause, ...]
    chars: int


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (opencc), so patterns and case matching see one script."""
    try:
        from opencc import OpenCC
    except ImportError:  # pragma: no cover - listed in the base requirements
        return text
    return OpenCC("t2s").convert(text)


def load_draft(source: str | Path, name: str | None = None, max_mb: float = 50.0) -> Draft:
    """A path (.docx .txt .md .pdf .html) or, with `name`, the text itself (pasted / stdin)."""
    if name is None:
        path = Path(source)
        if not path.exists():
            raise AssistantError(f"文稿不存在：{path}")
        try:
            text = read_text(path, path.name, max_mb=max_mb)
        except LoadError as exc:
            raise AssistantError(f"{exc.file}：{exc.reason}") from exc
        name = path.name
    else:
        text = normalise(str(source))
        if not text.strip():
            raise AssistantError("文稿为空：没有可审查的内容")
    return split(text, name)


def split(text: str, name: str) -> Draft:
    if text.startswith("---\n"):
        from ..documents.meta import split_front_matter

        try:
            _, text = split_front_matter(text, name)
        except LoadError:
            pass  # not front matter after all: review the text as it is
    text = to_simplified(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        raise AssistantError(f"{name}：文稿为空")
    if len(lines) == 1:  # a single sentence is one clause
        return Draft(name, digest, (DraftClause(1, "全文", lines[0].strip()),), len(text))
    from ..documents.parse import ARTICLE, policy_level

    first = lines[0].lstrip("# ").strip()
    title = first if not (ARTICLE.match(first) or policy_level(first)) else name  # a draft may start with 第一条
    doc = Document(doc_id="draft", file=name, sha256=digest, text=text, meta=DocMeta(title=title))
    clauses = []
    for piece in chunk(doc):
        if not piece.text.strip():
            continue
        label = piece.article if piece.article not in ("序言", "前言") else "引言"
        clauses.append(DraftClause(len(clauses) + 1, label, piece.text))
    return Draft(name, digest, tuple(clauses), len(text))
