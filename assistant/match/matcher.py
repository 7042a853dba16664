"""Evaluate every rule condition by condition: met / not_met / unknown, amounts, stacking, validity."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..documents.model import DocMeta
from .profile import LABELS, ProjectProfile
from .rules import Benefit, Condition, Rule, RuleFile

EXTRA_LABELS = {"phd_count": "引进博士人数", "master_count": "引进硕士人数","investment_intensity_wan_per_mu": "亩均投资强度（万元/亩）", "tax_per_mu_wan": "亩均税收（万元/亩）",
                "is_foreign": "是否外商投资", "text": "行业与项目描述", "qualifications": "资质与认定"}
DERIVED_ASK = {"investment_intensity_wan_per_mu": "请提供固定资产投资（万元）和用地面积（亩），用于计算亩均投资强度",
               "tax_per_mu_wan": "请提供预计年税收（万元）和用地面积（亩），用于计算亩均税收",
               "phd_count": "请列出拟引进人才（如“博士”“硕士”）", "master_count": "请列出拟引进人才（如“博士”“硕士”）"}
OPS_CN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@dataclass(frozen=True)
class CondResult:
    label: str
    status: str  # met / not_met / unknown
    reason: str
    ask: str = ""

    def to_dict(self) -> dict:
        d = {"label": self.label, "status": self.status, "reason": self.reason}
        if self.ask:
            d["ask"] = self.ask
        return d


@dataclass(frozen=True)
class Match:
    """One rule evaluated for a profile (before it is turned into a RuleMatch for the result)."""

    rule: Rule
    policy: RuleFile
    status: str
    conditions: tuple[CondResult, ...]
    amount_wan: float | None = None
    amount_range_wan: tuple[float, float] | None = None
    benefit_text: str = ""
    notes: tuple[str, ...] = ()
    counted: bool = True
    cap_wan: float | None = None  # the clause's 最高/不超过 cap, shown even when the amount cannot be computed


def label_of(name: str) -> str:
    return EXTRA_LABELS.get(name) or LABELS.get(name, name)


def fmt(v: float) -> str:
    if v and abs(v) < 0.01:
        return f"{v:.8f}".rstrip("0").rstrip(".")
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def amount_text(amount_wan: float | None, range_wan: tuple[float, float] | None) -> str | None:
    """An estimated amount as shown in reports; None when neither the amount nor a range is known.

    >>> amount_text(300.0, None), amount_text(None, (250.0, 1000.0)), amount_text(None, None)
    ('300 万元', '250—1,000 万元', None)
    """
    if amount_wan is not None:
        return f"{fmt(amount_wan)} 万元"
    if range_wan:
        lo, hi = range_wan
        return f"{fmt(lo)}—{fmt(hi)} 万元"
    return None


def check(cond: Condition, profile: ProjectProfile) -> CondResult:
    label = cond.label or label_of(cond.field)
    if cond.field == "text":
        text = profile.text()
        if not text:
            return CondResult(label, "unknown", "未填写行业或项目描述", cond.ask or "请说明项目所属行业和主要产品")
        if cond.none_of:
            bad = [w for w in cond.none_of if w in text]
            if bad:
                return CondResult(label, "not_met", f"属于排除范围（{'、'.join(bad)}）")
            if not cond.any_of:
                return CondResult(label, "met", "不属于排除范围")
        if cond.any_of:
            hit = [w for w in cond.any_of if w in text]
            if hit:
                return CondResult(label, "met", f"项目信息含“{'、'.join(hit[:3])}”")
            return CondResult(label, "not_met", f"项目信息中未见{('、'.join(cond.any_of[:4]))}等相关内容")
        return CondResult(label, "met", "")
    if cond.field == "qualifications" or cond.has:
        want = cond.has or ""
        if any(want in q or q in want for q in profile.qualifications):
            return CondResult(label, "met", f"已具备“{want}”")
        # a list of qualifications does not show that the project lacks another one: ask, never 「不满足」
        why = f"所列资质中未见“{want}”" if profile.qualifications else f"未说明是否具备“{want}”"
        return CondResult(label, "unknown", why, cond.ask or f"是否已获得/将获得“{want}”？")
    value = profile.value(cond.field)
    if value is None:
        ask = cond.ask or DERIVED_ASK.get(cond.field) or f"请提供{label_of(cond.field)}"
        return CondResult(label, "unknown", f"缺少{label_of(cond.field)}", ask)
    if cond.one_of:
        ok = value in cond.one_of
        return CondResult(label, "met" if ok else "not_met", f"{label_of(cond.field)}为“{value}”" + ("" if ok else f"，要求{'/'.join(cond.one_of)}"))
    if cond.field == "is_foreign":
        ok = bool(value) == bool(cond.value)
        return CondResult(label, "met" if ok else "not_met", "外商投资项目" if value else "内资项目")
    ok = {">=": value >= cond.value, ">": value > cond.value, "<=": value <= cond.value, "<": value < cond.value,
          "==": value == cond.value}[cond.op]
    return CondResult(label, "met" if ok else "not_met",
                      f"{label_of(cond.field)} {fmt(value)} {'满足' if ok else '不满足'} {OPS_CN[cond.op]} {fmt(cond.value)}（原文“{cond.quote}”）")


def compute(benefit: Benefit, profile: ProjectProfile) -> tuple[float | None, tuple[float, float] | None, str]:
    """(amount in 万元 or None, range when the rate is a span, explanation)."""
    b = benefit
    cap = f"，封顶 {fmt(b.cap_wan)} 万元" if b.cap_wan is not None else ""
    years = f"，共 {fmt(b.years)} 年" if b.years != 1 else ""

    def capped(x: float) -> float:
        return min(x, b.cap_wan) if b.cap_wan is not None else x

    if b.kind == "in_kind":
        return None, None, b.text or "非资金类支持"
    if b.kind == "fixed":
        return b.amount_wan * b.years, None, f"固定金额 {fmt(b.amount_wan)} 万元{years}"
    if b.kind == "tiers":
        by = b.tier_by or b.base
        key = profile.value(by)
        if key is None:
            return None, None, f"需提供{label_of(by)}才能确定档位"
        for t in b.tiers:
            above = t.min is None or (key >= t.min if t.min_inclusive else key > t.min)
            below = t.max is None or (key <= t.max if t.max_inclusive else key < t.max)
            if above and below:
                lo = f"{fmt(t.min)}{'（含）' if t.min_inclusive else ''}" if t.min is not None else "0"
                if t.max is None:
                    span = f"{lo}以上"
                else:
                    span = f"{lo}至{fmt(t.max)}{'（含）' if t.max_inclusive else '（不含）'}"
                tier = f"{label_of(by)} {fmt(key)} 属于“{span}”档"
                if t.amount_wan is not None:
                    return t.amount_wan * b.years, None, f"{tier}，{fmt(t.amount_wan)} 万元{years}"
                base = profile.value(b.base) if b.base else None
                if base is None:
                    return None, None, f"{tier}，需提供{label_of(b.base)}才能计算"
                amount = capped(base * t.rate / 100) * b.years
                return amount, None, f"{tier}：{label_of(b.base)} {fmt(base)} 万元 × {fmt(t.rate)}%{cap}{years}"
        return 0.0, None, f"{label_of(by)} {fmt(key)} 不在任何奖励档位内"
    base = profile.value(b.base) if b.base else None
    if base is None:
        return None, None, f"需提供{label_of(b.base)}才能计算"
    if b.kind == "ratio":
        lo, hi = (capped(base * r / 100) * b.years for r in b.rate)
        rate = f"{fmt(b.rate[0])}%" if b.rate[0] == b.rate[1] else f"{fmt(b.rate[0])}%—{fmt(b.rate[1])}%"
        how = f"{label_of(b.base)} {fmt(base)} 万元 × {rate}{cap}{years}"
        return (lo, None, how) if lo == hi else (None, (lo, hi), how + "，具体比例由主管部门确定")
    if b.kind == "schedule":
        per_year = [capped(base * r / 100) for r in b.rates]
        shares = "、".join(f"第{i}年 {fmt(r)}%" for i, r in enumerate(b.rates, 1))
        return sum(per_year), None, f"{label_of(b.base)} {fmt(base)} 万元/年，{shares}{cap}，合计 {len(b.rates)} 年"
    if b.kind == "per_unit":
        amount = capped(base * b.unit_amount_wan * b.periods) * b.years
        per = f" × {fmt(b.periods)} 期" if b.periods != 1 else ""
        return amount, None, f"{fmt(base)} × {fmt(b.unit_amount_wan)} 万元{per}{cap}{years}"
    return None, None, ""


def _with_alternatives(conds, results: list[CondResult]) -> list[CondResult]:
    """Alternatives (same `alt` group) count as one condition: met if any is met, unknown if none is met but some are
    unknown, not met only when every alternative fails."""
    out: list[CondResult] = []
    groups: dict[str, list[CondResult]] = {}
    for c, r in zip(conds, results):
        if not c.alt:
            out.append(r)
            continue
        if c.alt not in groups:
            groups[c.alt] = []
            out.append(None)  # placeholder, keeps the reading order
            groups[c.alt].append(len(out) - 1)
        groups[c.alt].append(r)
    for slot, *members in groups.values():
        label = "或".join(m.label for m in members)
        met = [m for m in members if m.status == "met"]
        unknown = [m for m in members if m.status == "unknown"]
        if met:
            out[slot] = CondResult(label, "met", met[0].reason)
        elif unknown:
            out[slot] = CondResult(label, "unknown", "；".join(m.reason for m in members), "；".join(m.ask for m in unknown if m.ask))
        else:
            out[slot] = CondResult(label, "not_met", "；".join(m.reason for m in members))
    return out


def _base_check(b: Benefit, profile: ProjectProfile) -> CondResult | None:
    """The figure an amount is computed from is part of what must be known: a project with no R&D figure is not
    granted R&D support, it is asked for the figure (「待补充」)."""
    needed = [b.tier_by or b.base] if b.kind == "tiers" else [b.base] if b.kind in ("ratio", "per_unit", "schedule") else []
    if b.kind == "tiers" and b.base and b.base not in needed and any(t.rate is not None for t in b.tiers):
        needed.append(b.base)
    missing = [f for f in needed if f and profile.value(f) is None]
    if not missing:
        return None
    names = "、".join(label_of(f) for f in missing)
    ask = "；".join(DERIVED_ASK.get(f) or f"请提供{label_of(f)}，用于确定支持金额" for f in missing)
    return CondResult(f"计算基数：{names}", "unknown", f"缺少{names}，无法判断能否享受及金额", ask)


def evaluate(rule: Rule, policy: RuleFile, profile: ProjectProfile, meta: DocMeta | None, as_of: date) -> Match:
    results = _with_alternatives(rule.conditions, [check(c, profile) for c in rule.conditions])
    base_check = _base_check(rule.benefit, profile)
    if base_check is not None:
        results.append(base_check)
    if meta is not None:
        status = meta.status(as_of)
        if status != "in_force":
            why = {"expired": f"政策已于 {meta.expires} 到期", "repealed": f"政策已于 {meta.repealed} 废止",
                   "not_yet_effective": f"政策自 {meta.effective or meta.published} 起施行"}[status]
            results.insert(0, CondResult("政策有效期", "not_met", f"{why}（按 {as_of.isoformat()} 判断）"))
        else:
            window = f"{meta.effective or meta.published or '？'} 至 {meta.expires or '无固定期限'}"
            results.insert(0, CondResult("政策有效期", "met", f"{as_of.isoformat()} 在有效期内（{window}）"))
    if any(r.status == "not_met" for r in results):
        state = "ineligible"
    elif any(r.status == "unknown" for r in results):
        state = "unknown"
    else:
        state = "eligible"
    amount, span, how = compute(rule.benefit, profile)
    notes = []
    if rule.priority_links:
        if profile.chain_role in rule.priority_links:
            notes.append(f"本项目为{profile.chain_role}项目，属于该政策优先支持的产业链环节")
        elif profile.chain_role is None:
            notes.append(f"政策优先支持{'/'.join(rule.priority_links)}项目；请说明本项目在产业链中的作用")
    if rule.benefit.schedule:
        notes.append("兑现方式：" + rule.benefit.schedule)
    return Match(rule, policy, state, tuple(results), amount, span, how, tuple(notes), cap_wan=rule.benefit.cap_wan)


def apply_stacking(matches: list[Match]) -> list[Match]:
    """就高不重复: within a group only the eligible rule with the highest amount counts; the others come back marked
    not counted, with a note saying why (same order as given)."""
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        if m.status == "eligible" and m.rule.group:
            groups.setdefault(m.rule.group, []).append(i)
    out = list(matches)
    for members in groups.values():
        if len(members) < 2:
            continue
        best = max(members, key=lambda i: (matches[i].amount_wan if matches[i].amount_wan is not None
                                           else (matches[i].amount_range_wan or (0, 0))[1]))
        for i in members:
            if i != best:
                m = matches[i]
                out[i] = replace(m, counted=False, notes=m.notes + (
                    f"与“{matches[best].rule.title}”同属一组，按{m.policy.stacking}原则不重复计算",))
    return out
