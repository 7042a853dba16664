"""The chat in a real browser (Debian chromium + Playwright, live server on loopback): a compliance question gets
「不能」 with 条例第十条, a follow-up changes the answer, an off-topic question is refused, a citation opens its clause,
and the conversation survives a reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from assistant.match.service import DEFAULT_RULE_DIRS
from conftest import app_on_loopback, chromium, require_browser

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def chat_server(real_index, tmp_path_factory):
    require_browser()
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext
    from assistant.app.users import Users, hash_password

    users = Users({"jing": {"password_hash": hash_password("jing-pw"), "role": "经办人员"}})
    ctx = AppContext(real_index.root, AuditLog(tmp_path_factory.mktemp("audit") / "audit.sqlite"), users,
                     rule_dirs=DEFAULT_RULE_DIRS)
    ARTIFACTS.mkdir(exist_ok=True)
    with app_on_loopback(ctx) as url:
        yield url


def _last_answer(page) -> str:
    return page.locator("#chat .message").last.inner_text()


def test_officer_conversation_in_a_browser(chat_server):
    with chromium() as b:
        page = b.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(chat_server)
        page.get_by_label("用户名").fill("jing")
        page.get_by_label("密码").fill("jing-pw")
        page.get_by_role("button", name="登录").click()
        box = page.locator("#question textarea")

        def ask(q, expect):
            box.fill(q)
            box.press("Enter")
            page.locator("#chat .message").filter(has_text=expect).last.wait_for(timeout=90000)
            return _last_answer(page)

        first = ask("招商引资时能不能承诺按企业缴纳的税收给予返还？", "公平竞争审查条例》第十条")
        assert first.lstrip().startswith("不能") and "第十条第二项" in first
        # a citation opens its clause in the context of its document
        cite = page.locator("details.citation").first
        cite.locator("summary").click()
        mark = cite.locator("mark").first
        mark.wait_for(state="visible", timeout=10000)
        assert "财政奖励" in mark.inner_text()
        page.screenshot(path=str(ARTIFACTS / "chat-01-compliance.png"), full_page=True)

        second = ask("那土地出让金呢？", "第十条第三项")
        assert second != first and second.lstrip().startswith("不能")
        third = ask("今天中午吃什么？", "无法从现有文件中确认")
        assert "第十条" not in third
        page.screenshot(path=str(ARTIFACTS / "chat-02-conversation.png"), full_page=True)

        page.reload()
        page.locator("#chat .message").filter(has_text="那土地出让金呢").first.wait_for(timeout=30000)
        assert page.locator("#chat .message").count() >= 6
        page.screenshot(path=str(ARTIFACTS / "chat-03-after-reload.png"), full_page=True)
