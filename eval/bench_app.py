"""Concurrency benchmark for the app: N simultaneous gradio_client clients × M questions each, against a live
server on loopback. Reports errors, uncited answers and latency p50/p95/p99 (a benchmark, not a timed test).

    .venv/bin/python -m eval.bench_app [--index DIR] [--clients 20] [--questions 20]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv=None) -> int:
    from gradio_client import Client

    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext, _text, serve

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--index", type=Path, default=REPO / "indexes" / "demo")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = ap.parse_args(argv)
    questions = [c["q"] for c in yaml.safe_load((REPO / "tests" / "data" / "shared_queries.yaml").read_text(encoding="utf-8"))]
    audit_path = Path("/tmp") / f"bench-app-audit-{time.time_ns()}.sqlite"
    ctx = AppContext(args.index, AuditLog(audit_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = serve(ctx, "127.0.0.1", port, block=False)
    url = f"http://127.0.0.1:{port}/"
    lat: list[float] = []
    errors: list[str] = []
    uncited = 0
    errors_uncited: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        nonlocal uncited
        client = Client(url, verbose=False)
        for j in range(args.questions):
            q = questions[(i * args.questions + j) % len(questions)]
            t = time.perf_counter()
            try:
                history, sources = client.predict(q, [], "", "", "", "", api_name="/ask")
                answer = _text(history[-1]["content"])
                cited = "[1]" in answer and "引用条款" in sources
            except Exception as exc:  # counted, never raised: the benchmark reports them
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                lat.append(time.perf_counter() - t)
                uncited += not cited
                if not cited and len(errors) < 5:
                    errors_uncited.append(f"{q} → {answer[:80]}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
    wall = time.perf_counter() - t0
    app.close()
    ok, _ = AuditLog(audit_path).verify()
    result = {"clients": args.clients, "questions_each": args.questions, "requests": args.clients * args.questions,
              "answered": len(lat), "errors": len(errors), "uncited": uncited, "wall_s": round(wall, 1),
              "throughput_rps": round(len(lat) / wall, 2), "p50_ms": round(1000 * pct(lat, 50)) if lat else None,
              "p95_ms": round(1000 * pct(lat, 95)) if lat else None, "p99_ms": round(1000 * pct(lat, 99)) if lat else None,
              "audit_rows": len(AuditLog(audit_path).rows()), "audit_chain_ok": ok, "first_errors": errors[:3], "uncited_examples": errors_uncited[:3]}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-app.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if not errors and not uncited else 1


if __name__ == "__main__":
    sys.exit(main())
