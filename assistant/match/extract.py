"""Propose incentive rules from a clause's Chinese text, for a person to review (never used unreviewed).

Finds thresholds (…万元及以上, 不低于…, 达到…, 超过…), rates (按…的5%—20%), caps (最高/不超过…万元) and fixed
amounts (给予…万元奖励). Every number is kept with its literal quote, so `rules check` can verify it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INCENTIVE = re.compile(r"奖励|补贴|补助|扶持|资助|支持|配套")
MONEY = r"(\d+(?:\.\d+)?)\s*(亿元|万元)"
BASES = [  # phrase in the text → profile field
    ("固定资产投资", "fixed_asset_investment_wan"), ("研发投入", "rd_investment_wan"), ("地方财政贡献", "local_fiscal_contribution_wan"),
    ("投资额", "total_investment_wan"), ("总投资", "total_investment_wan"), ("纳税额", "annual_tax_wan"),
]
THRESHOLDS = [
    (re.compile(r"亩均投资强度(?:不低于|达到)" + MONEY), "investment_intensity_wan_per_mu", ">="),
    (re.compile(r"亩均税收(?:达到|不低于)" + MONEY), "tax_per_mu_wan", ">="),
    (re.compile(r"(?:年度)?纳税额超过" + MONEY), "annual_tax_wan", ">"),
    (re.compile(r"固定资产投资(?:额)?(?:在|达到)?" + MONEY + r"(?:（含）)?及?以上"), "fixed_asset_investment_wan", ">="),
    (re.compile(r"(?:总投资|投资额)(?:在|达到)?" + MONEY + r"(?:（含）)?及?以上"), "total_investment_wan", ">="),
    (re.compile(r"年度地方财政贡献" + MONEY + r"及以上"), "local_fiscal_contribution_wan", ">="),
    (re.compile(r"研发投入占营业收入(?:的)?比例(?:达到|不低于)(\d+(?:\.\d+)?)(%)"), "rd_ratio", ">="),
]
RATE = re.compile(r"(\d+(?:\.\d+)?)%\s*(?:[—–\-~至到]\s*(\d+(?:\.\d+)?)%)?")
CAP = re.compile(r"(?:最高|不超过|上限为?|封顶)(?:不超过|奖励不超过|给予|奖励|补助|支持)?\s*" + MONEY)
FIXED = re.compile(r"(?:给予|奖励|补助|资助)(?:企业|每家企业|单个企业)?(?:一次性)?(?:奖励|补助|资助)?\s*" + MONEY + r"(?:奖励|补助|资助|补贴)?")


@dataclass
class Proposal:
    clause_id: str
    title: str
    conditions: list[dict] = field(default_factory=list)
    benefit: dict = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)  # every quote used

    def to_rule(self, n: int, prefix: str) -> dict:
        return {"id": f"{prefix}-{n:02d}", "clause_id": self.clause_id, "title": self.title, "review": "pending",
                "conditions": self.conditions, "benefit": self.benefit}


def _wan(value: str, unit: str) -> float:
    v = float(value) * (10000 if unit.startswith("亿") else 1)
    return int(v) if v.is_integer() else v


def is_incentive(text: str) -> bool:
    return bool(INCENTIVE.search(text)) and bool(re.search(r"\d+(?:\.\d+)?\s*(?:万元|亿元|%|元)", text))


def propose(clause_id: str, text: str, title: str = "") -> Proposal | None:
    """One proposal per clause with the thresholds, rate/cap or fixed amount found in it."""
    if not is_incentive(text):
        return None
    p = Proposal(clause_id, title or re.sub(r"^第[^条]+条\s*", "", text)[:20])
    taken: list[tuple[int, int]] = []
    for pattern, fieldname, op in THRESHOLDS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # "固定资产投资额…" already read; do not read "投资额…" inside it again
            quote = f"{m.group(1)}{m.group(2)}"
            value = _wan(m.group(1), m.group(2)) if m.group(2) != "%" else float(m.group(1))
            p.conditions.append({"field": fieldname, "op": op, "value": value, "quote": quote})
            p.numbers.append(quote)
            taken.append(m.span())
            break
    rate = None
    for m in RATE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        rate = m
        break
    cap = CAP.search(text)
    base = next((f for phrase, f in BASES if phrase in text[: rate.start()] ), None) if rate else None
    if rate and base:
        lo, hi = float(rate.group(1)), float(rate.group(2) or rate.group(1))
        quotes = [rate.group(0).strip()]
        b = {"kind": "ratio", "base": base, "rate": [lo, hi] if lo != hi else lo}
        if cap:
            b["cap_wan"] = _wan(cap.group(1), cap.group(2))
            quotes.append(f"{cap.group(1)}{cap.group(2)}")
        b["quote"] = quotes
        p.benefit = b
    else:
        fixed = [m for m in FIXED.finditer(text)
                 if not any(a <= m.start() < b for a, b in taken) and "最高" not in text[max(0, m.start() - 3): m.start()]]
        if fixed:
            m = fixed[0]
            p.benefit = {"kind": "fixed", "amount_wan": _wan(m.group(1), m.group(2)), "quote": f"{m.group(1)}{m.group(2)}"}
        elif cap:
            p.benefit = {"kind": "in_kind", "quote": f"{cap.group(1)}{cap.group(2)}", "text": f"最高{cap.group(1)}{cap.group(2)}（金额待核定）"}
        else:
            p.benefit = {"kind": "in_kind", "text": "待人工补充"}
    q = p.benefit.get("quote")
    p.numbers += q if isinstance(q, list) else ([q] if q else [])
    return p


def propose_for_document(store, doc_id: str) -> list[Proposal]:
    """Proposals for the most specific incentive clauses of a document (款 rather than the whole 条)."""
    clauses = store.clauses_of(doc_id)
    ids = [c["clause_id"] for c in clauses]
    out = []
    for c in clauses:
        has_children = any(other.startswith(c["clause_id"] + "第") for other in ids)
        if has_children or c["clause_id"].endswith("项"):
            continue
        prop = propose(c["clause_id"], c["text"])
        if prop is not None:
            out.append(prop)
    return out
