"""Frozen dataclasses handed between stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocMeta:
    """Document metadata; dates are ISO strings (YYYY-MM-DD) or None."""

    title: str
    doc_number: str | None = None
    issuer: str | None = None
    level: str | None = None  # national / provincial / municipal / county / park
    region: str | None = None  # e.g. 全国, 吉林省柳河县, 上海市临港地区
    kind: str | None = None  # law / regulation / rule / negative_list / catalog / local_policy / notice
    published: str | None = None
    effective: str | None = None
    repealed: str | None = None
    expires: str | None = None
    sample: bool = False  # a 示例 document written for the demo corpus
    index_no: str | None = None  # 索引号 from a government portal's info table
    superseded_by: str | None = None  # doc id of the newer same-title version that repealed this one
    note: str | None = None  # why the status is what it is (e.g. 被《…》（2023-02-08）取代)

    def status(self, as_of: date | None = None) -> str:
        """in_force / not_yet_effective / repealed / expired as of a date (default today)."""
        today = (as_of or date.today()).isoformat()
        if self.repealed and self.repealed <= today:
            return "repealed"
        if self.expires and self.expires < today:
            return "expired"
        start = self.effective or self.published
        if start and start > today:
            return "not_yet_effective"
        return "in_force"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A loaded file: normalised text plus metadata. `file` is relative to the ingest root."""

    doc_id: str
    file: str
    sha256: str
    text: str
    meta: DocMeta
    hints: dict = field(default_factory=dict)  # from the loader: index_no, issuer, issued, doc_number (portal table)


@dataclass(frozen=True)
class Clause:
    """One addressable unit of the clause tree (条, 款, 项, or a heading-numbered section)."""

    clause_id: str  # "<doc-slug>#第十条第一款"
    article: str  # article label as printed, e.g. 第十条; nearest heading for unnumbered text
    path: tuple[str, ...]  # chapter path: 编/章/节 or policy headings
    text: str  # verbatim text of this unit
    lead: str = ""  # the article's lead-in sentence when this is an item (项) split off


@dataclass(frozen=True)
class Chunk:
    """What gets indexed: a clause with its document context. Never spans two articles."""

    chunk_id: str
    doc_id: str
    file: str
    title: str
    doc_number: str | None
    article: str
    path: tuple[str, ...]
    text: str
    ordinal: int
    lead: str = ""
    meta: DocMeta = field(default_factory=lambda: DocMeta(title=""))

    def passage(self) -> str:
        """Text given to the embedder: title, chapter path and article label, then lead-in and text
        (the label is not repeated when the text starts with it)."""
        head = " ".join(p for p in (self.title, *self.path, self.article) if p)
        text = self.text
        if self.article and text.startswith(self.article):
            text = text[len(self.article) :].lstrip()
        body = (self.lead + "\n" if self.lead else "") + text
        return f"{head}\n{body}"
