"""`policy-assistant review DRAFT|-`: clause-by-clause fair-competition review of a draft."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..config import DEFAULT_INDEX, MAX_FILE_MB, shared_dir
from ..errors import AssistantError


def register(sub) -> None:
    p = sub.add_parser("review", help="文稿公平竞争审查（逐条给出问题、依据和修改建议）")
    p.add_argument("draft", help="文稿路径（.docx .txt .md .pdf .html），或 - 从标准输入读取")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="用于引用条款原文的知识库")
    p.add_argument("--format", choices=["json", "md", "docx"], default="md")
    p.add_argument("--json", action="store_true", help="等同于 --format json")
    p.add_argument("-o", "--output", type=Path, default=None, help="输出文件（docx 必须指定）")
    p.add_argument("--max-mb", type=float, default=MAX_FILE_MB)
    p.add_argument("--cases", type=Path, default=None,
                   help="违规案例库（默认 $POLICY_ASSISTANT_SHARED/eval/cases-dev.jsonl 或 ../shared/eval/cases-dev.jsonl）")
    p.set_defaults(func=cmd_review)


def cmd_review(args) -> int:
    from ..index import Index
    from ..review.draft import load_draft
    from ..review.report import build, docx, markdown
    from ..review.service import build_detector

    fmt = "json" if args.json else args.format
    if fmt == "docx" and args.output is None:
        raise AssistantError("--format docx 需要用 -o 指定输出文件")
    if args.draft == "-":
        draft = load_draft(sys.stdin.read(), name="标准输入")
    else:
        draft = load_draft(args.draft, max_mb=args.max_mb)
    store = retriever = None
    try:
        index = Index.open(args.index, create=False)
        store = index.store
        from ..retrieve import HybridRetriever

        retriever = HybridRetriever(index)
    except AssistantError as exc:
        print(f"提示：{exc}；报告中将不附条款原文", file=sys.stderr)
    cases_path = args.cases or shared_dir() / "eval" / "cases-dev.jsonl"
    if not cases_path.exists():
        print(f"提示：未找到违规案例库 {cases_path}，仅按规则库审查", file=sys.stderr)
    detector = build_detector(cases_path, retriever=retriever)

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
    text = json.dumps(result, ensure_ascii=False, indent=1) if fmt == "json" else markdown(result, draft)
    if args.output:
        tmp = args.output.with_suffix(args.output.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
    else:
        print(text)
    return 0
