"""批量导入: folders and .zip archives (zip-bomb and path-traversal safe), per-file progress, the result table."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from assistant.app.audit import AuditLog
from assistant.app.tab_kb_upload import HEADERS, stage_uploads, unpack_zip, upload_ingest
from assistant.app.users import Users, hash_password
from assistant.evaluate import format_fixtures as fx

COUNTY = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "county-policies"


class _Req:
    def __init__(self, username):
        self.username = username


@pytest.fixture()
def ctx(tmp_path):
    from assistant.app.ui import AppContext
    from assistant.index import Index

    Index.open(tmp_path / "idx", embedder="fake")
    users = Users({"admin": {"password_hash": hash_password("a"), "role": "管理员"},
                   "jing": {"password_hash": hash_password("j"), "role": "经办人员"}})
    from assistant.app.uploads import Uploads

    return AppContext(tmp_path / "idx", AuditLog(tmp_path / "audit.sqlite"), users, uploads=Uploads(roots=(tmp_path.resolve(),)))


def _zip(path: Path, members: dict[str, bytes], gbk: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name.endswith("@link"):
                info.filename = name[:-5]
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def test_zip_traversal_and_symlinks_are_refused(tmp_path):
    archive = _zip(tmp_path / "政策.zip", {"../../evil.md": b"x", "/etc/passwd.md": b"x", "link.md@link": b"/etc/passwd",
                                          "sub/办法.md": "# 办法\n\n第一条 正文。\n".encode()})
    files, refused = unpack_zip(archive, tmp_path / "up", "政策.zip")
    assert [f.relative_to(tmp_path / "up").as_posix() for f in files] == ["政策/sub/办法.md"]
    reasons = [r[5] for r in refused]
    assert sum("路径越界" in r for r in reasons) == 2 and any("符号链接" in r for r in reasons)
    assert not (tmp_path / "evil.md").exists()


def test_zip_bomb_archive_is_refused_whole(tmp_path, monkeypatch):
    from assistant.app import tab_kb_upload

    monkeypatch.setattr(tab_kb_upload, "MAX_ZIP_TOTAL_MB", 5)
    archive = _zip(tmp_path / "bomb.zip", {f"{i}.md": b"\0" * (2 * 1024 * 1024) for i in range(4)})
    files, refused = unpack_zip(archive, tmp_path / "up", "bomb.zip")
    assert files == [] and "疑似压缩炸弹" in refused[0][5]


def test_folder_and_zip_upload_gives_one_row_per_file_and_progress(ctx, tmp_path):
    if not COUNTY.exists():
        pytest.skip("county policies not found")
    policy = fx.read_policy(COUNTY / "guizhou-panxian-zhaoshang-youhui-banfa.md")
    folder = tmp_path / "folder"
    folder.mkdir()
    fx.ofd_file(policy, folder / "盘县.ofd")
    fx.portal_html(fx.read_policy(COUNTY / "jiangxi-lushan-zhaoshang-yijian.md"), folder / "庐山.html")
    (folder / "坏文件.pdf").write_bytes(b"not a pdf")
    archive = _zip(tmp_path / "包.zip", {"萧山.md": (COUNTY / "zhejiang-xiaoshan-chuangxin-qiangqu-zhengce.md").read_bytes(),
                                         "../x.md": b"x"})
    seen = []
    summary, rows = upload_ingest(ctx, [str(p) for p in sorted(folder.iterdir())] + [str(archive)], _Req("admin"),
                                  progress=lambda value, desc="": seen.append(desc))
    assert all(len(r) == len(HEADERS) for r in rows)
    by_file = {r[0]: r for r in rows}
    assert by_file["盘县.ofd"][1] == "新增" and by_file["盘县.ofd"][2] == "盘县招商引资优惠办法（试行）"
    assert by_file["盘县.ofd"][4] >= 4
    assert by_file["庐山.html"][1] == "新增" and by_file["庐山.html"][3] == "县政发〔2023〕12号"
    assert by_file["坏文件.pdf"][1] == "失败" and "PDF" in by_file["坏文件.pdf"][5]
    assert by_file["包/萧山.md"][1] == "新增"
    assert any("路径越界" in r[5] for r in rows)
    assert "成功 3 个" in summary
    assert any("导入 1/4" in d for d in seen)
    assert ctx.audit.rows()[-1]["action"] == "ingest"


def test_officer_cannot_upload(ctx, tmp_path):
    (tmp_path / "a.md").write_text("# a\n\n第一条 正文。\n", encoding="utf-8")
    summary, rows = upload_ingest(ctx, [str(tmp_path / "a.md")], _Req("jing"))
    assert summary.startswith("⚠️") and rows == []
    assert not (ctx.index_dir / "uploads" / "a.md").exists()


def test_names_are_cleaned_and_never_overwrite(tmp_path):
    (tmp_path / "a.md").write_text("1", encoding="utf-8")
    other = tmp_path / "o"
    other.mkdir()
    (other / "a.md").write_text("2", encoding="utf-8")
    staged, _ = stage_uploads([str(tmp_path / "a.md"), str(other / "a.md")], tmp_path / "up")
    assert [p.name for p in staged] == ["a.md", "a-2.md"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_uploaded_scan_and_doc_are_searchable(ctx, tmp_path):
    if not COUNTY.exists():
        pytest.skip("county policies not found")
    scan = fx.scan_pdf(fx.read_policy(COUNTY / "sichuan-neijiang-zhaoshang-youhui-guiding-2005.md"), tmp_path / "内江扫描件.pdf")
    doc = fx.doc_file(fx.read_policy(COUNTY / "heilongjiang-daxinganling-zhaoshang-youhui-2010.md"), tmp_path / "大兴安岭.doc")
    pages = []
    summary, rows = upload_ingest(ctx, [str(scan), str(doc)], _Req("admin"),
                                  progress=lambda value, desc="": pages.append(desc))
    assert [r[1] for r in rows] == ["新增", "新增"], rows
    assert any("OCR 第 1/1 页" in d for d in pages)
    for row in rows:
        doc_id = row[0].rsplit(".", 1)[0]
        hits = ctx.retriever.search(row[2], k=20)
        assert any(h.chunk.doc_id == doc_id for h in hits), (row, [h.chunk.doc_id for h in hits])


def test_a_server_path_that_was_not_uploaded_is_refused(ctx, tmp_path):
    from assistant.app.tab_kb_upload import upload_ingest

    message, rows = upload_ingest(ctx, ["/etc/passwd"], request=_Req("admin"))
    assert rows and rows[0][1] == "失败" and "只接受" in rows[0][5]
    assert not (ctx.index_dir / "uploads" / "passwd").exists()
