"""Ingest defects found by an independent run (#16): each is a case here. Fake embedder: fast and deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index import Index
from assistant.index.ingest import ingest
from assistant.retrieve import HybridRetriever

pytestmark = pytest.mark.redteam

DOC = "# {title}\n\n第一条 {body}\n\n第二条 本办法自发布之日起施行。\n"


def write(path: Path, title: str, body: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC.format(title=title, body=body or f"{title}的支持措施，按规定给予奖励。"), encoding="utf-8")
    return path


def by_file(report) -> dict[str, tuple[str, str]]:
    return {r.file: (r.status, r.detail) for r in report.results}


@pytest.fixture
def index(tmp_path):
    return Index.open(tmp_path / "idx", embedder="fake")


@pytest.mark.redteam(row="d8")
def test_names_that_map_to_one_id_are_all_kept(tmp_path, index):
    root = tmp_path / "docs"
    for name, title in [("a b.md", "甲办法"), ("a-b.md", "乙办法"), ("policy.md", "丙办法"), ("policy.txt", "丁办法")]:
        write(root / name, title)
    report = ingest([root], index, show_progress=False)
    assert [r.status for r in report.results] == ["added"] * 4
    assert len(index.store.doc_rows()) == 4 and len({r.doc_id for r in report.results}) == 4
    again = ingest([root], index, show_progress=False)  # ids are stable: nothing changes on a second run
    assert {r.status for r in again.results} == {"unchanged"}
    assert {r.doc_id for r in again.results} == {r.doc_id for r in report.results}


@pytest.mark.redteam(row="d8")
def test_same_name_in_two_roots_does_not_overwrite(tmp_path, index):
    write(tmp_path / "县A" / "policy.md", "甲县办法")
    write(tmp_path / "县B" / "policy.md", "乙县办法")
    ingest([tmp_path / "县A"], index, show_progress=False)
    report = ingest([tmp_path / "县B"], index, show_progress=False)
    assert report.results[0].status == "added" and len(index.store.doc_rows()) == 2


@pytest.mark.redteam(row="uploads,d9,d16")
def test_bad_files_each_get_one_line_and_the_rest_ingest(tmp_path, index):
    root = tmp_path / "docs"
    write(root / "good.md", "正常办法")
    (root / "loop").symlink_to(root / "loop")  # a symlink to itself
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")  # a loop
    (root / "bad-date.md").write_text("---\neffective: 2024-13-45\n---\n# 某办法\n\n第一条 内容。\n", encoding="utf-8")
    (root / "..md").write_text("第一条 隐藏。\n", encoding="utf-8")
    os.mkfifo(root / "pipe.md")
    write(root / "名称\n换行.md", "换行办法")
    report = ingest([root], index, show_progress=False)
    got = by_file(report)
    assert got["good.md"][0] == "added" and got["名称\\n换行.md"][0] == "added"
    assert got["loop"][0] == got["a"][0] == got["b"][0] == "failed" and "循环" in got["loop"][1]
    assert got["bad-date.md"][0] == "failed" and got["bad-date.md"][1]
    assert got["..md"][0] == "skipped" and "隐藏" in got["..md"][1]
    assert got["pipe.md"][0] == "skipped" and "普通文件" in got["pipe.md"][1]
    assert all("\n" not in r.file for r in report.results)


@pytest.mark.redteam(row="d9")
def test_file_deleted_between_scan_and_read(tmp_path, index, monkeypatch):
    from assistant.documents import source

    root = tmp_path / "docs"
    write(root / "a.md", "甲办法")
    write(root / "b.md", "乙办法")
    real_scan = source.scan

    def scan_then_delete(paths):
        for item in real_scan(paths):
            if getattr(item, "rel", "") == "a.md":
                item.path.unlink()
            yield item

    monkeypatch.setattr("assistant.index.ingest.scan", scan_then_delete)
    got = by_file(ingest([root], index, show_progress=False))
    assert got["a.md"][0] == "failed" and got["b.md"][0] == "added"


@pytest.mark.redteam(row="d15")
def test_bad_manifest_is_one_line_and_its_folder_still_ingests(tmp_path, index):
    root = tmp_path / "docs"
    write(root / "a.md", "甲办法")
    (root / "MANIFEST.tsv").write_bytes(b"\xff\xfe\x00garbage\tno header\n")
    got = by_file(ingest([root], index, show_progress=False))
    assert got["a.md"][0] == "added"
    assert got["MANIFEST.tsv"][0] == "failed" and "清单文件" in got["MANIFEST.tsv"][1]


@pytest.mark.redteam(row="d17")
def test_file_that_changes_while_read_is_read_again(tmp_path, index, monkeypatch):
    from assistant.documents import source

    root = tmp_path / "docs"
    path = write(root / "a.md", "甲办法", "旧内容。")
    real_read, calls = source.load_file, []

    def read_while_writing(p, display, max_mb=50.0, **kw):
        loaded = real_read(p, display, max_mb=max_mb, **kw)
        if not calls:
            write(path, "甲办法", "写完之后的新内容，共有更多文字。")
        calls.append(p)
        return loaded

    monkeypatch.setattr(source, "load_file", read_while_writing)
    ingest([root], index, show_progress=False)
    assert len(calls) == 2 and "写完之后" in index.store.clause("a#第一条").text


@pytest.mark.redteam(row="d21")
def test_which_identical_file_is_kept_does_not_depend_on_history(tmp_path):
    root = tmp_path / "docs"
    write(root / "b.md", "同一办法")
    fresh, late = Index.open(tmp_path / "fresh", embedder="fake"), Index.open(tmp_path / "late", embedder="fake")
    ingest([root], late, show_progress=False)  # b.md alone first
    write(root / "a.md", "同一办法")
    report = ingest([root], late, show_progress=False)
    ingest([root], fresh, show_progress=False)
    assert {r["file"] for r in late.store.doc_rows()} == {r["file"] for r in fresh.store.doc_rows()} == {"a.md"}
    assert by_file(report)["b.md"][0] in ("duplicate", "removed")


@pytest.mark.redteam(row="consistency,d4")
def test_two_concurrent_ingests_lose_no_vector(tmp_path):
    """Two processes on one index: the second waits for the first; every chunk then has a readable vector."""
    root = tmp_path / "docs"
    for i in range(60):
        write(root / f"d{i:03d}.md", f"第{i}号办法", "对符合条件的企业给予奖励。" * 30)
    cmd = [sys.executable, "-m", "assistant.cli.main", "ingest", str(root), "--index", str(tmp_path / "idx"),
           "--embedder", "fake", "--quiet"]
    import time

    from assistant.index.lock import index_lock

    Index.open(tmp_path / "idx", embedder="fake")
    logs = [tmp_path / f"err{i}.log" for i in range(2)]
    with index_lock(tmp_path / "idx"):  # both start while the index is busy, so both must wait
        procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("w")) for log in logs]
        deadline = time.time() + 300
        while time.time() < deadline and not all("等待" in log.read_text(encoding="utf-8") for log in logs):
            time.sleep(0.2)
    codes = [p.wait(timeout=600) for p in procs]
    errs = [log.read_text(encoding="utf-8") for log in logs]
    assert codes == [0, 0], errs
    assert all("等待" in err for err in errs)
    index = Index.open(tmp_path / "idx")
    want = index.store.chunk_ids()
    assert len(want) > 60 and set(index.vectors.vectors_for(want)) == set(want)


@pytest.mark.redteam(row="d4")
def test_reconcile_re_embeds_vectors_it_cannot_read(tmp_path, index):
    root = tmp_path / "docs"
    write(root / "a.md", "甲办法")
    ingest([root], index, show_progress=False)
    ids = index.store.chunk_ids()
    index.vectors.delete(ids[:1])
    report = ingest([root], index, show_progress=False)
    assert report.repaired == 1 and set(index.vectors.vectors_for(ids)) == set(ids)


@pytest.mark.redteam(row="consistency,d5")
def test_a_running_reader_sees_vectors_a_separate_ingest_wrote(tmp_path, index):
    root = tmp_path / "docs"
    write(root / "a.md", "甲办法")
    ingest([root], index, show_progress=False)
    retriever = HybridRetriever(index, mode="dense")
    assert retriever.search("甲办法的支持措施", k=3)
    write(root / "z.md", "数字经济示范企业认定办法", "对新认定的数字经济示范企业给予一次性奖励二十万元。")
    cmd = [sys.executable, "-m", "assistant.cli.main", "ingest", str(root), "--index", str(index.root), "--quiet"]
    assert subprocess.run(cmd, capture_output=True, timeout=300).returncode == 0
    retriever.refresh()
    hits = retriever.search("对新认定的数字经济示范企业给予一次性奖励二十万元。", k=3)
    assert hits and hits[0].chunk.doc_id == "z"


@pytest.mark.redteam(row="d3")
def test_embedder_input_is_capped_so_one_long_question_cannot_hold_the_lock():
    from assistant.index.embedders.base import MAX_QUERY_CHARS, Embedder

    seen = []

    class Recorder(Embedder):
        key = "recorder"

        def _embed(self, texts, is_query):
            import numpy as np

            seen.extend(texts)
            return np.ones((len(texts), 4), dtype=np.float32)

    Recorder().embed_queries(["问" * 30_000])
    Recorder().embed_passages(["条" * 3_500_000])
    assert len(seen[0]) == MAX_QUERY_CHARS and len(seen[1]) < 10_000


@pytest.mark.redteam(row="consistency")
def test_readers_keep_the_old_snapshot_while_an_ingest_writes(tmp_path, index):
    import threading

    from assistant.index.ingest import write_document
    from assistant.index.lock import index_lock

    root = tmp_path / "docs"
    write(root / "a.md", "甲办法")
    ingest([root], index, show_progress=False)
    retriever = HybridRetriever(index, mode="bm25")
    before = {c.chunk_id for c in retriever.chunks}
    holding, done = threading.Event(), threading.Event()

    def writer():
        from assistant.documents.source import SourceFile, load_document

        with index_lock(index.root):
            for name in ("b", "c"):
                p = write(root / f"{name}.md", f"{name}办法")
                write_document(index, load_document(SourceFile(p.resolve(), root.resolve(), p.name, True), {}, 50), str(root.resolve()))
                index.store.snapshot()
                holding.set()
            done.wait(30)

    t = threading.Thread(target=writer)
    t.start()
    assert holding.wait(30)
    retriever.refresh()  # mid-ingest: still the old, complete snapshot
    assert {c.chunk_id for c in retriever.chunks} == before
    done.set()
    t.join(30)
    retriever.refresh()  # the ingest is over: the new snapshot, whole
    assert {c.doc_id for c in retriever.chunks} == {"a", "b", "c"}


@pytest.mark.redteam(row="d9,d16")
def test_unreadable_file_and_folder_each_get_one_line(tmp_path, index, monkeypatch):
    """As a non-root user chmod 000 makes these unreadable; the suite runs as root in CI, so the kernel's refusal
    is injected where the loader meets it (os.scandir for folders, Path.read_bytes for files)."""
    root = tmp_path / "docs"
    write(root / "good.md", "正常办法")
    write(root / "secret.md", "无权读取的办法")
    write(root / "locked" / "inner.md", "锁住目录里的办法")
    real_scandir, real_read = os.scandir, Path.read_bytes

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def read_bytes(self):
        if self.name == "secret.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = ingest([root], index, show_progress=False)
    got = by_file(report)
    assert got["good.md"][0] == "added"
    assert got["secret.md"][0] == "failed" and got["secret.md"][1], got
    locked = [(f, s, d) for f, (s, d) in got.items() if "locked" in f]
    assert locked and all(s in ("failed", "skipped") and d for _f, s, d in locked), got
    assert all("\n" not in r.file and "\n" not in (r.detail or "") for r in report.results)
