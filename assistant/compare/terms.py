"""Incentive types (the rows of the terms table) and the terms a rule offers: threshold, ratio, cap, years.

The type is read from the rule's structure first (what the amount is computed on), then from its red flags, and
only then from words of its title and benefit text.
"""

from __future__ import annotations

import re

from ..match import matcher
from ..match.matcher import OPS_CN, fmt, label_of
from ..match.rules import Rule
from .model import Offer, RedFlag, Terms

FAI, LAND, RENT, RD, TALENT, LOAN, TAX, CASE, LISTING, QUAL, OTHER = (
    "固定资产投资补助", "用地", "厂房/租金", "研发", "人才", "贷款贴息", "税收挂钩奖励", "一事一议", "上市挂牌", "资质认定奖励", "其他")
KINDS = (FAI, LAND, RENT, RD, TALENT, LOAN, TAX, CASE, LISTING, QUAL, OTHER)
FLAGGED_KINDS = {TAX, CASE}  # types whose wording the fair-competition rules forbid

BY_BASE = {  # the figure an amount is computed on → type
    "fixed_asset_investment_wan": FAI, "total_investment_wan": FAI, "investment_intensity_wan_per_mu": FAI,
    "local_fiscal_contribution_wan": TAX, "annual_tax_wan": TAX, "tax_per_mu_wan": TAX,
    "rd_investment_wan": RD, "rd_ratio": RD, "phd_count": TALENT, "master_count": TALENT, "employees": TALENT,
    "land_mu": LAND,
}
BY_WORDS = (  # fallback on the rule's title and benefit text, most specific first
    (CASE, r"一事一议"), (LOAN, r"贴息|贷款"), (RENT, r"租金|房租|厂房|标准厂房|办公用房"), (LAND, r"用地|土地|地价|出让"),
    (RD, r"研发|研究开发|技术中心|创新平台|实验室|科技"), (TALENT, r"人才|博士|硕士|专家|安家|住房补贴"),
    (LISTING, r"上市|挂牌"), (TAX, r"税收|财政贡献|纳税"), (FAI, r"固定资产|投资奖励|设备投资|技术改造"),
)


def kind_of(rule: Rule, red_flags: tuple[RedFlag, ...] = ()) -> str:
    base = rule.benefit.base or rule.benefit.tier_by
    fields = [("qualifications" if c.has else c.field) for c in rule.conditions]
    return kind_from_text(rule.title, rule.benefit.text, red_flags, base, fields)


def kind_from_text(title: str, benefit: str, red_flags: tuple[RedFlag, ...] = (), base: str | None = None,
                   fields: list[str] | tuple[str, ...] = ()) -> str:
    text = f"{title} {benefit}"
    if "一事一议" in text or any("一事一议" in f.issue for f in red_flags):
        return CASE
    if base in BY_BASE:
        return BY_BASE[base]
    if any(re.search(r"财政贡献|税收", f.issue) for f in red_flags):
        return TAX
    for kind, pattern in BY_WORDS:
        if re.search(pattern, text):
            return kind
    for f in fields:  # e.g. a fixed award for an R&D ratio
        if f in BY_BASE:
            return BY_BASE[f]
    if "qualifications" in fields:  # an award for a title or certification the project obtains
        return QUAL
    return OTHER


def _value(field: str, v: float) -> str:
    units = {"land_mu": "亩", "rd_ratio": "%", "investment_intensity_wan_per_mu": "万元/亩", "tax_per_mu_wan": "万元/亩"}
    unit = units.get(field) or ("万元" if field.endswith("_wan") else "")
    return f"{fmt(v)}{unit}"


def terms_of(rule: Rule) -> Terms:
    b = rule.benefit
    thresholds = []
    for c in rule.conditions:
        if c.op and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
            name = re.sub(r"（.*?）", "", label_of(c.field))
            thresholds.append(f"{name}{OPS_CN.get(c.op, c.op)}{_value(c.field, float(c.value))}")
        elif c.has:
            thresholds.append(f"具备“{c.has}”")
        elif c.one_of:
            thresholds.append(f"{label_of(c.field)}为{'/'.join(c.one_of)}")
    ratio = amount = ""
    base = re.sub(r"（.*?）", "", label_of(b.base)) if b.base else ""
    if b.kind == "ratio" and b.rate:
        lo, hi = b.rate
        ratio = f"{base}的{fmt(lo)}%" if lo == hi else f"{base}的{fmt(lo)}%—{fmt(hi)}%"
    elif b.kind == "tiers":
        steps = []
        for t in b.tiers:
            span = f"{fmt(t.min) if t.min is not None else 0}—{fmt(t.max)}" if t.max is not None else f"{fmt(t.min or 0)}以上"
            steps.append(f"{span}：{fmt(t.rate)}%" if t.rate is not None else f"{span}：{fmt(t.amount_wan or 0)}万元")
        by = re.sub(r"（.*?）", "", label_of(b.tier_by or b.base))
        text = f"按{by}分档（{'；'.join(steps)}）" + (f"，计算基数为{base}" if any(t.rate is not None for t in b.tiers) else "")
        if any(t.rate is not None for t in b.tiers):
            ratio = text
        else:
            amount = text
    elif b.kind == "fixed" and b.amount_wan is not None:
        amount = f"{fmt(b.amount_wan)}万元"
    elif b.kind == "per_unit" and b.unit_amount_wan is not None:
        per = f"×{fmt(b.periods)}期" if b.periods != 1 else ""
        amount = f"每单位{base} {fmt(b.unit_amount_wan)}万元{per}"
    return Terms(
        threshold="；".join(thresholds), ratio=ratio, amount=amount,
        cap=f"{fmt(b.cap_wan)}万元" if b.cap_wan is not None else "",
        years=f"{fmt(b.years)}年" if b.years != 1 else "",
    )


def amount_text(o: Offer) -> str:
    return matcher.amount_text(o.amount_wan, o.amount_range_wan) or ("待核定" if o.status != "ineligible" else "—")
