"""One process, one port: FastAPI with the HTTP API (/api/v1, docs at /api/docs), MCP over streamable HTTP (/mcp/)
and the Gradio app mounted at "/", run by uvicorn in a thread. `Served.close()` stops it."""

from __future__ import annotations

import re
import threading
import time

# Gradio picks its UI language from the browser; its `head` never reaches the login page, so every HTML page of
# the Gradio routes gets this first in <head>.
ZH_SCRIPT = (b"<script>try{Object.defineProperty(navigator,'language',{get:function(){return 'zh-CN'}});"
             b"Object.defineProperty(navigator,'languages',{get:function(){return ['zh-CN','zh']}});}catch(e){}</script>")


LOGIN_PAGE = b'"auth_required":true'  # the config Gradio sends before a login
API_INFO = re.compile(rb"<script>window\.gradio_api_info = .*?;</script>", re.S)  # its JSON escapes "<"


class ChineseLogin:
    """ASGI middleware: inject ZH_SCRIPT into text/html responses outside /api and /mcp; on the login page, drop
    Gradio's API description (it lists every endpoint with its default values to anyone)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(("/api", "/mcp")):
            return await self.app(scope, receive, send)
        start: dict | None = None
        chunks: list[bytes] = []

        async def capture(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    start = message
                    return
                return await send(message)
            if start is None or message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            body = body.replace(b"<head>", b"<head>" + ZH_SCRIPT, 1) if b"<head>" in body else ZH_SCRIPT + body
            if LOGIN_PAGE in body:  # Gradio renders its API description (defaults included) even on the login page
                body = API_INFO.sub(b"<script>window.gradio_api_info = {};</script>", body, count=1)
            headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            await send({**start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


class UploadTracker:
    """ASGI middleware: every path Gradio's upload route answers with is registered with `uploads.expect`."""

    def __init__(self, app, uploads) -> None:
        self.app, self.uploads = app, uploads

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].endswith("/gradio_api/upload"):
            return await self.app(scope, receive, send)
        status, chunks = [0], []

        async def capture(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and status[0] == 200:
                    import json

                    try:
                        paths = json.loads(b"".join(chunks))
                    except ValueError:
                        paths = []
                    for p in paths if isinstance(paths, list) else []:
                        if isinstance(p, str):
                            self.uploads.expect(p)
            await send(message)

        await self.app(scope, receive, capture)


class Served:
    """The running server: `.close()` stops uvicorn, the session reaper and the upload purger's loop."""

    def __init__(self, server, thread, blocks, server_app, fastapi_app, url: str) -> None:
        self.server, self.thread, self.blocks, self.server_app, self.fastapi, self.url = (
            server, thread, blocks, server_app, fastapi_app, url)
        self.closed = threading.Event()

    @property
    def is_running(self) -> bool:
        return not self.closed.is_set()

    def block_thread(self) -> None:
        try:
            while self.thread.is_alive():
                self.thread.join(0.5)
        except KeyboardInterrupt:
            self.close()

    def close(self) -> None:
        self.closed.set()
        self.server.should_exit = True
        self.thread.join(10)


def build_asgi(ctx, blocks, auth, max_file_size: str):
    """FastAPI (API + MCP) with the Gradio Blocks mounted at "/"; returns (asgi app, fastapi app, gradio's app)."""
    import contextlib

    import gradio as gr

    from ..api.http import BodyLimit, TokenBucket, create_api
    from ..api.mcp_server import http_app

    from ..api import http

    rate, burst, timeout_s = (_env_number(name, default) for name, default in (
        ("POLICY_ASSISTANT_API_RATE", http.RATE_PER_S), ("POLICY_ASSISTANT_API_BURST", http.BURST),
        ("POLICY_ASSISTANT_API_TIMEOUT", http.TIMEOUT_S)))
    bucket = TokenBucket(rate, int(burst))  # per token, shared by the HTTP API and MCP
    fast = create_api(ctx, bucket, timeout_s)
    mcp_asgi, mcp = http_app(ctx, bucket)
    fast.mount("/mcp", mcp_asgi)
    old = fast.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with old(app) as state, mcp.session_manager.run():
            yield state

    fast.router.lifespan_context = lifespan
    gr.mount_gradio_app(fast, blocks, path="/", auth=auth, max_file_size=max_file_size, show_error=False,
                        ssr_mode=False)
    gradio_app = fast.routes[-1].app
    return BodyLimit(UploadTracker(ChineseLogin(fast), ctx.uploads), ctx=ctx), fast, gradio_app


def _env_number(name: str, default: float) -> float:
    import os

    from ..errors import AssistantError

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise AssistantError(f"环境变量 {name} 应为正数：{raw!r}")
    return value


def start(ctx, blocks, auth, host: str, port: int) -> Served:
    import uvicorn

    asgi, fast, gradio_app = build_asgi(ctx, blocks, auth, f"{ctx.max_upload_mb:g}mb")
    blocks.server_app = gradio_app  # reap_sessions reads the login tokens there
    server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=3))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        if not thread.is_alive() or time.time() > deadline:
            from ..errors import AssistantError

            raise AssistantError(f"服务未能在 {host}:{port} 启动（端口被占用？）")
        time.sleep(0.05)
    return Served(server, thread, blocks, gradio_app, fast, f"http://{host}:{port}/")
