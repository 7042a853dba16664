"""规则审核 in a real browser (Debian chromium + Playwright, live server on loopback), on its own index of the county
dev set: a reviewer approves a proposed rule and 项目匹配 then counts it; an officer cannot approve."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import app_on_loopback, login, require_browser, run_match_form, two_users

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "eval"))
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import county

    require_browser()
    if not (county.COUNTY / "incentives.jsonl").exists():
        pytest.skip(f"county dev set not found at {county.COUNTY}")
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext

    root = tmp_path_factory.mktemp("browser-rules")
    county.build_index(root).close()
    users = two_users()
    ctx = AppContext(root / "index", AuditLog(root / "audit.sqlite"), users, rule_dirs=())
    ARTIFACTS.mkdir(exist_ok=True)
    with app_on_loopback(ctx) as url:
        yield url, ctx


def sign_in(browser, url, user, password):
    return login(browser, url, user, password, viewport={"width": 1280, "height": 1400})


def open_candidate(page, clause_tail: str, ctx) -> str:
    from assistant.match.candidates import list_candidates

    rule_id = next(c["id"] for c in list_candidates(ctx.index_dir) if c["clause_id"].endswith("#" + clause_tail))
    page.get_by_role("tab", name="规则审核").click()
    box = page.get_by_label("候选规则编号（点选列表中的一行或粘贴编号）")
    box.fill(rule_id)
    box.press("Enter")
    page.locator("mark", has_text="5000万元以上").first.wait_for(timeout=30000)
    return rule_id


def test_reviewer_approves_and_match_uses_it(browser, server):
    url, ctx = server
    page = sign_in(browser, url, "shen", "shen-pw")
    open_candidate(page, "二、/（一）/4、", ctx)
    assert "<mark>3%</mark>" in page.content() and "<mark>2000万元</mark>" in page.content()
    page.screenshot(path=str(ARTIFACTS / "rules-01-candidate.png"), full_page=True)
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("已通过").wait_for(timeout=30000)
    assert "shen" in page.content()
    page.screenshot(path=str(ARTIFACTS / "rules-02-approved.png"), full_page=True)

    run_match_form(page, {"行业": "智能制造", "项目描述": "新引进数字化生产项目", "落地地区（必填）": "信阳经济技术开发区",
                          "固定资产投资（万元）": "6000"}, "2024-06-01")
    page.get_by_text("可享受的政策").wait_for(timeout=60000)
    assert "可享受 1 项" in page.content() and "180 万元" in page.content()  # the approved rule, counted
    page.screenshot(path=str(ARTIFACTS / "rules-03-match.png"), full_page=True)
    rows = ctx.audit.db.execute("SELECT user, action FROM audit WHERE action LIKE 'rules:%'").fetchall()
    assert rows == [("shen", "rules:approve")]
    page.close()


def test_officer_cannot_approve(browser, server):
    url, ctx = server
    page = sign_in(browser, url, "jing", "jing-pw")
    open_candidate(page, "（一）/2.第一段", ctx)
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("无权").wait_for(timeout=30000)
    page.close()
