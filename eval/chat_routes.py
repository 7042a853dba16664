"""Chat routes on eval/qa/chat_routes.yaml: intent right, verdict right, gold cited, refusal rate, per route.

    .venv/bin/python eval/chat_routes.py --index DIR [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import yaml
from assistant.match.service import DEFAULT_RULE_DIRS

REPO = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    from assistant.answer.chat import ChatAnswerer
    from assistant.index import Index
    from assistant.retrieve import Filters, HybridRetriever

    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    items = yaml.safe_load((REPO / "eval" / "qa" / "chat_routes.yaml").read_text(encoding="utf-8"))
    chat = ChatAnswerer(HybridRetriever(Index.open(args.index, create=False)),
                        rule_dirs=DEFAULT_RULE_DIRS)
    rows = []
    for it in items:
        as_of = date.fromisoformat(str(it["as_of"])) if it.get("as_of") else date.today()
        history = []
        for h in it.get("history", []):
            history.append(chat.ask(h, history=history, filters=Filters(as_of=as_of)).question)
        a = chat.ask(it["q"], history=history, filters=Filters(as_of=as_of))
        cited = [c.clause_id for c in a.citations]
        gold = it.get("gold") or []
        want = it.get("verdict")
        rows.append({"id": it["id"], "route": it["route"], "intent": a.intent, "intent_ok": a.intent == it["route"],
                     "verdict": a.verdict,
                     "verdict_ok": None if want is None else a.verdict in (want if isinstance(want, list) else [want]),
                     "gold_cited": None if not gold else any(c.startswith(g) for c in cited for g in gold),
                     "refused": not a.answerable})
    out = {"n": len(rows)}
    for route in ("compliance", "incentive", "fact", "out_of_scope"):
        rs = [r for r in rows if r["route"] == route]
        d = {"n": len(rs), "intent_right": sum(r["intent_ok"] for r in rs) / len(rs)}
        v = [r["verdict_ok"] for r in rs if r["verdict_ok"] is not None]
        if v:
            d["verdict_right"] = sum(v) / len(v)
        g = [r["gold_cited"] for r in rs if r["gold_cited"] is not None]
        if g:
            d["gold_cited"] = sum(g) / len(g)
        d["refused"] = sum(r["refused"] for r in rs) / len(rs)
        out[route] = d
    out["misses"] = [r for r in rows if not r["intent_ok"] or r["verdict_ok"] is False or r["gold_cited"] is False]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
