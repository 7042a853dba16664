"""Incremental, crash-safe ingest (fake embedder: fast and deterministic; the real one is in test_real_corpus)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.index import Index
from assistant.index.ingest import ingest

REPO = Path(__file__).resolve().parents[2]
FCR = """# 公平竞争审查条例

第一条 为了规范公平竞争审查工作，促进市场公平竞争，制定本条例。

第十条 起草单位起草的政策措施，不得含有下列影响生产经营成本的内容：

（一）给予特定经营者税收优惠；

（二）给予特定经营者选择性、差异化的财政奖励或者补贴。
"""
FIL = """# 中华人民共和国外商投资法

第九条 外商投资企业依法平等适用国家支持企业发展的各项政策。

第十条 制定与外商投资有关的法律、法规、规章，应当采取适当方式征求外商投资企业的意见和建议。
"""


@pytest.fixture
def kb(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "fcr.md").write_text(FCR, encoding="utf-8")
    (root / "fil.md").write_text(FIL, encoding="utf-8")
    return root, Index.open(tmp_path / "idx", embedder="fake")


def statuses(report) -> dict[str, str]:
    return {r.file: r.status for r in report.results}


def test_add_unchanged_update_delete(kb):
    root, index = kb
    assert statuses(ingest([root], index, show_progress=False)) == {"fcr.md": "added", "fil.md": "added"}
    snap = index.store.snapshot()
    assert statuses(ingest([root], index, show_progress=False)) == {"fcr.md": "unchanged", "fil.md": "unchanged"}
    assert index.store.snapshot() == snap
    (root / "fcr.md").write_text(FCR.replace("第一条 为了规范", "第一条 为了进一步规范"), encoding="utf-8")
    (root / "fil.md").unlink()
    report = ingest([root], index, show_progress=False)
    assert statuses(report) == {"fcr.md": "updated", "fil.md": "removed"}
    assert index.store.snapshot() != snap
    assert set(index.store.chunk_ids()) == {"fcr#第一条", "fcr#第十条"} == index.vectors.ids()
    assert "进一步规范" in index.store.clause("fcr#第一条").text


def test_removed_article_disappears_from_search(kb):
    from assistant.retrieve import HybridRetriever

    root, index = kb
    ingest([root], index, show_progress=False)
    assert any(h.chunk.chunk_id == "fil#第九条" for h in HybridRetriever(index).search("外商投资企业平等适用支持政策"))
    (root / "fil.md").write_text(FIL.split("第九条")[0] + "第十条" + FIL.split("第十条")[1], encoding="utf-8")
    ingest([root], index, show_progress=False)
    hits = HybridRetriever(index).search("外商投资企业平等适用支持政策")
    assert "fil#第九条" not in [h.chunk.chunk_id for h in hits] and "fil#第九条" not in index.vectors.ids()


def test_duplicate_under_two_names_is_ingested_once(kb):
    root, index = kb
    shutil.copy(root / "fcr.md", root / "fcr-copy.md")
    report = ingest([root], index, show_progress=False)
    dup = [r for r in report.results if r.status == "duplicate"]
    assert len(dup) == 1 and "内容相同" in dup[0].detail
    assert ("fcr.md" in dup[0].detail) != (dup[0].file == "fcr.md")  # names the other file, not itself
    assert len(index.store.doc_rows()) == 2


def test_bad_file_does_not_stop_the_rest_nor_lose_indexed_data(kb, tmp_path):
    root, index = kb
    ingest([root], index, show_progress=False)
    before = set(index.store.chunk_ids())
    (root / "fcr.md").write_bytes(b"")  # an indexed file becomes empty: keep the old version
    (root / "bad.docx").write_bytes(b"not a zip at all" * 10)
    (root / "notes.pptx").write_bytes(b"PK")
    (root / "new.md").write_text("# 新办法\n\n第一条 本办法适用于招商引资项目。\n\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
    report = ingest([root], index, show_progress=False)
    st = statuses(report)
    assert st["fcr.md"] == "failed" and st["bad.docx"] == "failed" and st["notes.pptx"] == "skipped" and st["new.md"] == "added"
    assert before <= set(index.store.chunk_ids())
    assert report.failed


def test_symlink_outside_root_is_refused(kb, tmp_path):
    root, index = kb
    secret = tmp_path / "outside.md"
    secret.write_text("# 外部文件\n\n第一条 不应被导入。\n\n第二条 不应被导入。\n", encoding="utf-8")
    os.symlink(secret, root / "link.md")
    st = statuses(ingest([root], index, show_progress=False))
    assert st["link.md"] == "failed"
    assert not any(d["file"] == "link.md" for d in index.store.doc_rows())


def test_front_matter_overrides_metadata(kb):
    root, index = kb
    (root / "fm.md").write_text("---\ntitle: 某县招商引资优惠政策（示例）\nlevel: county\nregion: 某省某县\nkind: local_policy\n"
                                "effective: 2020-01-01\nrepealed: 2022-06-30\n---\n# 标题\n\n第一条 对固定资产投资5000万元以上的项目给予奖励。\n\n第二条 本政策由县商务局负责解释。\n",
                                encoding="utf-8")
    ingest([root], index, show_progress=False)
    meta = next(d["meta"] for d in index.store.doc_rows() if d["file"] == "fm.md")
    assert meta["title"] == "某县招商引资优惠政策（示例）" and meta["repealed"] == "2022-06-30" and meta["sample"] is True
    (root / "bad-fm.md").write_text("---\ntitle: [未闭合\n---\n第一条 内容。\n", encoding="utf-8")
    (root / "bad-kind.md").write_text("---\nkind: poem\n---\n第一条 内容。\n", encoding="utf-8")
    st = statuses(ingest([root], index, show_progress=False))
    assert st["bad-fm.md"] == "failed" and st["bad-kind.md"] == "failed"


def test_cli_contract_exit_codes_and_json(kb, capsys):
    root, index = kb
    idx = str(index.root)
    assert main(["ingest", str(root), "--index", idx, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "[新增] fcr.md" in out and "[新增] fil.md" in out
    assert main(["search", "外商投资企业平等适用国家支持企业发展的政策", "--index", idx, "--json", "-k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["clause_id"] == "fil#第九条" and hits[0]["rank"] == 1
    for key in ("rank", "clause_id", "file", "title", "doc_number", "article", "path", "text", "score"):
        assert key in hits[0]
    assert hits[0]["file"] == "fil.md" and hits[0]["article"] == "第九条" and hits[0]["title"] == "中华人民共和国外商投资法"
    assert main(["docs", "--index", idx, "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert {d["file"]: d["clauses"] for d in docs}["fcr.md"] >= 2
    (root / "junk.pdf").write_bytes(b"garbage")
    assert main(["ingest", str(root), "--index", idx, "--quiet"]) == 1
    assert "[失败] junk.pdf：不是有效的 PDF 文件" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["search", "--index", idx])
    assert exc.value.code == 2
    assert main(["search", "x", "--index", idx, "--as-of", "2024-13-01"]) == 1
    assert main(["search", "x", "--index", str(index.root.parent / "missing")]) == 1


def _run_ingest(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "ingest", *args, "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


def test_kill_during_ingest_then_repair_equals_clean_ingest(tmp_path, shared_corpus):
    """kill -9 at random moments, repeatedly, while documents change between runs; the next ingest must
    equal a clean ingest of the final files, clause id for clause id, and no kill may expose a stale id."""
    from assistant.retrieve import HybridRetriever

    work = tmp_path / "corpus"
    shutil.copytree(shared_corpus, work)
    files = sorted(p for p in work.glob("*.md"))
    crashed = tmp_path / "crashed"
    rng = random.Random(20261123)
    timing = [str(work), "--index", str(tmp_path / "timing"), "--embedder", "fake"]
    assert _run_ingest(timing).wait() == 0  # warm-up: bytecode, jieba dictionary cache
    for f in files:
        f.write_text(f.read_text(encoding="utf-8") + "\n（计时校对记录）\n", encoding="utf-8")
    t0 = time.monotonic()
    assert _run_ingest(timing).wait() == 0
    duration = time.monotonic() - t0  # one run that updates every document, as each round below does
    kills = 0
    for round_no in range(6):
        for f in files:  # every document changes, so every run has work to be interrupted
            if f.exists():
                f.write_text(f.read_text(encoding="utf-8") + f"\n（第{round_no}轮校对记录）\n", encoding="utf-8")
        victim = files[round_no * 5 % len(files)]
        removed = victim.read_text(encoding="utf-8")
        victim.unlink()
        started = time.monotonic()
        proc = _run_ingest([str(work), "--index", str(crashed), "--embedder", "fake"])
        time.sleep(rng.uniform(0.2, 0.8) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            duration = min(duration, time.monotonic() - started)  # runs got faster: aim earlier next time
        proc.wait()
        idx = Index.open(crashed)
        held = set(idx.store.chunk_ids())
        for h in HybridRetriever(idx).search("公平竞争审查 税收优惠 外商投资", k=50):
            assert h.chunk.chunk_id in held
        idx.close()
        victim.write_text(removed, encoding="utf-8")
    print(f"kills: {kills}/6")
    assert kills >= 3
    assert _run_ingest([str(work), "--index", str(crashed), "--embedder", "fake"]).wait() == 0
    clean = tmp_path / "clean"
    assert main(["ingest", str(work), "--index", str(clean), "--embedder", "fake", "--quiet"]) == 0
    want, got = Index.open(clean), Index.open(crashed)
    want_ids = set(want.store.chunk_ids())
    assert len(want_ids) > 1500
    assert set(got.store.chunk_ids()) == want_ids == got.vectors.ids()
    assert got.store.snapshot() == want.store.snapshot()
