"""Incentive rules as reviewable YAML data, each tied to the clause it comes from.

A rule file (shipped in `assistant/match/rules/<doc>.yaml`, or reviewed beside an index in `<index>/rules/`):

    policy: <doc_id>            # the indexed document
    region: 吉林省柳河县
    rules:
      - id: liuhe-2023-fai-industry
        clause_id: <doc_id>#第二条第一款
        title: 工业类项目固定资产投资奖励
        conditions:
          - {field: fixed_asset_investment_wan, op: ">=", value: 1000, quote: "1000万元"}
          - {field: text, any_of: [工业, 制造], label: 工业类项目}
        benefit: {kind: ratio, base: fixed_asset_investment_wan, rate: [5, 20], quote: "5%—20%"}
        group: liuhe-2023-investment        # 就高不重复 within a group

Every number a rule uses carries the literal `quote` it was read from; the validator checks the quote is in
the clause text and the number matches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import AssistantError
from ..vocab.numerals import to_int
from .units import MONEY

NUMERIC_OPS = {">=", ">", "<=", "<", "=="}
FIELDS_NUMERIC = {
    "total_investment_wan", "fixed_asset_investment_wan", "land_mu", "annual_output_wan", "annual_revenue_wan",
    "annual_tax_wan", "local_fiscal_contribution_wan", "rd_investment_wan", "employees", "rd_ratio",
    "investment_intensity_wan_per_mu", "tax_per_mu_wan", "phd_count", "master_count", "revenue_intensity_wan_per_mu",
    "equipment_investment_wan", "land_price_paid_wan", "annual_rent_wan", "plant_area_sqm", "new_tax_wan",
    "local_retained_tax_wan", "purchase_wan", "new_hires", "introduced_enterprises",
    # commitments and dates a clause sets that a project profile does not state (asked for: 「待补充」)
    "operating_period_years", "labor_contract_years", "no_transfer_years", "establishment_year",
}
FIELDS_CHOICE = {"enterprise_type", "stage", "chain_role", "chain_link", "is_foreign"}
BENEFIT_KINDS = {"fixed", "ratio", "tiers", "per_unit", "in_kind", "schedule"}
# words that state a rate without a digit: 全额 / 同等比例 = 100%, 减半 = 50%
RATE_WORDS = {"全额": 100.0, "同等比例": 100.0, "全部": 100.0, "减半": 50.0, "的数额确定": 100.0}


class RuleFileError(AssistantError):
    def __init__(self, path: str, line: int | None, message: str):
        where = f"{path}" + (f" 第 {line} 行" if line else "")
        super().__init__(f"{where}：{message}")
        self.path, self.line = path, line


@dataclass(frozen=True)
class Condition:
    field: str
    label: str = ""
    op: str | None = None
    value: float | str | bool | None = None
    quote: str | None = None
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    has: str | None = None  # a qualification the profile must list
    ask: str = ""  # what to ask the applicant when unknown
    alt: str | None = None  # conditions sharing an alt group are alternatives (「…30亿元以上或…4000万元以上」)


@dataclass(frozen=True)
class Tier:
    min: float | None
    max: float | None
    amount_wan: float | None = None
    rate: float | None = None
    min_inclusive: bool = True
    max_inclusive: bool = False


@dataclass(frozen=True)
class Benefit:
    kind: str
    text: str = ""
    amount_wan: float | None = None
    base: str | None = None
    rate: tuple[float, float] | None = None  # percent; lo == hi for a fixed rate
    cap_wan: float | None = None
    tiers: tuple[Tier, ...] = ()
    tier_by: str | None = None  # field that selects the tier (default: base)
    unit_amount_wan: float | None = None  # per_unit: amount per unit of `base` (e.g. per 亩, per person)
    periods: float = 1.0  # per_unit: months/years paid
    years: float = 1.0  # paid each year for N years
    quotes: tuple[str, ...] = ()
    schedule: str = ""
    rates: tuple[float, ...] = ()  # schedule: percent of the base paid in year 1, 2, …
    once: bool | None = None  # True 一次性, False paid each year, None not stated


@dataclass(frozen=True)
class Rule:
    id: str
    clause_id: str
    title: str
    conditions: tuple[Condition, ...]
    benefit: Benefit
    group: str | None = None
    priority_links: tuple[str, ...] = ()
    note: str = ""
    line: int | None = None
    pending: bool = False  # proposed by the extractor, not yet reviewed
    reviewer: str = ""
    reviewed_at: str = ""


@dataclass(frozen=True)
class RuleFile:
    path: str
    policy: str
    region: str
    rules: tuple[Rule, ...]
    stacking: str = "就高不重复"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of each mapping (for error messages)."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_rule_file(path: str | Path) -> RuleFile:
    path = Path(path)
    display = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleFileError(display, mark.line + 1 if mark else None, f"YAML 语法错误：{getattr(exc, 'problem', exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(display, None, f"无法读取：{exc}") from exc
    if not isinstance(data, dict) or "rules" not in data or "policy" not in data:
        raise RuleFileError(display, None, "规则文件须包含 policy 与 rules")
    rules = []
    seen: set[str] = set()
    for raw in data["rules"] or []:
        rule = _rule(raw, display)
        if rule.id in seen:
            raise RuleFileError(display, rule.line, f"规则编号重复：{rule.id}")
        seen.add(rule.id)
        rules.append(rule)
    return RuleFile(display, str(data["policy"]), str(data.get("region") or ""), tuple(rules), str(data.get("stacking") or "就高不重复"))


def _rule(raw: dict, display: str) -> Rule:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise RuleFileError(display, None, "每条规则应为映射")
    for key in ("id", "clause_id", "benefit"):
        if key not in raw:
            raise RuleFileError(display, line, f"规则缺少字段 {key}")
    conditions = tuple(_condition(c, display, raw["id"]) for c in raw.get("conditions") or [])
    return Rule(
        id=str(raw["id"]), clause_id=str(raw["clause_id"]), title=str(raw.get("title") or raw["id"]), conditions=conditions,
        benefit=_benefit(raw["benefit"], display, raw["id"]), group=raw.get("group"),
        priority_links=tuple(raw.get("priority_links") or ()), note=str(raw.get("note") or ""), line=line,
        pending=raw.get("review") == "pending", reviewer=str(raw.get("reviewer") or ""),
        reviewed_at=str(raw.get("reviewed_at") or ""),
    )


def _condition(raw: dict, display: str, rule_id: str) -> Condition:
    line = raw.get("__line__")
    f = raw.get("field")
    if f != "text" and f != "qualifications" and f not in FIELDS_NUMERIC and f not in FIELDS_CHOICE:
        raise RuleFileError(display, line, f"规则 {rule_id}：不认识的条件字段 {f!r}")
    op = raw.get("op")
    if f in FIELDS_NUMERIC:
        if op not in NUMERIC_OPS or not isinstance(raw.get("value"), (int, float)):
            raise RuleFileError(display, line, f"规则 {rule_id}：数值条件 {f} 需要 op（>=、>、<=、<、==）与数值 value")
        if not raw.get("quote"):
            raise RuleFileError(display, line, f"规则 {rule_id}：数值条件 {f} 需要 quote（条文中的原文数字）")
    return Condition(
        field=f, label=str(raw.get("label") or ""), op=op, value=raw.get("value"), quote=raw.get("quote"),
        any_of=tuple(raw.get("any_of") or ()), none_of=tuple(raw.get("none_of") or ()), one_of=tuple(raw.get("one_of") or ()),
        has=raw.get("has"), ask=str(raw.get("ask") or ""), alt=raw.get("alt"),
    )


def _benefit(raw: dict, display: str, rule_id: str) -> Benefit:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or raw.get("kind") not in BENEFIT_KINDS:
        raise RuleFileError(display, line, f"规则 {rule_id}：benefit.kind 应为 {', '.join(sorted(BENEFIT_KINDS))}")
    rate = raw.get("rate")
    if rate is not None:
        rate = (float(rate[0]), float(rate[1])) if isinstance(rate, list) else (float(rate), float(rate))
    tiers = tuple(
        Tier(t.get("min"), t.get("max"), t.get("amount_wan"), t.get("rate"), bool(t.get("min_inclusive", True)),
             bool(t.get("max_inclusive", False)))
        for t in raw.get("tiers") or []
    )
    quotes = raw.get("quote") or ()
    quotes = (quotes,) if isinstance(quotes, str) else tuple(quotes)
    b = Benefit(
        kind=raw["kind"], text=str(raw.get("text") or ""), amount_wan=raw.get("amount_wan"), base=raw.get("base"), rate=rate,
        cap_wan=raw.get("cap_wan"), tiers=tiers, tier_by=raw.get("tier_by"), unit_amount_wan=raw.get("unit_amount_wan"), periods=float(raw.get("periods") or 1),
        years=float(raw.get("years") or 1), quotes=quotes, schedule=str(raw.get("schedule") or ""),
        rates=tuple(float(r) for r in raw.get("rates") or ()), once=raw.get("once"),
    )
    if b.kind == "fixed" and b.amount_wan is None:
        raise RuleFileError(display, line, f"规则 {rule_id}：fixed 需要 amount_wan")
    if b.kind == "ratio" and (b.rate is None or not b.base):
        raise RuleFileError(display, line, f"规则 {rule_id}：ratio 需要 rate 与 base")
    if b.kind == "schedule" and (not b.rates or not b.base):
        raise RuleFileError(display, line, f"规则 {rule_id}：schedule 需要 rates（逐年比例）与 base")
    if b.kind == "tiers" and (not b.tiers or not b.base):
        raise RuleFileError(display, line, f"规则 {rule_id}：tiers 需要 tiers 与 base")
    if b.tier_by and b.tier_by not in FIELDS_NUMERIC:
        raise RuleFileError(display, line, f"规则 {rule_id}：不认识的分档字段 {b.tier_by!r}")
    if b.base and b.base not in FIELDS_NUMERIC:
        raise RuleFileError(display, line, f"规则 {rule_id}：不认识的计算基数 {b.base!r}")
    if b.kind != "in_kind" and not b.quotes:
        raise RuleFileError(display, line, f"规则 {rule_id}：benefit 需要 quote（条文中的原文金额/比例）")
    return b


# -- validation against the index ---------------------------------------------------------------

def quoted_numbers(quote: str) -> set[float]:
    """Numbers a quote states, raw and converted to 万元 when a money unit follows ('1亿元' → {1, 10000})."""
    out: set[float] = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?", quote):
        value = float(m.group(1))
        out.add(value)
        if m.group(2):
            out.add(round(value * MONEY[m.group(2)], 6))
    for word, value in RATE_WORDS.items():
        if word in quote:
            out.add(value)
    for m in re.finditer(r"[一两二三四五六七八九十]{1,3}(?=年)", quote):  # 「经营期在十年以上」
        out.add(float(to_int(m.group(0))))
    return out


def derived_numbers(quote: str) -> set[float]:
    """Figures a reviewer computes from a quote: staged per-unit payments added up (「6万元/亩…再奖励4万元/亩」 → 10),
    and an amount per 亿元 of investment in 万元 per 万元 (「每1亿元奖励2万元」 → 0.0002)."""
    out: set[float] = set()
    for unit in ("亩", "平方米", "人", "家"):
        per = [float(v) * MONEY[u] for v, u in re.findall(r"(\d+(?:\.\d+)?)\s*(万元|元)\s*/\s*" + unit, quote)]
        if len(per) > 1:
            out.add(round(sum(per), 6))
    for size, amount, unit in re.findall(r"每\s*(\d*(?:\.\d+)?)\s*亿元[^\d]{0,6}(\d+(?:\.\d+)?)\s*(万元|元)", quote):
        out.add(round(float(amount) * MONEY[unit] / (float(size or 1) * 10000), 8))
    return out


def rule_numbers(rule: Rule) -> list[tuple[str, float]]:
    """(quote, number) pairs that must agree."""
    pairs: list[tuple[str, float]] = []
    for c in rule.conditions:
        if c.field in ("phd_count", "master_count") and c.value in (0, 1):
            continue  # "has at least one": structural, not a number read from the text
        if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
            pairs.append((c.quote or "", float(c.value)))
    b = rule.benefit
    joined = " ".join(b.quotes)
    for v in (b.amount_wan, b.cap_wan, b.unit_amount_wan, *(b.rate or ()), *b.rates):
        if v is not None and v != 0:  # 0: the open end of 「不超过20%」 or a year with nothing paid, not a stated figure
            pairs.append((joined, float(v)))
    for t in b.tiers:
        for v in (t.amount_wan, t.rate, t.min, t.max):
            if v is not None:
                pairs.append((joined, float(v)))
    return pairs


def validate(rule_file: RuleFile, store) -> list[str]:
    """Problems (in Chinese) that make a rule file unusable: missing clause, quote not in clause, number mismatch."""
    problems = []
    for rule in rule_file.rules:
        where = f"{rule_file.path} 第 {rule.line} 行 规则 {rule.id}" if rule.line else f"{rule_file.path} 规则 {rule.id}"
        if rule.pending:
            problems.append(f"{where}：尚未人工审核（review: pending），不能用于匹配")
        if not rule.clause_id.startswith(rule_file.policy + "#"):
            problems.append(f"{where}：条款 {rule.clause_id} 不属于文件 {rule_file.policy}")
        clause = store.clause(rule.clause_id)
        if clause is None:
            problems.append(f"{where}：索引中没有条款 {rule.clause_id}")
            continue
        text = clause.text
        quotes = [c.quote for c in rule.conditions if c.quote] + list(rule.benefit.quotes)
        for q in quotes:
            if q not in text:
                problems.append(f"{where}：原文“{q}”不在条款 {rule.clause_id} 中")
        for quote, number in rule_numbers(rule):
            if number not in quoted_numbers(quote) and round(number, 8) not in derived_numbers(quote):
                problems.append(f"{where}：数值 {number:g} 与原文“{quote}”不符")
    return problems
