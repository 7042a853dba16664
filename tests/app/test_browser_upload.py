"""批量导入 in a real browser (Debian chromium + Playwright, live server on loopback): an administrator uploads a
scanned PDF (OCR) and an old Word .doc (LibreOffice), both made at test time from county policies; the result table
lists both as 新增 and both are then found by search."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import app_on_loopback, chromium, require_browser

from assistant.evaluate import format_fixtures as fx

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
COUNTY = REPO.parent / "shared" / "eval" / "county-policies"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    if not COUNTY.exists():
        pytest.skip(f"county policies not found at {COUNTY}")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext
    from assistant.app.users import Users, hash_password
    from assistant.index import Index

    root = tmp_path_factory.mktemp("browser-upload")
    Index.open(root / "index", embedder="fake").close()
    users = Users({"guan": {"password_hash": hash_password("guan-pw"), "role": "管理员"}})
    ctx = AppContext(root / "index", AuditLog(root / "audit.sqlite"), users, rule_dirs=())
    files = root / "files"
    files.mkdir()
    scan = fx.scan_pdf(fx.read_policy(COUNTY / "sichuan-neijiang-zhaoshang-youhui-guiding-2005.md"), files / "内江扫描件.pdf")
    doc = fx.doc_file(fx.read_policy(COUNTY / "heilongjiang-daxinganling-zhaoshang-youhui-2010.md"), files / "大兴安岭.doc")
    ARTIFACTS.mkdir(exist_ok=True)
    with app_on_loopback(ctx) as url:
        yield url, ctx, [scan, doc]


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def test_scanned_pdf_and_doc_uploaded_in_the_browser_are_searchable(browser, server):
    url, ctx, paths = server
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(url)
    page.get_by_label("用户名").fill("guan")
    page.get_by_label("密码").fill("guan-pw")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("tab", name="批量导入").click()
    page.locator("input[type=file][multiple]").first.set_input_files([str(p) for p in paths])
    page.get_by_role("button", name="导入", exact=True).click()
    page.get_by_text("共 2 个文件：成功 2 个").wait_for(timeout=240000)
    html = page.content()
    assert html.count("新增") >= 2 and "内江扫描件" in html and "大兴安岭" in html
    page.screenshot(path=str(ARTIFACTS / "upload-01-result.png"), full_page=True)
    page.close()
    for name in ("内江扫描件", "大兴安岭"):
        doc = next(r for r in ctx.index.store.doc_rows() if r["doc_id"].startswith(name))
        hits = ctx.retriever.search(doc["meta"].get("title") or name, k=20)
        assert any(h.chunk.doc_id == doc["doc_id"] for h in hits), (name, [h.chunk.doc_id for h in hits])
