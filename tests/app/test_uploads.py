"""Uploads (#16 defects 6, 7, 11): only our own uploads, private copies, deleted after the last use, purged later."""

from __future__ import annotations

import os
import threading
import time

import pytest

from assistant.app.uploads import Uploads
from assistant.errors import AssistantError

pytestmark = pytest.mark.redteam


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "gradio"
    r.mkdir()
    return r


@pytest.mark.redteam(row="uploads,d6")
def test_only_paths_inside_the_upload_folder(root, tmp_path):
    outside = tmp_path / "users.yaml"
    outside.write_text("secret", encoding="utf-8")
    uploads = Uploads(roots=(root.resolve(),))
    for path in (outside, "/etc/passwd", root / ".." / "users.yaml", root / "missing.txt"):
        with pytest.raises(AssistantError):
            with uploads.claim(path, 1):
                pass
    assert outside.read_text(encoding="utf-8") == "secret"
    link = root / "link.txt"
    link.symlink_to(outside)
    with pytest.raises(AssistantError, match="只接受"):
        with uploads.claim(link, 1):
            pass
    assert outside.exists()


@pytest.mark.redteam(row="uploads,d7")
def test_parallel_claims_of_one_upload_all_succeed_then_it_is_gone(root):
    (root / "h1").mkdir()
    shared = root / "h1" / "草案.txt"
    shared.write_text("第一条 内容。\n", encoding="utf-8")
    uploads, got, errors = Uploads(roots=(root.resolve(),)), [], []
    barrier = threading.Barrier(20)

    def work():
        try:
            with uploads.claim(shared, 1) as copy:
                barrier.wait(timeout=30)
                got.append(copy.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(got) == 20 and not shared.exists()


@pytest.mark.redteam(row="uploads")
def test_oversized_is_refused_and_still_cleaned(root):
    big = root / "big.txt"
    big.write_bytes(b"x" * 2 * 1024 * 1024)
    with pytest.raises(AssistantError, match="超过 1 MB"):
        with Uploads(roots=(root.resolve(),)).claim(big, 1):
            pass
    assert not big.exists()


@pytest.mark.redteam(row="d11")
def test_purge_removes_old_uploads_and_report_folders_but_not_ones_in_use(root, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, held = root / "old.txt", root / "held.txt"
    old.write_text("x")
    held.write_text("y")
    report = tmp_path / "review-abc"
    report.mkdir()
    (report / "审查意见.docx").write_text("z")
    uploads = Uploads(roots=(root.resolve(),))
    past = time.time() - 3600
    os.utime(old, (past, past))  # an old mtime alone (e.g. a copy) does not make a file old: its ctime is new
    assert uploads.purge(max_age_s=600) == 0 and old.exists()
    with uploads.claim(held, 1):
        assert uploads.purge(max_age_s=600, now=time.time() + 3600) == 2  # old.txt and the report folder
        assert held.exists() and not old.exists() and not report.exists()
    assert not held.exists()  # gone after its last use


@pytest.mark.redteam(row="uploads,d7")
def test_an_identical_upload_received_meanwhile_is_kept_until_its_request_claims_it(root):
    (root / "h2").mkdir()
    shared = root / "h2" / "草案.txt"
    shared.write_text("第一条 内容。\n", encoding="utf-8")
    uploads = Uploads(roots=(root.resolve(),))
    uploads.expect(shared)  # the first request's upload
    with uploads.claim(shared, 1):
        uploads.expect(shared)  # a second, identical upload lands on the same path while the first is reviewed
    assert shared.exists()  # the first review finishing does not delete the second request's file
    with uploads.claim(shared, 1):
        pass
    assert not shared.exists()  # gone after the last use
    uploads.expect("/etc/passwd")  # outside the upload folder: ignored
    assert "/etc/passwd" not in {str(p) for p in uploads._pending}
