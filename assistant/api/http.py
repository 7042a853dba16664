"""HTTP API (FastAPI) under /api/v1 with OpenAPI docs at /api/docs: Bearer token per user, the UI's roles, one
audit row per call (denied included), and limits on body size, rate per token and time per request.

No `from __future__ import annotations`: FastAPI reads the request models from the annotations.
"""

import asyncio
import threading
import time
from typing import Any

from .service import ACTIONS, Caller, Refused, authenticate, call

MAX_BODY_BYTES = 1_000_000
RATE_PER_S, BURST = 2.0, 20  # token bucket per API token
TIMEOUT_S = 60.0
MAX_HISTORY = 50  # earlier questions one ask may carry


class TokenBucket:
    """>>> b = TokenBucket(rate=1, burst=2)
    >>> [b.take("t", now=0.0) for _ in range(3)]
    [True, True, False]
    """

    def __init__(self, rate: float = RATE_PER_S, burst: int = BURST) -> None:
        self.rate, self.burst = rate, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            ok = tokens >= 1
            self._state[key] = (tokens - 1 if ok else tokens, now)
            return ok


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes (declared or streamed) is answered 413 before any handler runs."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES, prefixes: tuple[str, ...] = ("/api", "/mcp"), ctx=None) -> None:
        self.app, self.limit, self.prefixes, self.ctx = app, limit, prefixes, ctx

    def _audit(self, scope) -> None:
        if self.ctx is None or self.ctx.users is None:
            return
        auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        name = self.ctx.users.by_token(auth[7:].strip()) if auth[:7].lower() == "bearer " else None
        self.ctx.audit.record(name or "未登录", self.ctx.users.role(name) or "无", "api:too_large", detail=scope["path"][:200])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            self._audit(scope)
            return await _too_large(send, self.limit)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            self._audit(scope)
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    import json

    body = json.dumps({"detail": f"请求体过大：上限 {limit // 1000} KB"}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_api(ctx, bucket: TokenBucket | None = None, timeout_s: float = TIMEOUT_S):
    """The API's FastAPI app (app.server mounts MCP and the Gradio app on it); `bucket` is shared with MCP."""
    from fastapi import APIRouter, FastAPI, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field

    bucket = bucket or TokenBucket()

    class Filters(BaseModel):
        base: str | None = Field(None, description="知识库名称（默认：该用户的第一个知识库）")
        as_of: str | None = Field(None, description="有效日期 YYYY-MM-DD（默认今天）")
        region: str | None = None
        level: str | None = None
        kind: str | None = None

    class SearchBody(Filters):
        query: str
        k: int = 10
        include_inactive: bool = False

    class AskBody(Filters):
        question: str
        history: list[str] = Field([], max_length=MAX_HISTORY, description=f"此前的提问（最多 {MAX_HISTORY} 条）")

    class MatchBody(BaseModel):
        base: str | None = None
        profile: dict[str, Any] = Field(..., description="项目信息（与 policy-assistant match 的 JSON 相同）")
        as_of: str | None = None

    class ReviewBody(BaseModel):
        base: str | None = None
        text: str = Field(..., description="文稿全文（纯文本或 Markdown）")
        name: str = "接口文稿"

    async def run(request: Request, action: str, params: dict):
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else None
        try:
            caller = authenticate(ctx, token, "api", action)
            if not bucket.take(token):
                ctx.audit.record(caller.name, caller.role, f"api:{action}:limited", detail="请求过于频繁")
                raise Refused(429, "请求过于频繁，请稍后再试")
            work = asyncio.get_running_loop().run_in_executor(None, call, ctx, caller, action, params, "api")
            try:
                return await asyncio.wait_for(work, timeout_s)
            except TimeoutError:
                ctx.audit.record(caller.name, caller.role, f"api:{action}:timeout", detail=f"超过 {timeout_s:g} 秒")
                raise Refused(504, f"请求处理超时（超过 {timeout_s:g} 秒），请缩小范围后重试") from None
        except Refused as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

    api = APIRouter(prefix="/api/v1")

    @api.post("/search", summary="检索条款（BM25 + 向量混合），同 search --json")
    async def search(body: SearchBody, request: Request):
        return await run(request, "search", body.model_dump())

    @api.post("/ask", summary="政策问答：摘录作答并注明出处，同 ask --json")
    async def ask(body: AskBody, request: Request):
        return await run(request, "ask", body.model_dump())

    @api.post("/match", summary="项目政策匹配，同 match --json")
    async def match(body: MatchBody, request: Request):
        return await run(request, "match", body.model_dump())

    @api.post("/review", summary="文稿公平竞争审查（审查人员、管理员），同 review --json")
    async def review(body: ReviewBody, request: Request):
        return await run(request, "review", body.model_dump())

    @api.get("/documents", summary="知识库文件列表，同 docs --json")
    async def documents(request: Request, base: str | None = None):
        return await run(request, "documents", {"base": base})

    @api.get("/clause/{clause_id:path}", summary="按编号取条款原文，同 show --json")
    async def clause(clause_id: str, request: Request, base: str | None = None):
        return await run(request, "clause", {"clause_id": clause_id, "base": base})

    @api.get("/bases", summary="当前用户可读的知识库")
    async def bases(request: Request):
        return await run(request, "bases", {})

    app = FastAPI(title="政策法规知识助手 API", version="1", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="令牌：policy-assistant users token 用户名；请求头 Authorization: Bearer <令牌>。")
    app.include_router(api)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        """A malformed body: one short Chinese answer (at most three places named) and an audit row."""
        errors = exc.errors()
        where = "；".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or '请求体'}：{e.get('msg', '')}"[:120]
                         for e in errors[:3])
        header = request.headers.get("authorization", "")
        name = ctx.users.by_token(header[7:].strip()) if ctx.users is not None and header[:7].lower() == "bearer " else None
        role = ctx.users.role(name) if name else None
        action = request.url.path.removeprefix("/api/v1/").split("/", 1)[0][:40]
        if role is None:  # without a valid token the answer is 401 whatever the body
            ctx.audit.record("未登录", "无", f"api:{action}:unauthorized", detail="缺少令牌或令牌无效（请求格式也无效）")
            return JSONResponse({"detail": "缺少或无效的 API 令牌（Authorization: Bearer <令牌>）"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        ctx.audit.record(name, role, f"api:{action}:invalid", detail=where[:200])
        return JSONResponse({"detail": f"请求格式无效（{len(errors)} 处）：{where}"}, status_code=422)

    return app


__all__ = ["create_api", "TokenBucket", "BodyLimit", "ACTIONS", "Caller"]
