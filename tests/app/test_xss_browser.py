"""Stored XSS in real Chromium, tab by tab: payloads in document text, titles and file names (ingested), in a
draft, in chat input (and so in the history list), in rule fields, in the 区域对标 form and in batch-upload file
names. Any dialog or any live handler (onerror/onload attribute, javascript: link, inline script holding a payload)
fails the case. Each case first waits for a text it rendered, so it cannot pass on an empty page."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import app_on_loopback, chromium, require_browser

pytestmark = [pytest.mark.redteam(row="xss"), pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def payloads(tag: str) -> str:
    """Every payload kind, each naming where it came from (`tag`) in the alert text."""
    return (f"<script>alert('xss-{tag}-script')</script> <img src=x onerror=alert('xss-{tag}-img')> "
            f"[点我](javascript:alert('xss-{tag}-link')) <svg onload=alert('xss-{tag}-svg')></svg> "
            f"<a href=\"javascript:alert('xss-{tag}-a')\">链接</a>")


FILE_NAME = "政策<img src=x onerror=alert('xss-filename')>.md"  # no slash: a valid file name
DOC = (f"---\ntitle: 工业项目奖励办法<script>alert('xss-title')</script><img src=x onerror=alert('xss-title-img')>\n"
       f"kind: local_policy\nregion: 示例县<img src=x onerror=alert('xss-region')>\nlevel: county\neffective: 2025-01-01\n---\n"
       f"# 工业项目奖励办法\n\n"
       f"第一条 对新引进的制造业项目，固定资产投资额达到5000万元及以上的，按项目实际完成固定资产投资额的5%给予设备购置补助，单个项目最高不超过1000万元。{payloads('doc')}\n\n"
       f"第二条 人才引进补贴按年发放，博士每人每年5万元。{payloads('doc2')}\n")
DRAFT = ("第一条 对落户企业按其缴纳税收形成的地方财政贡献的80%给予返还奖励。" + payloads("draft") + "\n"
         "第二条 辖区内危险废物统一由某环保公司集中处置。" + payloads("draft2") + "\n")

# live script: handlers or javascript: URLs that survived into the page, and inline scripts carrying a payload
LIVE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').toLowerCase();
      if (n.startsWith('on') && v.includes('xss-')) bad.push(el.tagName + ' ' + n + '=' + a.value);
      if ((n === 'href' || n === 'src' || n === 'action' || n === 'formaction') && v.trim().startsWith('javascript:'))
        bad.push(el.tagName + ' ' + n + '=' + a.value);
    }
    const t = el.tagName === 'SCRIPT' ? (el.textContent || '') : '';  // Gradio's config / api info (JSON) hold the values as data
    if (t.includes('xss-') && !t.trimStart().startsWith('window.gradio_')) bad.push('SCRIPT ' + t.slice(0, 200));
  }
  return bad.concat(window.__xss || []);
}"""
HOOK = "window.__xss = []; for (const f of ['alert','confirm','prompt']) { window[f] = (m) => { window.__xss.push(f + ':' + m); }; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext
    from assistant.app.uploads import Uploads
    from assistant.app.users import Users, hash_password
    from assistant.index import Index
    from assistant.index.ingest import ingest

    tmp = tmp_path_factory.mktemp("xss")
    (tmp / "src").mkdir()
    (tmp / "src" / FILE_NAME).write_text(DOC, encoding="utf-8")
    report = ingest([tmp / "src", REPO / "corpus"], Index.open(tmp / "idx", embedder="fake"), show_progress=False)
    assert not report.failed, [(r.file, r.detail) for r in report.results if r.status == "failed"]
    users = Users({"admin": {"password_hash": hash_password("admin-pw"), "role": "管理员"}})
    ctx = AppContext(tmp / "idx", AuditLog(tmp / "audit.sqlite"), users, uploads=Uploads())
    ARTIFACTS.mkdir(exist_ok=True)
    with app_on_loopback(ctx) as url, chromium() as browser:
        yield {"url": url, "ctx": ctx, "browser": browser, "tmp": tmp}


@pytest.fixture()
def page(site):
    """A logged-in admin page; dialogs are recorded (and dismissed), alert/confirm/prompt are hooked."""
    context = site["browser"].new_context(viewport={"width": 1280, "height": 1400})
    context.add_init_script(HOOK)
    p = context.new_page()
    p.dialogs = []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.goto(site["url"])
    p.get_by_label("用户名").fill("admin")
    p.get_by_label("密码").fill("admin-pw")
    p.get_by_role("button", name="登录").click()
    p.get_by_role("tab", name="政策问答").wait_for(timeout=30000)
    yield p
    context.close()


def assert_clean(page, name: str) -> None:
    page.wait_for_timeout(800)  # let images fail and handlers (if any) fire
    page.screenshot(path=str(ARTIFACTS / f"xss-{name}.png"), full_page=True)
    live = page.evaluate(LIVE)
    assert page.dialogs == [] and live == [], (page.dialogs, live)


def visible(page, text: str, timeout: float = 60000):
    page.locator(f":text({text!r}):visible").first.wait_for(timeout=timeout)


def test_chat_answer_sources_and_history_list(page):
    q = page.get_by_label("问题")
    q.fill("设备购置补助最高多少 " + payloads("chat"))
    q.press("Enter")
    page.locator("#sources details.citation").first.wait_for(timeout=90000)
    page.locator("#sources details.citation summary").first.click()  # open a citation: its clause text shows
    visible(page, "单个项目最高不超过1000万元")  # the document's clause, payloads and all, rendered in the sources
    visible(page, "工业项目奖励办法")  # the answer in the chat names the payload title
    assert_clean(page, "chat")
    page.get_by_label("历史对话").click()  # the history list holds the chat input (the conversation's title)
    page.get_by_role("option").first.wait_for(timeout=30000)
    assert "设备购置补助" in page.get_by_role("option").first.inner_text()
    assert_clean(page, "chat-history")
    page.reload()  # the stored conversation is loaded back into the chat on login
    page.get_by_role("tab", name="政策问答").wait_for(timeout=30000)
    visible(page, "工业项目奖励办法")
    assert_clean(page, "chat-reloaded")


def test_knowledge_base_table(page):
    page.get_by_role("tab", name="知识库").click()
    visible(page, "工业项目奖励办法")
    assert "alert('xss-filename')" in page.get_by_role("tabpanel").inner_text()  # the file name, shown as text
    assert_clean(page, "kb-table")


def test_review_findings(page, site):
    draft = site["tmp"] / "草案<img src=x onerror=alert('xss-draftname')>.md"
    draft.write_text(DRAFT, encoding="utf-8")
    page.get_by_role("tab", name="文稿审查").click()
    page.locator("input[type=file]").first.set_input_files(str(draft))
    page.get_by_role("button", name="开始审查").click()
    visible(page, "修改建议")
    page.locator(":text('xss-draft'):visible").first.wait_for(timeout=90000)  # the findings quote the draft as text
    assert_clean(page, "review")
    page.get_by_label("企业诉求").fill("企业要求按其缴纳税收地方留成的50%返还" + payloads("deal"))
    page.get_by_role("button", name="审查诉求").click()
    visible(page, "风险化解方案")
    assert_clean(page, "review-deal")


def test_rules_tab(page, site):
    from assistant.match.candidates import list_candidates

    cands = list_candidates(site["ctx"].index_dir)
    mine = [c for c in cands if "xss-title" in (c.get("policy_title") or "")]
    assert mine, "ingest proposed no candidate rule from the payload document"
    page.get_by_role("tab", name="规则审核").click()
    visible(page, "工业项目奖励办法")  # the candidate list holds the payload title
    box = page.get_by_label("候选规则编号（点选列表中的一行或粘贴编号）")
    box.fill(mine[0]["id"])
    box.press("Enter")
    page.locator("mark").first.wait_for(timeout=30000)  # the clause, payload included, with its quotes marked
    assert_clean(page, "rules-clause")
    page.get_by_label("金额原文引用（每行一条，须为条款原文）").fill(payloads("quote"))
    page.get_by_label("支持内容说明").fill(payloads("ruletext"))
    page.get_by_role("button", name="审核通过").click()
    page.locator(":text('⚠️'):visible, :text('已通过'):visible").first.wait_for(timeout=30000)
    assert_clean(page, "rules-approve")
    page.get_by_label("驳回理由").fill(payloads("reason"))
    page.get_by_role("button", name="驳回").click()
    page.locator(":text('已驳回'):visible").first.wait_for(timeout=30000)
    page.get_by_label("状态").click()
    page.get_by_role("option", name="all").click()
    page.get_by_role("button", name="刷新列表").click()
    page.wait_for_timeout(1500)
    assert_clean(page, "rules-list")


def test_compare_tab(page):
    page.get_by_role("tab", name="区域对标").click()
    tab = page.get_by_role("tabpanel")
    tab.get_by_label("项目名称").fill("项目" + payloads("project"))
    tab.get_by_label("行业").fill("医药制造" + payloads("industry"))
    tab.get_by_label("固定资产投资（万元）").fill("12000")
    tab.get_by_label("对标地区（逗号分隔，默认全部有规则的地区）").fill("柳河县," + payloads("region").replace(",", " "))
    tab.get_by_label("产业链政策清单（可选）").fill("医药" + payloads("chain"))
    page.get_by_role("button", name="开始对标").click()
    page.locator("h1:visible, h2:visible, h3:visible, :text('⚠️'):visible").filter(has_text="对标").first.wait_for(
        timeout=90000)
    assert_clean(page, "compare")


def test_match_tab(page):
    page.get_by_role("tab", name="项目匹配").click()
    tab = page.get_by_role("tabpanel")
    tab.get_by_label("项目名称").fill("项目" + payloads("mproject"))
    tab.get_by_label("行业").fill("制造业" + payloads("mindustry"))
    tab.get_by_label("落地地区（必填）").fill("示例县" + payloads("mregion"))
    tab.get_by_label("固定资产投资（万元）").fill("6000")
    tab.get_by_label("资质与认定（逗号分隔）").fill("高新技术企业," + payloads("mqual").replace(",", " "))
    page.get_by_role("button", name="匹配政策").click()
    page.locator(":text('xss-mregion'):visible, :text('⚠️'):visible").first.wait_for(timeout=90000)
    assert_clean(page, "match")


def test_batch_upload_file_names(page, site):
    src = site["tmp"] / "batch"
    src.mkdir(exist_ok=True)
    bad = src / "办法<img src=x onerror=alert('xss-upname')>.md"
    bad.write_text("# 批量导入办法" + payloads("uptitle") + "\n\n第一条 本办法自发布之日起施行。" + payloads("uptext") + "\n",
                   encoding="utf-8")
    page.get_by_role("tab", name="批量导入").click()
    page.get_by_role("tabpanel").locator("input[type=file]").first.set_input_files(str(bad))
    page.wait_for_timeout(1500)  # the upload finishes before the click
    page.get_by_role("button", name="导入", exact=True).click()
    visible(page, "共 1 个文件")
    assert "alert('xss-upname')" in page.get_by_role("tabpanel").inner_text()
    assert_clean(page, "batch-upload")
    page.get_by_role("tab", name="知识库").click()
    page.get_by_role("button", name="刷新").click()
    visible(page, "批量导入办法")
    assert_clean(page, "batch-kb-table")


def test_the_check_sees_a_payload_that_runs(page):
    """The detector itself: a payload put live into the page is caught (so a clean page above means clean)."""
    page.evaluate("""() => { const d = document.createElement('div');
      d.innerHTML = "<img src=x onerror=alert('xss-probe')><a href=\\"javascript:alert('xss-probe')\\">x</a>";
      document.body.appendChild(d); }""")
    with pytest.raises(AssertionError) as caught:
        assert_clean(page, "probe")
    assert "alert:xss-probe" in str(caught.value) and "javascript:alert('xss-probe')" in str(caught.value)
