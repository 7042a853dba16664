"""MCP server (the `mcp` SDK's MCPServer): read-only tools search / ask / match / review and a resource
`clause://{base}/{clause_id}` (both parts percent-encoded). Over stdio (`policy-assistant mcp --token ...`) or
streamable HTTP mounted at /mcp in the app; the same tokens, roles and audit as the HTTP API (service.call).

No `from __future__ import annotations`: the SDK reads the tool signatures.
"""

import json
import os
from typing import Any
from urllib.parse import unquote

from .service import Refused, authenticate, call

TOKEN_ENV = "POLICY_ASSISTANT_TOKEN"


def _require_sdk():
    try:
        from mcp.server.mcpserver import Context, MCPServer
    except ImportError as exc:  # pragma: no cover - the dependency is in base.lock
        raise ImportError('MCP 需要 mcp 软件包：pip install "mcp==2.3.0"') from exc
    return Context, MCPServer


def build_mcp(ctx, stdio_token: str | None = None):
    """The MCPServer; over HTTP each call is authenticated by its Bearer header, over stdio by the start-up token."""
    import anyio

    Context, MCPServer = _require_sdk()
    server = MCPServer(name="policy-assistant", title="政策法规知识助手",
                       instructions="只读工具：检索条款、政策问答、项目政策匹配、文稿公平竞争审查；资源 clause://知识库/条款编号 取条款原文。")

    def caller_of(mcp_ctx, action: str):
        if stdio_token is not None:  # checked again at every call: a revoked token or removed user is out at once
            return authenticate(ctx, stdio_token, "mcp", action)
        headers = {k.lower(): v for k, v in (mcp_ctx.headers or {}).items()}
        auth = headers.get("authorization", "")
        return authenticate(ctx, auth[7:].strip() if auth[:7].lower() == "bearer " else None, "mcp", action)

    from mcp.server.mcpserver.exceptions import ResourceError, ToolError

    async def run(mcp_ctx, action: str, params: dict) -> str:
        error = ResourceError if action == "clause" else ToolError  # told to the client, logged without a traceback
        try:
            caller = caller_of(mcp_ctx, action)
            out = await anyio.to_thread.run_sync(call, ctx, caller, action, params, "mcp")
        except Refused as exc:
            raise error(f"{exc.status} {exc}") from None
        return json.dumps(out, ensure_ascii=False)

    @server.tool(description="检索条款（BM25 + 向量混合）；返回与 search --json 相同的 JSON")
    async def search(query: str, mcp_ctx: Context, k: int = 10, base: str | None = None, as_of: str | None = None,
                     region: str | None = None) -> str:
        return await run(mcp_ctx, "search", {"query": query, "k": k, "base": base, "as_of": as_of, "region": region})

    @server.tool(description="政策问答：从条款摘录作答并注明出处；返回与 ask --json 相同的 JSON")
    async def ask(question: str, mcp_ctx: Context, history: list[str] | None = None, base: str | None = None,
                  as_of: str | None = None, region: str | None = None) -> str:
        return await run(mcp_ctx, "ask", {"question": question, "history": history or [], "base": base,
                                          "as_of": as_of, "region": region})

    @server.tool(description="项目政策匹配：profile 为项目信息（与 match 的 JSON 相同）；返回 match --json")
    async def match(profile: dict[str, Any], mcp_ctx: Context, base: str | None = None, as_of: str | None = None) -> str:
        return await run(mcp_ctx, "match", {"profile": profile, "base": base, "as_of": as_of})

    @server.tool(description="文稿公平竞争审查（审查人员、管理员）：text 为文稿全文；返回 review --json")
    async def review(text: str, mcp_ctx: Context, name: str = "接口文稿", base: str | None = None) -> str:
        return await run(mcp_ctx, "review", {"text": text, "name": name, "base": base})

    @server.resource("clause://{base}/{clause_id}", name="clause", mime_type="application/json",
                     description="按编号取条款原文（知识库名与条款编号均需 URL 编码）")
    async def clause(base: str, clause_id: str, mcp_ctx: Context) -> str:
        return await run(mcp_ctx, "clause", {"base": unquote(base), "clause_id": unquote(clause_id)})

    return server


class BearerGuard:
    """ASGI wrapper for the /mcp endpoint: no valid token, no MCP session (401, audited)."""

    def __init__(self, app, ctx, bucket=None) -> None:
        self.app, self.ctx, self.bucket = app, ctx, bucket

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
            auth = headers.get("authorization", "")
            token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
            try:
                caller = authenticate(self.ctx, token, "mcp", "connect")
                if self.bucket is not None and not self.bucket.take(token):  # the same bucket as the HTTP API
                    self.ctx.audit.record(caller.name, caller.role, "mcp:limited", detail="请求过于频繁")
                    raise Refused(429, "请求过于频繁，请稍后再试")
            except Refused as exc:
                body = json.dumps({"detail": str(exc)}, ensure_ascii=False).encode("utf-8")
                await send({"type": "http.response.start", "status": exc.status,
                            "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                        (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def http_app(ctx, bucket=None):
    """(ASGI app serving streamable HTTP at its root, the MCPServer whose session manager must run in the lifespan)."""
    server = build_mcp(ctx)
    inner = server.streamable_http_app(streamable_http_path="/", stateless_http=True, json_response=True)
    return BearerGuard(inner, ctx, bucket), server


def run_stdio(ctx, token: str | None = None) -> None:
    """Serve MCP on stdin/stdout for one user: the token (or $POLICY_ASSISTANT_TOKEN) is checked once at start."""
    token = token or os.environ.get(TOKEN_ENV) or ""
    caller = authenticate(ctx, token, "mcp", "connect")
    ctx.audit.record(caller.name, caller.role, "mcp:connect", detail="stdio")
    build_mcp(ctx, stdio_token=token).run("stdio")
