"""Officers' 👍/👎 on chat answers (exported as JSONL by the app's history), read by `eval --feedback FILE`.

Reports satisfaction per route and the disliked answers with their citations, so a reviewer can turn them into test
questions (written down as new dev items — never added to the blind sets).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from ..errors import AssistantError


def load(path: Path) -> list[dict]:
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError(f"反馈文件 {path} 无法读取：{exc.__class__.__name__}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise AssistantError(f"反馈文件 {path} 第 {n} 行不是 JSON") from None
        if not isinstance(row, dict) or row.get("rating") not in (1, -1):
            raise AssistantError(f"反馈文件 {path} 第 {n} 行缺少 rating（应为 1 或 -1）")
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> dict:
    """{'ratings', 'liked_share', 'per_intent': {intent: {n, liked_share}}, 'disliked': [...]}.

    >>> summarise([{"rating": 1, "intent": "fact"}, {"rating": -1, "intent": "fact", "question": "q"}])["per_intent"]
    {'fact': {'n': 2, 'liked_share': 0.5}}
    """
    per: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        per[str(r.get("intent") or "unknown")].append(int(r["rating"]))
    disliked = [{k: r.get(k) for k in ("turn", "question", "resolved", "intent", "verdict", "answerable", "clause_ids", "comment")}
                for r in rows if r["rating"] < 0]
    liked = sum(r["rating"] > 0 for r in rows)
    return {"ratings": len(rows), "liked_share": round(liked / len(rows), 4) if rows else None,
            "per_intent": {k: {"n": len(v), "liked_share": round(sum(x > 0 for x in v) / len(v), 4)} for k, v in sorted(per.items())},
            "disliked": disliked}


def markdown(s: dict) -> list[str]:
    lines = ["## 用户反馈（👍/👎）", "", f"评价 {s['ratings']} 条，满意 {s['liked_share']}", "", "| 问题类型 | 评价数 | 满意 |", "|---|---|---|"]
    lines += [f"| {k} | {v['n']} | {v['liked_share']} |" for k, v in s["per_intent"].items()]
    if s["disliked"]:
        lines += ["", "不满意的回答：", ""]
        lines += [f"- 〔{d.get('intent')}〕{d.get('question')}　引用：{'、'.join(d.get('clause_ids') or []) or '（无）'}"
                  + (f"　意见：{d['comment']}" if d.get("comment") else "") for d in s["disliked"]]
    return lines + [""]
