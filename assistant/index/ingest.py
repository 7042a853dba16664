"""Ingest in four steps: scan the paths → classify every file (load, hash, decide) → write → prune.

Order of writes per document: vectors upserted first, then the SQLite swap (atomic), then stale vectors deleted.
Search only trusts chunk ids present in SQLite, so a kill at any moment never surfaces a deleted clause or a
duplicate; `reconcile()` at the start of the next run removes leftovers and re-embeds vectors it cannot read.
One ingest at a time per index (a lock file); a second one waits, then gives up with one line.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from ..config import MAX_FILE_MB
from ..documents.model import Document
from ..documents.parse import chunk, clauses
from ..documents.source import SourceFile, display_name, load_document, scan, slug
from ..errors import AssistantError, LoadError, SkipFile
from .lock import index_lock
from .open import Index
from .store import tokens_for


@dataclass(frozen=True)
class FileResult:
    file: str
    status: str  # added / updated / unchanged / removed / duplicate / skipped / failed (vocab.labels.INGEST_LABELS)
    detail: str = ""
    doc_id: str | None = None
    chunks: int = 0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    repaired: int = 0
    candidates: int = 0  # documents whose candidate rules were (re)proposed

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


@dataclass(frozen=True)
class _Plan:
    """What classify decided for one file: write `doc`, keep it unchanged, or report it."""

    src: SourceFile
    result: FileResult | None = None  # set: report only (skipped / failed / duplicate / unchanged)
    doc: Document | None = None  # set: to be written (added / updated)


def reconcile(index: Index, progress: Callable[[int], None] | None = None) -> int:
    """Make the vector store hold exactly the chunk ids in SQLite, each with a readable vector. Returns the fixes."""
    want = set(index.store.chunk_ids())
    have = index.vectors.ids()
    extra = sorted(have - want)
    readable = set(index.vectors.vectors_for(sorted(want & have)))  # an id listed but unreadable counts as missing
    missing = sorted(want - readable)
    if extra:
        index.vectors.delete(extra)
    if missing:
        chunks, _ = index.store.all_chunks()
        wanted = set(missing)
        todo = [c for c in chunks if c.chunk_id in wanted]
        for i in range(0, len(todo), 64):
            part = todo[i : i + 64]
            vecs = index.embedder.embed_passages([c.passage() for c in part])
            index.vectors.upsert([c.chunk_id for c in part], vecs, [c.doc_id for c in part])
    return len(extra) + len(missing)


def ingest(paths: list[Path], index: Index, max_mb: float = MAX_FILE_MB, show_progress: bool = True,
           overrides: dict[str, dict] | None = None, lock_wait: float = 600.0,
           on_file: Callable[[int, int, str], None] | None = None,
           on_page: Callable[[str, int, int], None] | None = None) -> IngestReport:
    """`overrides`: metadata overlay by file name (e.g. a repeal the source folder does not record).
    `on_file(i, n, file)` before each file and `on_page(file, page, pages)` during OCR report progress (the app)."""
    with index_lock(index.root, lock_wait):
        report = IngestReport()
        report.repaired = reconcile(index)
        paths = [Path(p) for p in paths]
        sources, scan_results, roots = _scan(paths)
        report.results.extend(scan_results)
        plans = _classify(sources, index, max_mb, overrides, show_progress, on_file, on_page)
        _write(plans, index, report, show_progress)
        _prune(index, roots, plans, report)
        index.store.snapshot()
        report.candidates = _propose_rules(index)
        return report


def _scan(paths: list[Path]) -> tuple[list[SourceFile], list[FileResult], set[str]]:
    sources, results, roots = [], [], set()
    for item in scan(paths):
        if isinstance(item, SkipFile):
            results.append(FileResult(item.file, "skipped", item.reason))
        elif isinstance(item, LoadError):
            results.append(FileResult(item.file, "failed", item.reason))
        else:
            sources.append(item)
            if item.from_dir:
                roots.add(str(item.root))
    return sources, results, roots


def _classify(sources: list[SourceFile], index: Index, max_mb: float, overrides, show_progress: bool,
              on_file=None, on_page=None) -> list[_Plan]:
    """Load every file and decide what happens to it. Ids are unique per run; of identical files the one with the
    smallest path is indexed, whatever the ingest history."""
    store = index.store
    rows = {r["doc_id"]: r for r in store.doc_rows()}
    manifests: dict = {}
    manifest_errors: dict = {}
    loaded: list[tuple[SourceFile, Document]] = []
    plans: list[_Plan] = []
    bar = _progress(len(sources), show_progress, "读取")
    from ..documents.ocr import PAGE_PROGRESS

    token = PAGE_PROGRESS.set(on_page or (lambda f, i, n: bar.set_postfix_str(f"{f[-30:]} OCR 第 {i}/{n} 页")))
    for number, src in enumerate(sources, 1):
        bar.set_postfix_str(src.rel[-40:], refresh=False)
        if on_file:
            on_file(number, len(sources), src.rel)
        try:
            loaded.append((src, load_document(src, manifests, max_mb, overrides, manifest_errors)))
        except SkipFile as exc:
            plans.append(_Plan(src, FileResult(display_name(src.rel), "skipped", exc.reason)))
        except LoadError as exc:
            plans.append(_Plan(src, FileResult(display_name(src.rel), "failed", exc.reason, slug(src.rel))))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the rest; the reason is reported
            plans.append(_Plan(src, FileResult(display_name(src.rel), "failed", f"无法读取（{type(exc).__name__}：{exc}）", slug(src.rel))))
        bar.update(1)
    PAGE_PROGRESS.reset(token)
    bar.close()
    for folder, error in manifest_errors.items():
        plans.append(_Plan(SourceFile(folder / "MANIFEST.tsv", folder, error.file), FileResult(error.file, "failed", error.reason)))

    loaded = _unique_ids(loaded, rows)
    canonical: dict[str, str] = {}  # sha256 → doc id kept
    for src, doc in sorted(loaded, key=lambda sd: (sd[0].rel, str(sd[0].root))):
        canonical.setdefault(doc.sha256, doc.doc_id)
    files = {doc.doc_id: src.rel for src, doc in loaded}
    for src, doc in loaded:
        keep = canonical[doc.sha256]
        if keep != doc.doc_id:
            plans.append(_Plan(src, FileResult(display_name(src.rel), "duplicate", f"与 {files[keep]} 内容相同，只导入一次", keep)))
            continue
        twin = _stored_twin(rows, doc, {d.doc_id for _, d in loaded})
        if twin:
            plans.append(_Plan(src, FileResult(display_name(src.rel), "duplicate", f"与已导入的 {rows[twin]['file']} 内容相同，只导入一次", twin)))
        elif doc.doc_id in rows and rows[doc.doc_id]["sha256"] == doc.sha256 and rows[doc.doc_id]["meta"] == doc.meta.to_dict():
            plans.append(_Plan(src, FileResult(display_name(src.rel), "unchanged", doc_id=doc.doc_id, chunks=rows[doc.doc_id]["n_chunks"])))
        else:
            plans.append(_Plan(src, doc=doc))
    return plans


def _unique_ids(loaded: list[tuple[SourceFile, Document]], rows: dict[str, dict]) -> list[tuple[SourceFile, Document]]:
    """Two files that map to one id (「a b.md」/「a-b.md」, 「policy.md」/「policy.txt」, same name in two roots): the
    first by path, or the one already stored under that id, keeps it; the others get a suffix from their path."""
    from dataclasses import replace

    def owner_key(src: SourceFile, doc: Document):
        row = rows.get(doc.doc_id)
        stored_here = row is not None and row["file"] == src.rel and Path(row["root"]) == src.root
        return (not stored_here, src.rel, str(src.root))

    in_run = {(d.doc_id, s.rel, str(s.root)) for s, d in loaded}
    taken = {doc_id for doc_id, row in rows.items()  # ids held by stored documents whose source is outside this run
             if (doc_id, row["file"], str(Path(row["root"]))) not in in_run and _still_exists(row)}
    out = []
    for src, doc in sorted(loaded, key=lambda sd: owner_key(*sd)):
        if doc.doc_id in taken:
            digest = hashlib.sha1(f"{src.root}/{src.rel}".encode()).hexdigest()[:6]
            doc = replace(doc, doc_id=f"{doc.doc_id}~{digest}")
        taken.add(doc.doc_id)
        out.append((src, doc))
    return out


def _stored_twin(rows: dict[str, dict], doc: Document, in_run: set[str]) -> str | None:
    """A stored document with the same content, from a file outside this run that still exists."""
    for doc_id, row in rows.items():
        if doc_id != doc.doc_id and doc_id not in in_run and row["sha256"] == doc.sha256 and _still_exists(row):
            return doc_id
    return None


def _write(plans: list[_Plan], index: Index, report: IngestReport, show_progress: bool) -> None:
    existing = index.store.doc_hashes()
    todo = [p for p in plans if p.doc is not None]
    bar = _progress(len(todo), show_progress, "导入")
    for plan in plans:
        if plan.doc is None:
            report.results.append(plan.result)
            continue
        bar.set_postfix_str(plan.src.rel[-40:], refresh=False)
        try:
            n = write_document(index, plan.doc, str(plan.src.root))
        except AssistantError as exc:
            report.results.append(FileResult(display_name(plan.src.rel), "failed", str(exc), plan.doc.doc_id))
        else:
            status = "updated" if plan.doc.doc_id in existing else "added"
            report.results.append(FileResult(display_name(plan.src.rel), status, doc_id=plan.doc.doc_id, chunks=n))
        bar.update(1)
    bar.close()


def _prune(index: Index, roots: set[str], plans: list[_Plan], report: IngestReport) -> None:
    """Delete documents under an ingested root whose file is gone, and stored copies now found to be duplicates of
    the file kept. A file that failed to load keeps its last good version."""
    kept = {p.doc.doc_id if p.doc else p.result.doc_id for p in plans if p.doc or p.result.status in ("unchanged",)}
    failed = {p.result.doc_id for p in plans if p.result is not None and p.result.status == "failed"}
    duplicates = {p.src.rel: p.result.doc_id for p in plans if p.result is not None and p.result.status == "duplicate"}
    for doc_id, row in {r["doc_id"]: r for r in index.store.doc_rows()}.items():
        if doc_id in kept or doc_id in failed:
            continue
        if row["root"] in roots and row["file"] in duplicates and duplicates[row["file"]] != doc_id:
            remove_document(index, doc_id, lock=False)
            report.results.append(FileResult(display_name(row["file"]), "removed", "与另一文件内容相同，只保留一份", doc_id))
        elif row["root"] in roots and not (Path(row["root"]) / row["file"]).exists():
            remove_document(index, doc_id, lock=False)
            report.results.append(FileResult(display_name(row["file"]), "removed", "源文件已删除，已从索引移除", doc_id))


def _propose_rules(index: Index) -> int:
    """Candidate incentive rules for every changed policy (kept beside the index, reviewed in 规则审核)."""
    from ..match.candidates import refresh

    try:
        return refresh(index)
    except Exception as exc:  # noqa: BLE001 - proposing rules must never fail an ingest
        print(f"候选规则提取失败（不影响导入）：{exc}", file=sys.stderr)
        return 0


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


def _progress(total: int, enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="份", file=sys.stderr, disable=not enabled, leave=False, dynamic_ncols=True)


def remove_document(index: Index, doc_id: str, lock: bool = True) -> bool:
    """The one delete path: the store row (atomically), then its vectors. False when it is not indexed."""
    if doc_id not in index.store.doc_hashes():
        return False
    if lock:
        with index_lock(index.root):
            return remove_document(index, doc_id, lock=False)
    stale = index.store.chunk_ids(doc_id)
    index.store.delete_document(doc_id)
    index.vectors.delete(stale)
    index.store.snapshot()
    return True
