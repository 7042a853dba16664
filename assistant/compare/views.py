"""The comparison as tables of text (ranking, offers, terms by type, chain list): one source for Markdown, Word,
Excel and the app."""

from __future__ import annotations

from ..match.matcher import fmt
from . import terms as T
from .model import COND_CN, STATUS_CN, ChainView, Comparison, Offer, RegionResult

TERMS_ROWS = (T.FAI, T.LAND, T.RENT, T.RD, T.TALENT, T.LOAN, T.TAX, T.CASE)  # always shown, as the issue lists them
RANKING_HEAD = ["排名", "地区", "合法可确定金额（万元）", "合法估算区间（万元）", "存在公平竞争风险的金额（万元，未计入）",
                "可享受", "待补充", "不符合", "待审核规则", "说明"]
OFFER_HEAD = ["地区", "类型", "政策措施", "状态", "估算金额", "条件", "依据", "文件状态", "风险提示"]
CHAIN_HEAD = ["地区", "类型", "政策措施", "支持内容", "条件与标准", "适用说明", "依据", "文件状态"]


def wan(v: float) -> str:
    return fmt(v) if v else "0"


def span(r: RegionResult) -> str:
    lo, hi = r.lawful_range_wan
    return wan(lo) if lo == hi else f"{wan(lo)}—{wan(hi)}"


def status(o: Offer) -> str:
    s = STATUS_CN[o.status]
    if o.candidate:
        s += "（待审核规则）"
    elif o.status == "eligible" and not o.counted:
        s += "（同组就高，不重复计算）"
    return s


def flag_text(o: Offer) -> str:
    return "；".join(f"{f.issue}（{f.basis}）" if f.basis else f.issue for f in o.red_flags)


def region_note(r: RegionResult) -> str:
    if not r.available:
        return r.unavailable
    notes = [f"《{x.title}》{x.status}（{x.dates()}）" for x in r.lapsed] + [f"规则文件 {p}" for p in r.problems]
    return "；".join(notes)


def ranking_rows(c: Comparison) -> list[list]:
    rows = []
    for r in c.regions:
        n = {s: sum(1 for o in r.offers if o.status == s and not o.candidate) for s in STATUS_CN}
        cand = sum(1 for o in r.offers if o.candidate)
        if r.available:
            rows.append([r.rank, r.region, wan(r.lawful_wan), span(r), wan(r.flagged_wan), n["eligible"], n["unknown"],
                         n["ineligible"], cand, region_note(r)])
        else:
            rows.append(["—", r.region, "—", "—", "—", 0, 0, 0, 0, region_note(r)])
    return rows


RANKING_NUM_HEAD = ["排名", "地区", "合法可确定金额（万元）", "合法估算下限（万元）", "合法估算上限（万元）",
                    "存在公平竞争风险的金额（万元，未计入）", "可享受", "待补充", "不符合", "待审核规则", "说明"]


def ranking_numbers(c: Comparison) -> list[list]:
    """The ranking with amounts as numbers (Excel)."""
    out = []
    for r, row in zip(c.regions, ranking_rows(c)):
        nums = [r.lawful_wan, *r.lawful_range_wan, r.flagged_wan] if r.available else [None] * 4
        out.append([r.rank, r.region, *nums, *row[5:]])
    return out


def conditions_text(o: Offer) -> str:
    return "\n".join(f"{COND_CN[c.status]} {c.label}：{c.reason}" for c in o.conditions)


def offer_rows(c: Comparison) -> list[list]:
    rows = []
    for r in c.available():
        for o in sorted(r.offers, key=lambda o: (["eligible", "unknown", "ineligible"].index(o.status), o.candidate)):
            rows.append([r.region, o.kind, o.title, status(o), T.amount_text(o), conditions_text(o), o.citation,
                         o.doc_status, flag_text(o)])
    return rows


def cell(o: Offer) -> str:
    mark = "⚠ " if o.red_flags else ""
    return f"{mark}{o.title}［{status(o)}］\n{o.terms.text()}\n{o.citation}（{o.doc_status}）"


def terms_rows(c: Comparison) -> tuple[list[str], list[list[str]]]:
    regions = c.available()
    kinds = list(TERMS_ROWS) + [k for k in T.KINDS if k not in TERMS_ROWS and any(o.kind == k for r in regions for o in r.offers)]
    rows = []
    for k in kinds:
        label = k + ("（存在公平竞争风险）" if k in T.FLAGGED_KINDS else "")
        rows.append([label] + ["\n\n".join(cell(o) for o in r.offers if o.kind == k) or "—" for r in regions])
    return ["支持类型"] + [r.region for r in regions], rows


def chain_rows(v: ChainView) -> list[list]:
    return [[i.region, i.offer.kind, i.offer.title + ("（待审核规则）" if i.offer.candidate else ""), i.offer.benefit,
             i.offer.terms.text(), i.applies, i.offer.citation, i.offer.doc_status] for i in v.items]


def lapsed_rows(c: Comparison) -> list[list]:
    return [[r.region, f"《{x.title}》", x.status, x.effective or "", x.expires or "", x.repealed or ""]
            for r in c.regions for x in r.lapsed]


def summary(c: Comparison) -> str:
    ok = c.available()
    parts = [f"项目“{c.project}”按 {c.as_of} 有效的政策，在 {len(c.regions)} 个地区对标"]
    if ok:
        best = ok[0]
        parts.append(f"合法估算支持最高的是{best.region}（{span(best)} 万元）")
        flagged = [r for r in ok if r.flagged_wan]
        if flagged:
            parts.append("另有依据存在公平竞争风险条款的金额未计入合法合计：" +
                         "、".join(f"{r.region} {wan(r.flagged_wan)} 万元" for r in flagged))
    bad = [r.region for r in c.regions if not r.available]
    if bad:
        parts.append(f"{'、'.join(bad)}无可用规则")
    lapsed = [f"{r.region}《{x.title}》{x.status}" for r in c.regions for x in r.lapsed]
    if lapsed:
        parts.append("已不在有效期内的政策：" + "、".join(lapsed))
    if c.hard_stop:
        parts.append("项目可能触及市场准入负面清单禁止准入事项，须先核实")
    return "；".join(parts) + "。金额为按规则逐条计算的估算，以主管部门审核为准。"


def to_dict(c: Comparison, chain: ChainView | None = None) -> dict:
    """JSON form (CLI --json, app download): the frozen types as they are, plus each offer's 合法/计入 flags."""
    from dataclasses import asdict

    out = asdict(c)
    for r, rd in zip(c.regions, out["regions"]):
        rd["available"] = r.available
        for o, od in zip(r.offers, rd["offers"]):
            od["red_flagged"], od["in_total"], od["terms_text"] = o.red_flagged, o.in_total, o.terms.text()
    if chain is not None:
        out["chain"] = {"chain": chain.chain, "regions": list(chain.regions),
                        "items": [{"region": i.region, "rule_id": i.offer.rule_id, "title": i.offer.title, "kind": i.offer.kind,
                                   "citation": i.offer.citation, "clause_id": i.offer.clause_id, "applies": i.applies,
                                   "candidate": i.offer.candidate, "red_flagged": i.offer.red_flagged} for i in chain.items]}
    return out
