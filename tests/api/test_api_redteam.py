"""Red team for the HTTP API, MCP (HTTP and stdio) and gradio_client: real servers on loopback, two knowledge
bases (fake embedder), tokens from the users file. Every case asserts a clear outcome and its audit row."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from conftest import chromium, login, require_browser

pytestmark = [pytest.mark.redteam, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
SECRET = "第一条 本库为内部审查资料，编号甲乙丙，仅审查参考库的读者可见。"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from assistant.api.tokens import issue
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext, serve
    from assistant.app.users import Users, add_user
    from assistant.index import Index
    from assistant.index.ingest import ingest
    from conftest import free_port

    tmp = tmp_path_factory.mktemp("api")
    ingest([REPO / "corpus"], Index.open(tmp / "a", embedder="fake"), show_progress=False)
    (tmp / "bsrc").mkdir()
    (tmp / "bsrc" / "internal-review-notes.md").write_text(f"# 内部审查参考\n\n{SECRET}\n", encoding="utf-8")
    ingest([tmp / "bsrc"], Index.open(tmp / "b", embedder="fake"), show_progress=False)
    users = tmp / "users.yaml"
    for name, role in (("jing", "经办人员"), ("shen", "审查人员"), ("admin", "管理员"), ("burst", "经办人员")):
        add_user(users, name, role, f"{name}-password")
    tokens = {name: issue(users, name) for name in ("jing", "shen", "admin", "burst")}
    ctx = AppContext.serving({"全县政策库": tmp / "a", "审查参考库": tmp / "b"}, AuditLog(tmp / "audit.sqlite"),
                             Users.load(users))
    port = free_port()
    served = serve(ctx, "127.0.0.1", port, block=False)
    yield {"url": f"http://127.0.0.1:{port}", "ctx": ctx, "tokens": tokens, "tmp": tmp, "users": users}
    served.close()


def _rows(ctx, action: str) -> list[tuple]:
    return ctx.audit.db.execute("SELECT user, role, action, detail FROM audit WHERE action = ?", (action,)).fetchall()


def _http(site, token: str | None = None):
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=site["url"], headers=headers, timeout=120)


# ---- HTTP API -------------------------------------------------------------------------------------------------

@pytest.mark.redteam(row="unauth")
def test_http_without_or_with_a_wrong_token_is_401_and_audited(site):
    before = len(_rows(site["ctx"], "api:search:unauthorized"))
    for token in (None, "pa_guessed-token", site["tokens"]["jing"] + "x"):
        with _http(site, token) as c:
            for method, path, body in (("POST", "/api/v1/search", {"query": "奖励"}), ("POST", "/api/v1/ask", {"question": "奖励"}),
                                       ("POST", "/api/v1/review", {"text": "第一条 本地企业优先。"}),
                                       ("GET", "/api/v1/documents", None), ("GET", "/api/v1/clause/x%23第一条", None)):
                r = c.request(method, path, json=body)
                assert r.status_code == 401, (token, path, r.text)
                assert "令牌" in r.json()["detail"] and r.headers["www-authenticate"] == "Bearer"
    assert len(_rows(site["ctx"], "api:search:unauthorized")) == before + 3


@pytest.mark.redteam(row="escalation")
def test_http_officer_review_is_403_and_audited(site):
    with _http(site, site["tokens"]["jing"]) as c:
        r = c.post("/api/v1/review", json={"text": "第一条 本地企业优先。"})
    assert r.status_code == 403 and "无权" in r.json()["detail"]
    assert ("jing", "经办人员", "api:review:denied", "角色无此权限") in _rows(site["ctx"], "api:review:denied")
    with _http(site, site["tokens"]["admin"]) as c:  # the API is read-only: no ingest or removal at all
        for path in ("/api/v1/ingest", "/api/v1/remove", "/api/v1/documents"):
            assert c.post(path, json={}).status_code in (404, 405)


@pytest.mark.redteam(row="api")
def test_http_reviewer_gets_the_cli_review_contract(site):
    with _http(site, site["tokens"]["shen"]) as c:
        r = c.post("/api/v1/review", json={"text": "第一条 外地企业须在本地设立分公司方可参与投标。", "name": "草稿"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"draft", "findings"} and body["findings"], body  # same keys as review --json
    assert any(row[0] == "shen" for row in _rows(site["ctx"], "api:review"))


@pytest.mark.redteam(row="perms")
def test_http_search_and_documents_only_see_readable_bases(site):
    with _http(site, site["tokens"]["jing"]) as c:
        hits = c.post("/api/v1/search", json={"query": "内部审查资料 甲乙丙", "k": 50}).json()
        assert hits and all("internal-review-notes" not in h["clause_id"] for h in hits)
        assert c.get("/api/v1/bases").json() == ["全县政策库"]
        r = c.post("/api/v1/search", json={"query": "甲乙丙", "base": "审查参考库"})
        assert r.status_code == 404 and "知识库" in r.json()["detail"]
        assert c.get("/api/v1/documents", params={"base": "审查参考库"}).status_code == 404
    with _http(site, site["tokens"]["admin"]) as c:
        assert c.get("/api/v1/bases").json() == ["全县政策库", "审查参考库"]
        docs = c.get("/api/v1/documents", params={"base": "审查参考库"}).json()
        assert [d["doc_id"] for d in docs] == ["internal-review-notes"]


@pytest.mark.redteam(row="perms")
def test_http_clause_id_guessed_from_another_base_is_404(site):
    from urllib.parse import quote

    with _http(site, site["tokens"]["admin"]) as c:
        [doc] = c.get("/api/v1/documents", params={"base": "审查参考库"}).json()
        hits = c.post("/api/v1/search", json={"query": "甲乙丙", "base": "审查参考库"}).json()
        clause_id = hits[0]["clause_id"]
        assert c.get(f"/api/v1/clause/{quote(clause_id)}", params={"base": "审查参考库"}).json()["text"].endswith("可见。")
    assert doc["doc_id"] in clause_id
    with _http(site, site["tokens"]["jing"]) as c:
        for params in ({}, {"base": "审查参考库"}, {"base": "全县政策库"}):
            r = c.get(f"/api/v1/clause/{quote(clause_id)}", params=params)
            assert r.status_code == 404 and SECRET not in r.text, (params, r.text)
    assert _rows(site["ctx"], "api:clause:denied") and _rows(site["ctx"], "api:clause:refused")


@pytest.mark.redteam(row="api")
def test_http_body_too_large_is_413(site):
    with _http(site, site["tokens"]["shen"]) as c:
        r = c.post("/api/v1/review", content=json.dumps({"text": "条" * 600_000}, ensure_ascii=False).encode("utf-8"),
                   headers={"content-type": "application/json"})
    assert r.status_code == 413 and "过大" in r.json()["detail"]
    assert ("shen", "审查人员", "api:too_large", "/api/v1/review") in _rows(site["ctx"], "api:too_large")


@pytest.mark.redteam(row="api")
def test_http_rate_limit_per_token_is_429_and_audited(site):
    with _http(site, site["tokens"]["burst"]) as c:
        codes = [c.get("/api/v1/bases").status_code for _ in range(60)]
    assert codes[0] == 200 and 429 in codes
    assert _rows(site["ctx"], "api:bases:limited")
    with _http(site, site["tokens"]["jing"]) as c:  # another token keeps its own bucket
        assert c.get("/api/v1/bases").status_code == 200


@pytest.mark.redteam(row="api")
def test_http_slow_request_is_504_in_chinese(site, monkeypatch):
    import time

    from fastapi.testclient import TestClient

    import assistant.api.http as http

    monkeypatch.setattr(http, "call", lambda *a, **k: time.sleep(1.0))
    app = http.create_api(site["ctx"], timeout_s=0.05)
    r = TestClient(app).get("/api/v1/bases", headers={"Authorization": f"Bearer {site['tokens']['jing']}"})
    assert r.status_code == 504 and "超时" in r.json()["detail"]
    assert _rows(site["ctx"], "api:bases:timeout")


@pytest.mark.redteam(row="api")
def test_openapi_docs_list_every_endpoint(site):
    import httpx

    spec = httpx.get(site["url"] + "/api/openapi.json").json()
    assert {"/api/v1/search", "/api/v1/ask", "/api/v1/match", "/api/v1/review", "/api/v1/documents",
            "/api/v1/clause/{clause_id}"} <= set(spec["paths"])
    assert httpx.get(site["url"] + "/api/docs").status_code == 200


@pytest.mark.redteam(row="unauth,d14")
def test_revoked_token_is_out_at_once(site):
    from assistant.api.tokens import issue, revoke

    token = issue(site["users"], "jing")
    with _http(site, token) as c:
        assert c.get("/api/v1/bases").status_code == 200
        revoke(site["users"], "jing")
        assert c.get("/api/v1/bases").status_code == 401
    site["tokens"]["jing"] = issue(site["users"], "jing")


# ---- MCP over streamable HTTP -------------------------------------------------------------------------------

async def _mcp(site, token, work):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http_client:
        async with Client(streamable_http_client(site["url"] + "/mcp/", http_client=http_client)) as client:
            return await work(client)


def _texts(result) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


@pytest.mark.redteam(row="api")
def test_mcp_lists_and_calls_every_tool_with_a_token(site):
    async def work(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        search = await client.call_tool("search", {"query": "投资奖励", "k": 3})
        ask = await client.call_tool("ask", {"question": "固定资产投资奖励怎么申请？"})
        match = await client.call_tool("match", {"profile": {"industry": "医药制造", "region": "青川省临江市滨湖经济技术开发区",
                                                              "fixed_asset_investment_wan": 12000}})
        review = await client.call_tool("review", {"text": "第一条 外地企业须在本地设立分公司方可参与投标。"})
        hit = json.loads(_texts(search))[0]
        from urllib.parse import quote

        clause = await client.read_resource(f"clause://{quote('全县政策库')}/{quote(hit['clause_id'], safe='')}")
        return tools, search, ask, match, review, hit, clause

    tools, search, ask, match, review, hit, clause = asyncio.run(_mcp(site, site["tokens"]["admin"], work))
    assert {"search", "ask", "match", "review"} <= tools
    for result in (search, ask, match, review):
        assert not result.is_error, _texts(result)
    assert "answer" in json.loads(_texts(ask)) and "eligible" in json.loads(_texts(match))
    assert json.loads(_texts(review))["findings"]
    assert json.loads(clause.contents[0].text)["clause_id"] == hit["clause_id"]
    assert any(row[0] == "admin" for row in _rows(site["ctx"], "mcp:review"))


@pytest.mark.redteam(row="unauth")
def test_mcp_refuses_without_a_token(site):
    async def work(client):
        return await client.list_tools()

    for token in (None, "pa_wrong"):
        with pytest.raises(BaseException) as info:  # the transport gets 401 before any session exists
            asyncio.run(_mcp(site, token, work))
        assert "Server returned an error response" in repr(info.value)
    import httpx

    r = httpx.post(site["url"] + "/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert r.status_code == 401 and "令牌" in r.json()["detail"]
    assert _rows(site["ctx"], "mcp:connect:unauthorized")


@pytest.mark.redteam(row="escalation,perms")
def test_mcp_officer_cannot_review_nor_read_another_base(site):
    from urllib.parse import quote

    async def work(client):
        review = await client.call_tool("review", {"text": "第一条 本地企业优先。"})
        other = await client.call_tool("search", {"query": "甲乙丙", "base": "审查参考库"})
        try:
            clause = await client.read_resource(f"clause://{quote('审查参考库')}/{quote('internal-review-notes#第一条', safe='')}")
        except Exception as exc:  # refused
            clause = exc
        return review, other, clause

    review, other, clause = asyncio.run(_mcp(site, site["tokens"]["jing"], work))
    assert review.is_error and "403" in _texts(review) and "无权" in _texts(review)
    assert other.is_error and "404" in _texts(other)
    assert isinstance(clause, Exception) or SECRET not in str(clause)
    assert ("jing", "经办人员", "mcp:review:denied", "角色无此权限") in _rows(site["ctx"], "mcp:review:denied")


# ---- MCP over stdio -------------------------------------------------------------------------------------------

@pytest.mark.redteam(row="unauth,escalation")
def test_mcp_stdio_with_and_without_a_token(site, tmp_path):
    from mcp import Client, StdioServerParameters

    args = ["-m", "assistant.cli.main", "mcp", "--kb", f"全县政策库={site['tmp'] / 'a'}", "--kb",
            f"审查参考库={site['tmp'] / 'b'}", "--users", str(site["users"]), "--audit", str(tmp_path / "audit.sqlite")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONPATH": str(REPO)}

    async def work(token):
        params = StdioServerParameters(command=sys.executable, args=args, cwd=str(REPO),
                                       env={**env, "POLICY_ASSISTANT_TOKEN": token})
        async with Client(params, read_timeout_seconds=120) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            result = await client.call_tool("review", {"text": "第一条 本地企业优先。"})
            return tools, result

    tools, result = asyncio.run(work(site["tokens"]["jing"]))
    assert {"search", "ask", "match", "review"} <= tools and result.is_error and "无权" in _texts(result)
    with pytest.raises(BaseException) as info:
        asyncio.run(work("pa_wrong"))
    assert "Connection closed" in repr(info.value)  # the server refused to start for this token


# ---- Gradio's own API -----------------------------------------------------------------------------------------

@pytest.mark.redteam(row="escalation,perms,d6")
def test_gradio_client_officer_cannot_review(site, tmp_path):
    from gradio_client import Client, handle_file

    draft = tmp_path / "draft.txt"
    draft.write_text("第一条 本地企业优先。\n", encoding="utf-8")
    client = Client(site["url"] + "/", auth=("jing", "jing-password"), verbose=False)
    rows, files = client.predict(handle_file(str(draft)), api_name="/review")
    data = rows["data"] if isinstance(rows, dict) else rows
    assert "无权" in str(data) and not files
    assert ("jing", "经办人员", "review:denied", "角色无此权限") in _rows(site["ctx"], "review:denied")
    docs = client.predict("", api_name="/documents")
    assert "internal-review-notes.md" not in json.dumps(docs, ensure_ascii=False)
    assert "无权" in client.predict([], api_name="/ingest")  # knowledge-base admin functions, too
    from gradio_client.exceptions import AppError

    try:  # Gradio itself refuses a value outside the officer's (empty) picker; the handler would refuse the role
        assert "无权" in client.predict("demo-zone-investment-incentives-2025", True, api_name="/remove")
    except AppError as exc:
        assert "not in the list of choices" in str(exc)
    assert _rows(site["ctx"], "admin:denied")
    with _http(site, site["tokens"]["admin"]) as c:
        assert "demo-zone-investment-incentives-2025" in {d["doc_id"] for d in c.get("/api/v1/documents").json()}


# ---- the login page in a real browser -------------------------------------------------------------------------

@pytest.mark.redteam(row="unauth")
def test_login_page_is_chinese_for_an_english_browser(site):
    require_browser()
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(locale="en-US", viewport={"width": 1000, "height": 700})
        page.goto(site["url"] + "/")
        page.get_by_role("button", name="登录").wait_for(timeout=30000)
        page.get_by_label("用户名").fill("jing")
        page.get_by_label("密码").fill("not-the-password")
        page.screenshot(path=str(artifacts / "api-login-zh.png"))
        page.get_by_role("button", name="登录").click()
        page.get_by_text("凭据不正确").wait_for(timeout=15000)
        page.screenshot(path=str(artifacts / "api-login-zh-wrong.png"))
    assert _rows(site["ctx"], "login:failed")


@pytest.mark.redteam(row="api")
def test_mcp_shares_the_rate_limit_of_the_token(site):
    import httpx

    from assistant.api.tokens import issue

    token = issue(site["users"], "burst")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    codes = [httpx.post(site["url"] + "/mcp/", headers=headers, json={"jsonrpc": "2.0", "id": i, "method": "ping"}).status_code
             for i in range(60)]
    assert 429 in codes and codes[0] != 429
    assert _rows(site["ctx"], "mcp:limited")


@pytest.mark.redteam(row="perms")
def test_ui_base_selector_lists_only_the_users_bases(site):
    require_browser()
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    seen = {}
    with chromium() as browser:
        for user in ("jing", "admin"):
            page = login(browser, site["url"] + "/", user, f"{user}-password", viewport={"width": 1280, "height": 900})
            box = page.get_by_label("知识库", exact=True)
            box.wait_for(timeout=30000)
            page.wait_for_timeout(1500)  # the load event fills the choices
            box.click()
            page.get_by_role("option").first.wait_for(timeout=10000)
            seen[user] = page.get_by_role("option").all_inner_texts()
            if user == "admin":
                page.get_by_role("option", name="审查参考库").click()
                page.get_by_text("当前知识库：审查参考库").wait_for(timeout=15000)
                page.get_by_role("tab", name="知识库").click()
                page.get_by_text("internal-review-notes.md").first.wait_for(state="attached", timeout=15000)
                page.wait_for_timeout(500)
            page.screenshot(path=str(artifacts / f"api-base-selector-{user}.png"), full_page=True)
            page.close()
    assert [s.replace("✓", "").strip() for s in seen["jing"]] == ["全县政策库"]
    assert [s.replace("✓", "").strip() for s in seen["admin"]] == ["全县政策库", "审查参考库"]


@pytest.mark.redteam(row="unauth")
def test_file_routes_stay_shut_with_gradio_mounted(site):
    """Unauthenticated and logged-in: Gradio's file routes give nothing outside its own upload cache."""
    import httpx

    targets = ["/etc/passwd", str(site["users"]), str(site["tmp"] / "audit.sqlite"), str(site["tmp"] / "a" / "index.json"),
               str(REPO / "README.md")]
    with httpx.Client(base_url=site["url"], timeout=30) as anon, httpx.Client(base_url=site["url"], timeout=30) as user:
        assert user.post("/login", data={"username": "jing", "password": "jing-password"}).status_code == 200
        assert user.get("/config").status_code == 200 and anon.get("/config").status_code == 401
        for client in (anon, user):
            for target in targets:
                for route in ("/file=", "/gradio_api/file="):
                    r = client.get(route + target)
                    assert r.status_code in (401, 403, 404), (route, target, r.status_code)
                    assert "root:" not in r.text and "password_hash" not in r.text and "token_hashes" not in r.text


# ---- crashing handlers (#16 defect 20) ------------------------------------------------------------------------

BAD_DATE_DRAFT = "---\npublished: 2024-13-45\neffective: 2024-02-30\n---\n第一条 对本地企业按其缴纳税收的地方留成部分给予返还。\n"


@pytest.mark.redteam(row="d20")
def test_http_malformed_body_is_one_short_422_and_audited(site):
    before = len(_rows(site["ctx"], "api:ask:invalid"))
    with _http(site, site["tokens"]["jing"]) as c:
        for body in ({"question": "招商", "history": "garbage"}, {"question": "招商", "history": [{"a": 1}] * 20000},
                     {"history": []}, {"question": "招商", "history": ["问"] * 51}):
            r = c.post("/api/v1/ask", json=body)
            assert r.status_code == 422 and r.json()["detail"].startswith("请求格式无效") and len(r.text) < 1200, r.text[:300]
    rows = _rows(site["ctx"], "api:ask:invalid")
    assert len(rows) == before + 4 and {r[0] for r in rows[before:]} == {"jing"}
    with _http(site) as c:  # no token: 401 whatever the body
        assert c.post("/api/v1/ask", json={"history": 1}).status_code == 401


@pytest.mark.redteam(row="d20")
def test_http_review_of_a_draft_with_a_bad_yaml_date_answers(site):
    with _http(site, site["tokens"]["shen"]) as c:
        r = c.post("/api/v1/review", json={"text": BAD_DATE_DRAFT, "name": "bad-date.md"})
    assert r.status_code == 200 and r.json()["findings"], r.text[:300]


@pytest.mark.redteam(row="d20")
def test_gradio_malformed_or_huge_chat_history_is_one_line_each(site, capfd):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(site["url"] + "/", auth=("jing", "jing-password"), verbose=False)
    good, _ = client.predict("招商引资奖励有哪些", [], "", "", "", "", api_name="/ask")
    assert good[-1]["role"] == "assistant"
    capfd.readouterr()
    for history in ("garbage", [1, 2, 3], [{"role": 1}], [{"content": "x"}] * 20000, good * 1500):
        with pytest.raises(AppError, match="对话记录"):
            client.predict("还有呢", history, "", "", "", "", api_name="/ask")
    out, err = capfd.readouterr()
    assert len((out + err).splitlines()) < 40, (out + err)[-2000:]  # no traceback, no line per entry
    again, _ = client.predict("还有呢", good, "", "", "", "", api_name="/ask")  # a well-formed history still works
    assert len(again) == len(good) + 2 and again[-1]["role"] == "assistant"


@pytest.mark.redteam(row="d20")
def test_gradio_review_of_a_draft_with_a_bad_yaml_date_answers(site, tmp_path):
    from gradio_client import Client, handle_file

    draft = tmp_path / "bad-date.md"
    draft.write_text(BAD_DATE_DRAFT, encoding="utf-8")
    client = Client(site["url"] + "/", auth=("shen", "shen-password"), verbose=False)
    rows, files = client.predict(handle_file(str(draft)), api_name="/review")
    data = rows["data"] if isinstance(rows, dict) else rows
    assert data and "⚠️" not in str(data) and len(files) == 2


# ---- Gradio routes without a login, officer on admin endpoints, uploads through the server ------------------------

@pytest.mark.redteam(row="unauth")
def test_gradio_api_routes_refuse_without_a_login(site, tmp_path):
    import httpx

    (tmp_path / "x.md").write_text("第一条 内容。\n", encoding="utf-8")
    with httpx.Client(base_url=site["url"], timeout=30) as anon:
        page = anon.get("/")
        assert page.status_code == 200 and '"auth_required":true' in page.text  # the login page only, and it holds
        for leak in ("全县政策库", "demo-zone", "滨湖", "named_endpoints", "internal-review"):  # no data, no API description
            assert leak not in page.text, leak
        probes = [("get", "/gradio_api/info", None), ("get", "/gradio_api/config", None), ("get", "/config", None),
                  ("post", "/gradio_api/queue/join", {"data": ["招商", [], "", "", "", ""], "fn_index": 0, "session_hash": "x"}),
                  ("post", "/gradio_api/call/ask", {"data": ["招商", [], "", "", "", ""]}),
                  ("post", "/gradio_api/call/documents", {"data": [""]}), ("post", "/gradio_api/run/predict", {"data": []}),
                  ("post", "/gradio_api/api/ask", {"data": ["招商", [], "", "", "", ""]}),
                  ("get", "/gradio_api/queue/data?session_hash=x", None)]  # (startup-events answers "true": no data)
        for method, route, body in probes:
            r = anon.request(method, route, json=body)
            assert r.status_code in (401, 403, 404, 405), (route, r.status_code, r.text[:200])
            assert SECRET not in r.text and "demo-zone" not in r.text and "named_endpoints" not in r.text, route
        with (tmp_path / "x.md").open("rb") as fh:
            r = anon.post("/gradio_api/upload", files={"files": ("x.md", fh)})
        assert r.status_code in (401, 403), r.status_code
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - any refusal: gradio_client cannot even read the API without a login
        Client(site["url"] + "/", verbose=False).predict("招商", [], "", "", "", "", api_name="/ask")


@pytest.mark.redteam(row="escalation")
def test_gradio_client_officer_cannot_batch_upload_or_decide_rules(site, tmp_path):
    from gradio_client import Client, handle_file

    doc = tmp_path / "officer-upload.md"
    doc.write_text("# 经办人员上传\n\n第一条 不应进入知识库。\n", encoding="utf-8")
    client = Client(site["url"] + "/", auth=("jing", "jing-password"), verbose=False)
    summary, _table = client.predict([handle_file(str(doc))], [], api_name="/upload")
    assert "无权" in summary
    from assistant.app.tab_rules import COND_HEADERS

    conds = {"headers": COND_HEADERS, "data": [["" for _ in COND_HEADERS]]}
    assert "无权" in client.predict("任意编号", conds, "in_kind", "", "", "", "", "", "", "", "", "", api_name="/approve_rule")
    assert "无权" in client.predict("任意编号", "理由", api_name="/reject_rule")
    with _http(site, site["tokens"]["admin"]) as c:
        assert "officer-upload" not in json.dumps(c.get("/api/v1/documents").json(), ensure_ascii=False)


@pytest.mark.redteam(row="uploads,d7")
def test_twenty_parallel_reviews_of_one_file_through_the_server(site, tmp_path):
    """Identical uploads get one path in Gradio's cache; every review works on its own copy (defect 7)."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client, handle_file

    draft = tmp_path / "same-draft.txt"
    draft.write_text("第一条 对本地企业按其缴纳税收的地方留成部分给予返还。\n第二条 外地企业不得参与投标。\n", encoding="utf-8")

    def one(_):
        client = Client(site["url"] + "/", auth=("shen", "shen-password"), verbose=False)
        rows, files = client.predict(handle_file(str(draft)), api_name="/review")
        return rows["data"] if isinstance(rows, dict) else rows, files

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(20)))
    bad = [rows for rows, files in results if "⚠️" in str(rows) or len(files) != 2]
    assert not bad, bad[:2]


@pytest.mark.redteam(row="uploads")
def test_upload_names_with_path_traversal_stay_in_the_cache(site, tmp_path):
    import httpx

    from assistant.app.tab_kb_upload import stage_uploads

    with httpx.Client(base_url=site["url"], timeout=30) as user:
        assert user.post("/login", data={"username": "admin", "password": "admin-password"}).status_code == 200
        names = ["../../../../tmp/evil-upload.md", "..\\..\\evil2.md", "/etc/cron.d/evil3.md", "ok/../../evil4.md"]
        r = user.post("/gradio_api/upload", files=[("files", (n, b"# x\n\nfirst\n")) for n in names])
        assert r.status_code == 200, r.text[:200]
        stored = [Path(p) for p in r.json()]
    from assistant.app.uploads import upload_roots

    roots = [Path(x).resolve() for x in upload_roots()]
    assert len(stored) == 4 and all(any(p.resolve().is_relative_to(root) for root in roots) for p in stored), stored
    assert not Path("/tmp/evil-upload.md").exists() and not Path("/etc/cron.d/evil3.md").exists()
    # and our own staging keeps one clean name per file, never a folder part
    src = tmp_path / "src"
    src.mkdir()
    (src / "..evil.md").write_text("# x\n", encoding="utf-8")
    staged, refused = stage_uploads([str(src / "..evil.md")], tmp_path / "dest")
    assert not refused and [p.parent for p in staged] == [tmp_path / "dest"] and not staged[0].name.startswith(".")


@pytest.mark.redteam(row="uploads,d1")
def test_docx_zip_bomb_through_the_review_upload_is_one_line(site, tmp_path):
    import resource
    import zipfile

    from gradio_client import Client, handle_file

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(1100):
                fh.write(b"\0" * (1024 * 1024))  # 1.1 GB inflated, ~1 MB on disk
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client = Client(site["url"] + "/", auth=("shen", "shen-password"), verbose=False)
    rows, files = client.predict(handle_file(str(bomb)), api_name="/review")
    data = rows["data"] if isinstance(rows, dict) else rows
    assert "压缩炸弹" in str(data) and not files
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 * 1024  # KB: the server never inflated it
