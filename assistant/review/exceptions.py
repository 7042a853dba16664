"""第十二条 hints: which exception a flagged clause's purpose may fall under, and what it must show to rely on it."""

from __future__ import annotations

import re


class ExceptionHints:
    """`ExceptionHints(rulebase()["exceptions"]).hint(text, articles)` → None or a dict for the report.

    >>> from assistant.review.detect import rulebase
    >>> h = ExceptionHints(rulebase()["exceptions"]).hint("为保护生态环境，对污水处理企业给予补贴。", ["公平竞争审查条例第十条第二项"])
    >>> h["items"][0]["item"]
    '公平竞争审查条例第十二条第三项'
    """

    def __init__(self, data: dict) -> None:
        self.article = data["article"]
        self.items = [(i["item"], i["purpose"], re.compile(i["pattern"])) for i in data["items"]]
        self.basis_items = set(data.get("basis_items") or ())
        self.conditions = list(data["conditions"])
        self.record = data["record"]

    def hint(self, text: str, articles: list[str]) -> dict | None:
        found = []
        for item, purpose, pattern in self.items:
            m = pattern.search(text)
            if m:
                found.append({"item": item, "purpose": purpose, "span": m.group(0)})
        basis = any(a in self.basis_items for a in articles)
        if not found:
            return None
        names = "、".join(f"{f['item'].replace('公平竞争审查条例', '')}（{f['purpose']}）" for f in found)
        summary = (f"条款目的涉及“{'、'.join(f['span'] for f in found)}”，可能适用{self.article}{names}；须同时满足："
                   + "；".join(self.conditions) + "。" + self.record)
        return {"article": self.article, "items": found, "conditions": self.conditions, "record": self.record,
                "legal_basis_note": "第十条各项在有法律、行政法规依据或经国务院批准时不适用。" if basis else None,
                "summary": summary}
