"""Ingest: scan files, add new / update changed / delete removed documents, repair after a crash.

Order of writes per document: vectors upserted first, then the SQLite swap (atomic), then stale vectors
deleted. Search only trusts chunk ids present in SQLite, so a kill at any moment never surfaces a deleted
clause or a duplicate; `reconcile()` at the start of the next run removes leftovers and fills gaps.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..config import MAX_FILE_MB
from ..documents.parse import chunk, clauses
from ..documents.source import SourceFile, load_document, scan, slug
from ..errors import AssistantError, LoadError, SkipFile
from .open import Index
from .store import tokens_for


@dataclass(frozen=True)
class FileResult:
    file: str
    status: str  # added / updated / unchanged / removed / duplicate / skipped / failed
    detail: str = ""
    doc_id: str | None = None
    chunks: int = 0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    repaired: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


def reconcile(index: Index, progress: Callable[[int], None] | None = None) -> int:
    """Make the vector store hold exactly the chunk ids in SQLite. Returns the number of fixes."""
    want = set(index.store.chunk_ids())
    have = index.vectors.ids()
    extra = sorted(have - want)
    missing = sorted(want - have)
    if extra:
        index.vectors.delete(extra)
    if missing:
        chunks, _ = index.store.all_chunks()
        todo = [c for c in chunks if c.chunk_id in set(missing)]
        for i in range(0, len(todo), 64):
            part = todo[i : i + 64]
            vecs = index.embedder.embed_passages([c.passage() for c in part])
            index.vectors.upsert([c.chunk_id for c in part], vecs, [c.doc_id for c in part])
    return len(extra) + len(missing)


def ingest(paths: list[Path], index: Index, max_mb: float = MAX_FILE_MB, show_progress: bool = True,
           overrides: dict[str, dict] | None = None,
           on_file: Callable[[int, int, str], None] | None = None,
           on_page: Callable[[str, int, int], None] | None = None) -> IngestReport:
    """`overrides`: metadata overlay by file name (e.g. a repeal the source folder does not record).
    `on_file(i, n, file)` before each file and `on_page(file, page, pages)` during OCR report progress (the app)."""
    report = IngestReport()
    report.repaired = reconcile(index)
    store = index.store
    existing = store.doc_hashes()
    rows = {r["doc_id"]: r for r in store.doc_rows()}
    by_hash = {sha: doc_id for doc_id, sha in existing.items()}
    seen_docs: set[str] = set()
    seen_hashes: dict[str, str] = {}
    seen_files: dict[str, str] = {}
    roots: set[str] = set()
    failed_docs: set[str] = set()
    manifests: dict = {}

    sources: list[SourceFile] = []
    for item in scan([Path(p) for p in paths]):
        if isinstance(item, LoadError):
            report.results.append(FileResult(item.file, "failed", item.reason))
        else:
            sources.append(item)
            if Path(paths[0]).is_dir() or any(Path(p).is_dir() for p in paths):
                roots.add(str(item.root))

    bar = _progress(len(sources), show_progress)
    from ..documents.ocr import PAGE_PROGRESS

    token = PAGE_PROGRESS.set(on_page or (lambda f, i, n: bar.set_postfix_str(f"{f[-30:]} OCR 第 {i}/{n} 页")))
    for number, src in enumerate(sources, 1):
        bar.set_postfix_str(src.rel[-40:], refresh=False)
        if on_file:
            on_file(number, len(sources), src.rel)
        try:
            doc = load_document(src, manifests, max_mb, overrides)
        except SkipFile as exc:
            report.results.append(FileResult(src.rel, "skipped", exc.reason))
            bar.update(1)
            continue
        except LoadError as exc:
            failed_docs.add(slug(src.rel))
            report.results.append(FileResult(src.rel, "failed", exc.reason))
            bar.update(1)
            continue
        twin = seen_hashes.get(doc.sha256) or (by_hash.get(doc.sha256) if by_hash.get(doc.sha256) != doc.doc_id else None)
        if twin and twin != doc.doc_id and (twin in seen_docs or _still_exists(rows.get(twin))):
            twin_file = seen_files.get(twin) or rows.get(twin, {}).get("file", twin)
            report.results.append(FileResult(src.rel, "duplicate", f"与已导入的 {twin_file} 内容相同，只导入一次", twin))
            bar.update(1)
            continue
        seen_docs.add(doc.doc_id)
        seen_files[doc.doc_id] = src.rel
        seen_hashes[doc.sha256] = doc.doc_id
        if existing.get(doc.doc_id) == doc.sha256 and rows[doc.doc_id]["meta"] == doc.meta.to_dict():
            report.results.append(FileResult(src.rel, "unchanged", doc_id=doc.doc_id, chunks=rows[doc.doc_id]["n_chunks"]))
            bar.update(1)
            continue
        try:
            n = write_document(index, doc, str(src.root))
        except AssistantError as exc:
            report.results.append(FileResult(src.rel, "failed", str(exc)))
            bar.update(1)
            continue
        status = "updated" if doc.doc_id in existing else "added"
        report.results.append(FileResult(src.rel, status, doc_id=doc.doc_id, chunks=n))
        bar.update(1)
    bar.close()
    PAGE_PROGRESS.reset(token)

    # documents under an ingested root whose file is gone: delete (a file that failed to load is kept)
    for doc_id, row in rows.items():
        if row["root"] in roots and doc_id not in seen_docs and doc_id not in failed_docs:
            if not (Path(row["root"]) / row["file"]).exists():
                stale = store.chunk_ids(doc_id)
                store.delete_document(doc_id)
                index.vectors.delete(stale)
                report.results.append(FileResult(row["file"], "removed", "源文件已删除，已从索引移除", doc_id))
    store.snapshot()
    return report


def _still_exists(row: dict | None) -> bool:
    return bool(row) and (Path(row["root"]) / row["file"]).exists()


def write_document(index: Index, doc, root: str) -> int:
    """Index one document (vectors first, then the atomic SQLite swap, then stale vectors out)."""
    tree = clauses(doc)
    pieces = chunk(doc)
    if not pieces:
        raise LoadError(doc.file, "没有解析出任何条款")
    old = set(index.store.chunk_ids(doc.doc_id))
    vectors = index.embedder.embed_passages([c.passage() for c in pieces])
    index.vectors.upsert([c.chunk_id for c in pieces], vectors, [c.doc_id for c in pieces])
    index.store.replace_document(doc, root, tree, pieces, tokens_for(pieces))
    stale = old - {c.chunk_id for c in pieces}
    if stale:
        index.vectors.delete(sorted(stale))
    return len(pieces)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="导入", unit="份", file=sys.stderr, disable=not enabled, leave=False, dynamic_ncols=True)


def remove_document(index: Index, doc_id: str) -> bool:
    """Delete one document from the store (atomically) and its vectors. False when it is not indexed."""
    if doc_id not in index.store.doc_hashes():
        return False
    stale = index.store.chunk_ids(doc_id)
    index.store.delete_document(doc_id)
    index.vectors.delete(stale)
    index.store.snapshot()
    return True
