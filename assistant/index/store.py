"""The clause store: SQLite, the source of truth of an index. Each document is replaced in one transaction."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..documents.model import Chunk, Clause, DocMeta, Document
from ..documents.supersede import supersede

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, file TEXT NOT NULL, root TEXT NOT NULL, sha256 TEXT NOT NULL,
    meta TEXT NOT NULL, n_clauses INTEGER NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clauses (
    clause_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL, article TEXT NOT NULL,
    path TEXT NOT NULL, text TEXT NOT NULL, lead TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL, article TEXT NOT NULL,
    path TEXT NOT NULL, text TEXT NOT NULL, lead TEXT NOT NULL, tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clauses_doc ON clauses(doc_id);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""


@dataclass(frozen=True)
class ClauseRow:
    """One stored clause (article, 款, 项) or indexed chunk, verbatim."""

    clause_id: str
    doc_id: str
    article: str
    path: tuple[str, ...]
    text: str
    lead: str

    def to_dict(self) -> dict:
        return {"clause_id": self.clause_id, "doc_id": self.doc_id, "article": self.article, "path": list(self.path),
                "text": self.text, "lead": self.lead}


class Store:
    """Documents, their clause tree and their chunks.

    >>> store = Store(":memory:")
    >>> store.doc_hashes()
    {}
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        if self.get("tokenizer") is None and self.db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None:
            from .tokenize import VERSION

            self.set("tokenizer", VERSION)  # a new store: its tokens will come from this tokenizer

    def close(self) -> None:
        self.db.close()

    # -- kv --------------------------------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT v FROM kv WHERE k=?", (key,)).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    # -- documents -------------------------------------------------------------------------
    def doc_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT doc_id, sha256 FROM documents"))

    def doc_rows(self, effective: bool = False) -> list[dict]:
        """Document rows with their metadata as stored, or (`effective`) with repeals by newer versions applied —
        the view search, ask, match and docs use (see documents/supersede.py)."""
        cur = self.db.execute("SELECT doc_id, file, root, sha256, meta, n_clauses, n_chunks, ingested_at FROM documents ORDER BY file")
        cols = [d[0] for d in cur.description]
        rows = []
        for values in cur:
            row = dict(zip(cols, values))
            row["meta"] = json.loads(row["meta"])
            rows.append(row)
        if effective:
            metas = supersede({r["doc_id"]: DocMeta(**r["meta"]) for r in rows})
            for r in rows:
                r["meta"] = metas[r["doc_id"]].to_dict()
        return rows

    def replace_document(self, doc: Document, root: str, clauses: list[Clause], chunks: list[Chunk], tokens: list[list[str]]) -> None:
        """Swap in a document's clauses and chunks atomically (a crash leaves the old or the new, never a mix)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S")
        with self.db:
            self._delete(doc.doc_id)
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.doc_id, doc.file, root, doc.sha256, json.dumps(doc.meta.to_dict(), ensure_ascii=False), len(clauses), len(chunks), now),
            )
            self.db.executemany(
                "INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(c.clause_id, doc.doc_id, i, c.article, json.dumps(c.path, ensure_ascii=False), c.text, c.lead) for i, c in enumerate(clauses)],
            )
            self.db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.chunk_id, doc.doc_id, c.ordinal, c.article, json.dumps(c.path, ensure_ascii=False), c.text, c.lead, " ".join(t))
                    for c, t in zip(chunks, tokens)
                ],
            )
            self._touch()

    def delete_document(self, doc_id: str) -> None:
        with self.db:
            self._delete(doc_id)
            self._touch()

    def _delete(self, doc_id: str) -> None:
        for table in ("documents", "clauses", "chunks"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))

    def _touch(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO kv (k, v) VALUES ('dirty', '1')")

    # -- chunks and clauses ----------------------------------------------------------------
    def chunk_ids(self, doc_id: str | None = None) -> list[str]:
        if doc_id is None:
            return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks ORDER BY doc_id, ord")]
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=? ORDER BY ord", (doc_id,))]

    def all_chunks(self) -> tuple[list[Chunk], list[list[str]]]:
        """Every chunk with its document metadata, and its BM25 tokens (index order = row order)."""
        metas = {r["doc_id"]: (r["file"], DocMeta(**r["meta"])) for r in self.doc_rows(effective=True)}
        chunks, tokens = [], []
        for cid, doc_id, ordinal, article, path, text, lead, toks in self.db.execute(
            "SELECT chunk_id, doc_id, ord, article, path, text, lead, tokens FROM chunks ORDER BY doc_id, ord"
        ):
            file, meta = metas[doc_id]
            chunks.append(Chunk(cid, doc_id, file, meta.title, meta.doc_number, article, tuple(json.loads(path)), text, ordinal, lead, meta))
            tokens.append(toks.split(" ") if toks else [])
        return chunks, tokens

    def clause(self, clause_id: str) -> ClauseRow | None:
        """Resolve a clause id (article, 款, 项, or indexed chunk) to its verbatim text."""
        for table, key in (("clauses", "clause_id"), ("chunks", "chunk_id")):
            row = self.db.execute(f"SELECT {key}, doc_id, article, path, text, lead FROM {table} WHERE {key}=?", (clause_id,)).fetchone()
            if row:
                return ClauseRow(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], row[5])
        return None

    def clauses_of(self, doc_id: str) -> list[ClauseRow]:
        """The document's clauses in reading order."""
        return [ClauseRow(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5]) for r in self.db.execute(
            "SELECT clause_id, doc_id, article, path, text, lead FROM clauses WHERE doc_id=? ORDER BY ord", (doc_id,))]

    def snapshot(self) -> str:
        """Content id of the index: changes whenever any chunk or document metadata changes."""
        cached = self.get("snapshot")
        if cached and self.get("dirty") != "1":
            return cached
        h = hashlib.sha256()
        for doc_id, sha, meta in self.db.execute("SELECT doc_id, sha256, meta FROM documents ORDER BY doc_id"):
            h.update(f"{doc_id}\0{sha}\0{meta}\n".encode())
        for (cid,) in self.db.execute("SELECT chunk_id FROM chunks ORDER BY chunk_id"):
            h.update(cid.encode("utf-8") + b"\n")
        value = h.hexdigest()[:16]
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO kv (k, v) VALUES ('snapshot', ?)", (value,))
            self.db.execute("INSERT OR REPLACE INTO kv (k, v) VALUES ('dirty', '0')")
        return value


def retokenize(store: Store) -> None:
    """Rebuild every chunk's BM25 tokens with the current tokenizer (after a tokenizer change)."""
    from .tokenize import VERSION

    chunks, _ = store.all_chunks()
    tokens = tokens_for(chunks)
    with store.db:
        store.db.executemany("UPDATE chunks SET tokens=? WHERE chunk_id=?", [(" ".join(t), c.chunk_id) for c, t in zip(chunks, tokens)])
        store.db.execute("INSERT OR REPLACE INTO kv (k, v) VALUES ('tokenizer', ?)", (VERSION,))


def tokens_for(chunks: Iterable[Chunk]) -> list[list[str]]:
    from .tokenize import tokenize

    return [tokenize(f"{c.article} {c.lead} {c.text}") for c in chunks]


__all__ = ["ClauseRow", "Store", "tokens_for", "retokenize"]
