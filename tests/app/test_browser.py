"""The app in a real browser: Debian's chromium driven by Playwright, against a live server on loopback.
Screenshots go to test-artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.match.service import DEFAULT_RULE_DIRS
from conftest import app_on_loopback, login, require_browser, run_match_form, two_users

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    require_browser()
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext

    users = two_users()
    audit = AuditLog(tmp_path_factory.mktemp("audit") / "audit.sqlite")
    ctx = AppContext(real_index.root, audit, users, rule_dirs=DEFAULT_RULE_DIRS)
    ARTIFACTS.mkdir(exist_ok=True)
    with app_on_loopback(ctx) as url:
        yield url, ctx


def sign_in(browser, url, user, password):
    return login(browser, url, user, password, viewport={"width": 1280, "height": 1000}, accept_downloads=True)


def test_wrong_password_is_refused(browser, server):
    url, _ = server
    page = sign_in(browser, url, "shen", "not-the-password")
    page.get_by_text("凭据不正确").wait_for(timeout=15000)
    page.screenshot(path=str(ARTIFACTS / "01-wrong-password.png"))
    page.close()


def test_reviewer_asks_matches_and_reviews(browser, server, tmp_path):
    url, ctx = server
    page = sign_in(browser, url, "shen", "shen-pw")
    page.get_by_label("问题").fill("外商投资企业能平等适用国家支持企业发展的政策吗")
    page.get_by_label("问题").press("Enter")
    page.locator("details.citation").first.wait_for(timeout=60000)  # the cited clauses in the sources panel
    assert "外商投资法" in page.content() and "foreign-investment-law-2019#第九条" in page.content()
    page.screenshot(path=str(ARTIFACTS / "02-chat-citations.png"), full_page=True)

    run_match_form(page, {"行业": "医药制造", "落地地区（必填）": "柳河县", "固定资产投资（万元）": "1.2亿元", "用地（亩）": "50"},
                   "2024-06-01")
    page.locator(":text('工业类项目固定资产投资奖励'):visible").first.wait_for(timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "03-match-report.png"), full_page=True)

    draft = tmp_path / "投资协议草案.txt"
    draft.write_text("第一条 项目投产后前三年，甲方按乙方缴纳税收形成的地方财政贡献的80%给予奖励。\n"
                     "第二条 为保护生态环境，辖区内危险废物统一由某环保公司集中处置。\n"
                     "第三条 项目用地通过招标、拍卖或者挂牌方式公开出让。\n", encoding="utf-8")
    page.get_by_role("tab", name="文稿审查").click()
    page.locator("input[type=file]").first.set_input_files(str(draft))
    page.get_by_role("button", name="开始审查").click()
    page.locator(":text('第十条第二项'):visible").first.wait_for(timeout=60000)
    page.locator(":text('第十二条第三项'):visible").first.wait_for(timeout=10000)  # the 第十二条 hint on 第二条
    page.screenshot(path=str(ARTIFACTS / "04-review-findings.png"), full_page=True)
    with page.expect_download(timeout=30000) as dl:
        page.locator("a[download='审查意见.docx']:visible").first.click()
    saved = ARTIFACTS / "审查意见.docx"
    dl.value.save_as(str(saved))
    import docx

    doc = docx.Document(str(saved))
    assert any("《公平竞争审查条例》第十条第二项" in c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert any("第十二条例外提示" in p.text for p in doc.paragraphs)

    page.get_by_label("企业诉求").fill("企业要求按其缴纳税收地方留成的50%返还，连续五年，并以成本价供地")
    page.get_by_role("button", name="审查诉求").click()
    page.locator(":text('风险化解方案'):visible").first.wait_for(timeout=60000)
    assert "政府产业基金股权投资" in page.content() and "第十条第三项" in page.content()
    page.screenshot(path=str(ARTIFACTS / "05-concession.png"), full_page=True)
    actions = [r["action"] for r in ctx.audit.rows()]
    assert {"ask", "match", "review", "review:concession"} <= set(actions) and ctx.audit.verify() == (True, None)
    page.close()


def test_officer_cannot_review(browser, server, tmp_path):
    url, _ = server
    page = sign_in(browser, url, "jing", "jing-pw")
    draft = tmp_path / "草案.txt"
    draft.write_text("第一条 对在本县注册的企业按其缴纳税收的50%给予奖励。\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    page.get_by_role("tab", name="文稿审查").click()
    page.locator("input[type=file]").first.set_input_files(str(draft))
    page.get_by_role("button", name="开始审查").click()
    page.locator(":text('无权使用此功能'):visible").first.wait_for(timeout=30000)
    page.screenshot(path=str(ARTIFACTS / "05-role-refused.png"))
    page.close()


def test_llm_answer_streams_into_the_chat(browser, real_index, llama_server, tmp_path):
    """With a real llama.cpp server the chat shows the answer as it is generated, then the checked answer with sources."""
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext, serve
    from assistant.llm.settings import LLMSettings

    ctx = AppContext(real_index.root, AuditLog(tmp_path / "audit.sqlite"), llm=LLMSettings(base_url=llama_server, model="qwen-test", timeout=180))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = serve(ctx, "127.0.0.1", port, block=False)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_text("回答由大模型").wait_for(timeout=30000)
        page.get_by_label("问题").fill("政府采购文件要保存多少年")
        page.get_by_label("问题").press("Enter")
        page.locator("mark").first.wait_for(state="attached", timeout=240000)  # sources appear once the answer is checked
        page.screenshot(path=str(ARTIFACTS / "06-llm-chat.png"), full_page=True)
        text = page.content()
        assert "生成中" not in text and ("依据：" in text or "摘录式回答" in text)
        page.close()
        row = ctx.audit.rows()[-1]
        assert row["action"] == "ask" and row["model"] == "qwen-test" and row["prompt_version"].startswith("answer-")
    finally:
        app.close()
