"""Logins, sessions and starting the server: the login check with lockout and audit, the session reaper, and
`serve` (FastAPI + the Gradio app, see server.py)."""

from __future__ import annotations

import threading

from ..errors import AssistantError
from .users import Users

SESSION_HOURS = 8.0  # a login lasts a working day


def check_host(ctx, host: str) -> None:
    if ctx.users is None and host not in ("127.0.0.1", "localhost"):
        raise AssistantError("未配置用户文件时只能在 127.0.0.1 上运行；请先指定用户文件（policy-assistant users add 创建）")


def login(ctx, username: str, password: str) -> bool:
    """The app's login check: bcrypt with lockout (Users), every attempt in the audit log."""
    ok = ctx.users.authenticate(username, password)
    if ok:
        ctx.audit.record(username, ctx.users.role(username) or "无", "login")
    else:
        locked = ctx.users.locked_for(username or "")
        ctx.audit.record(username or "未登录", "无", "login:failed",
                         detail=f"连续失败已锁定 {locked:.0f} 秒" if locked else "用户名或密码错误")
    return ok


def reap_sessions(server_app, users: Users, first_seen: dict, now: float, hours: float = SESSION_HOURS) -> list[str]:
    """Drop Gradio session tokens that are older than `hours` or whose user left the users file. Returns the names."""
    users.reload_if_changed()
    gone = []
    for token, name in list(getattr(server_app, "tokens", {}).items()):
        start = first_seen.setdefault(token, now)
        if now - start > hours * 3600 or users.role(name) is None:
            server_app.tokens.pop(token, None)
            first_seen.pop(token, None)
            gone.append(name)
    return gone


def serve(ctx, host: str = "127.0.0.1", port: int = 7860, block: bool = True, session_hours: float = SESSION_HOURS):
    import time

    from .ui import build_app

    check_host(ctx, host)
    app = build_app(ctx)
    auth = (lambda u, p: login(ctx, u, p)) if ctx.users else None
    app.queue(default_concurrency_limit=4)
    from .server import start  # FastAPI: /api/v1 (docs /api/docs), /mcp/, and this app at "/"

    served = start(ctx, app, auth, host, port)
    ctx.uploads.start_purger()  # uploads and generated reports hold draft text: gone after 15 minutes at most
    if ctx.users is not None:
        first_seen: dict = {}

        def reaper() -> None:
            while served.is_running:
                for name in reap_sessions(served.server_app, ctx.users, first_seen, time.time(), session_hours):
                    ctx.audit.record(name, "无", "session:expired", detail="会话超时或用户已被移除")
                time.sleep(15)

        threading.Thread(target=reaper, name="session-reaper", daemon=True).start()
    if block:
        served.block_thread()
    return served
