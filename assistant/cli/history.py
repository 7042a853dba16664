"""`policy-assistant history feedback`: export the chat's 👍/👎 (JSONL) for `eval feedback --feedback FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

from .app import DEFAULT_AUDIT


def register(sub) -> None:
    p = sub.add_parser("history", help="对话记录：导出用户 👍/👎 反馈（供 eval 读取）")
    hs = p.add_subparsers(dest="history_command", required=True)
    f = hs.add_parser("feedback", help="导出全部反馈为 JSONL")
    f.add_argument("--audit", type=Path, default=DEFAULT_AUDIT, help="审计日志（对话记录在它旁边；默认 indexes/audit.sqlite）")
    f.add_argument("-o", "--output", type=Path, default=None, help="输出文件（默认打印到标准输出）")
    f.set_defaults(func=cmd_feedback)


def cmd_feedback(args) -> int:
    from ..app.history import History, beside

    db = beside(args.audit)
    if not db.exists():
        print(f"policy-assistant history：找不到对话记录 {db}（应用尚未记录过对话，或 --audit 路径不对）", file=sys.stderr)
        return 1
    text = History(db).feedback_jsonl()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"已导出 {text.count(chr(10))} 条反馈：{args.output}")
    else:
        sys.stdout.write(text)
    return 0
