"""`policy-assistant review DRAFT|DIR|ZIP|-` and `review --concession "…"`: fair-competition review of drafts and of
requested special deals (一事一议)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..config import DEFAULT_INDEX, MAX_FILE_MB
from ..errors import AssistantError


def register(sub) -> None:
    p = sub.add_parser("review", help="文稿公平竞争审查（逐条给出问题、依据和修改建议）；--concession 审查一事一议诉求")
    p.add_argument("draft", nargs="?", help="文稿路径（.docx .txt .md .pdf .html）、文件夹或 .zip（批量），或 - 从标准输入读取")
    p.add_argument("--concession", default=None, metavar="诉求", help="企业提出的一事一议优惠诉求（文字）：给出红线、合法路径和风险化解方案")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="用于引用条款原文的知识库")
    p.add_argument("--format", choices=["json", "md", "docx"], default="md")
    p.add_argument("--json", action="store_true", help="等同于 --format json")
    p.add_argument("-o", "--output", type=Path, default=None, help="输出文件（docx 必须指定；批量审查时为输出文件夹）")
    p.add_argument("--max-mb", type=float, default=MAX_FILE_MB)
    p.add_argument("--cases", type=Path, default=None, help="（已不需要：审查模型随程序发布）")
    p.set_defaults(func=cmd_review)


def _open_index(path: Path):
    from ..index import Index
    from ..retrieve import HybridRetriever

    try:
        index = Index.open(path, create=False)
    except AssistantError as exc:
        print(f"提示：{exc}；报告中将不附条款原文", file=sys.stderr)
        return None, None
    return index.store, HybridRetriever(index)


def _write(text: str, output: Path | None) -> None:
    if output:
        tmp = output.with_suffix(output.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    else:
        print(text)


def cmd_review(args) -> int:
    from ..review.service import build_detector

    fmt = "json" if args.json else args.format
    if args.concession is None and args.draft is None:
        raise AssistantError("请给出要审查的文稿路径，或用 --concession 给出企业诉求")
    batch = args.draft not in (None, "-") and (Path(args.draft).is_dir() or str(args.draft).lower().endswith(".zip"))
    if fmt == "docx" and args.output is None and not batch:
        raise AssistantError("--format docx 需要用 -o 指定输出文件")
    store, retriever = _open_index(args.index)
    detector = build_detector(retriever=retriever)
    if args.concession is not None:
        return _concession(args, fmt, detector, store)
    if batch:
        return _batch(args, detector, store)
    return _single(args, fmt, detector, store)


def _concession(args, fmt, detector, store) -> int:
    from ..review import concession

    advice = concession.advise(args.concession, detector).to_dict(store)
    if fmt == "docx":
        concession.docx(advice, args.output)
        print(f"已生成审查意见：{args.output}", file=sys.stderr)
        return 0
    _write(json.dumps(advice, ensure_ascii=False, indent=1) if fmt == "json" else concession.markdown(advice), args.output)
    return 0


def _batch(args, detector, store) -> int:
    from ..review.batch import review_batch

    out = args.output or Path(str(Path(args.draft).with_suffix("")) + "-审查意见")
    result = review_batch(Path(args.draft), out, detector, store, max_mb=args.max_mb)
    for name, why in result.errors:
        print(f"失败：{name}：{why}", file=sys.stderr)
    print(f"已审查 {len(result.reports)} 份文稿，{len(result.rows)} 个问题条款；审查意见与汇总表：{out}", file=sys.stderr)
    return 1 if result.errors else 0


def _single(args, fmt, detector, store) -> int:
    from ..review.draft import load_draft
    from ..review.report import build, docx, markdown

    if args.draft == "-":
        draft = load_draft(sys.stdin.read(), name="标准输入")
    else:
        draft = load_draft(args.draft, max_mb=args.max_mb)
    show = sys.stderr.isatty() and len(draft.clauses) > 50

    def progress(i: int, n: int) -> None:
        if show and (i % 25 == 0 or i == n):
            print(f"\r审查进度 {i}/{n}", end="" if i < n else "\n", file=sys.stderr, flush=True)

    findings = detector.review(draft, progress=progress)
    result = build(draft, findings, store)
    if fmt == "docx":
        docx(result, draft, args.output)
        print(f"已生成审查意见：{args.output}", file=sys.stderr)
        return 0
    _write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if fmt == "json" else markdown(result, draft), args.output)
    return 0
