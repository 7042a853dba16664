"""`policy-assistant ask "QUESTION"`: an answer composed from cited clauses (same code path as the chat)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..config import DEFAULT_INDEX


def register(sub) -> None:
    p = sub.add_parser("ask", help="政策问答：从条款中摘录作答，每句注明出处；无依据时明确说无法确认")
    p.add_argument("question")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    p.add_argument("--as-of", default=None, help="只依据该日期有效的文件（默认今天）")
    p.add_argument("--region", default=None)
    p.add_argument("--history", action="append", default=[], help="此前的问题（用于理解追问，可重复）")
    p.add_argument("--json", action="store_true")
    from ..llm.settings import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_ask)


def cmd_ask(args) -> int:
    from datetime import date

    from ..answer.chat import ChatAnswerer
    from ..index import Index
    from ..retrieve import Filters, HybridRetriever

    filters = Filters(region=args.region, as_of=Filters.parse_date(args.as_of) or date.today())
    from ..llm.settings import from_args

    retriever = HybridRetriever(Index.open(args.index, create=False))
    answerer = ChatAnswerer(retriever, llm=from_args(args))
    answer = answerer.ask(args.question, history=args.history, filters=filters)
    if args.json:
        from ..api.contracts import answer_json

        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=1))
    else:
        if answer.notice:
            print(f"注意：{answer.notice}", file=sys.stderr)
        print(answer.answer)
        for i, c in enumerate(answer.citations, 1):
            print(f"[{i}] {c.display()}（{c.file}）")
    return 0
