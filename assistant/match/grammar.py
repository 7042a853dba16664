"""The number grammar of Chinese incentive clauses: what each figure in a grant unit is, read from the words around it.

- threshold: a base noun then a figure with 以上/以下/（含）, or 达到/超过/不低于 + figure; 「X以上（不含）至Y」 and
  「X万～Y万元」 give both ends of a tier
- rate: 按/按照 + base noun + (的) + N%, a range N%—M% / N%~M%, or 不超过N% (a maximum rate)
- schedule: year spans (前两年、第三年至第五年、1—3年内…分别按40%、30%、20%、前4年租金减半) with their rates
- per-unit: figure + /亩 /平方米 /人 /家, or 每亩/每人/每1亿元 + figure; staged payments of one unit are added
- cap: 最高/不超过/上限/封顶 + money; fixed: 给予/奖励/补助/资助 + money; 一次性 vs 每年/连续N年

Base nouns are the names of statistical and fiscal indicators the policies compute from (固定资产投资, 设备投资,
研发投入, 地方财政贡献, 土地出让金, 租金, 采购额…), mapped to the profile's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..vocab.numerals import to_int
from .units import MONEY as WAN_PER_UNIT

GRANT = re.compile(r"给予|奖励|补助|补贴|扶持|资助|予以|享受|减半|免收|免征|全免|减免|返还|兑现|支持|优惠")
NUM = r"(\d+(?:\.\d+)?)"
MONEY_UNIT = r"(亿元|万元|元)"
# base nouns of Chinese statistical and fiscal indicators → profile fields (longest first when matched)
BASES = {
    "固定资产投资": "fixed_asset_investment_wan", "设备投资": "equipment_investment_wan", "总投资": "total_investment_wan",
    "实际投资": "total_investment_wan", "投资规模": "total_investment_wan", "投资额": "total_investment_wan",
    "项目总投入": "total_investment_wan", "投资": "total_investment_wan", "研发投入": "rd_investment_wan",
    "研发费用": "rd_investment_wan", "投资强度": "investment_intensity_wan_per_mu", "亩均税收": "tax_per_mu_wan",
    "收入强度": "revenue_intensity_wan_per_mu", "主营业务收入强度": "revenue_intensity_wan_per_mu",
    "营业收入强度": "revenue_intensity_wan_per_mu", "亩均营业收入": "revenue_intensity_wan_per_mu",
    "主营业务收入": "annual_revenue_wan", "营业收入": "annual_revenue_wan", "营收": "annual_revenue_wan",
    "产值": "annual_output_wan", "地方财力": "local_fiscal_contribution_wan", "财力贡献": "local_fiscal_contribution_wan",
    "财政贡献": "local_fiscal_contribution_wan", "地方留成": "local_retained_tax_wan", "县级留存": "local_retained_tax_wan",
    "新增税收": "new_tax_wan", "地方税收": "local_retained_tax_wan", "纳税": "annual_tax_wan", "税收": "annual_tax_wan",
    "土地出让金": "land_price_paid_wan", "土地出让价款": "land_price_paid_wan", "地价款": "land_price_paid_wan",
    "租金": "annual_rent_wan", "购买金额": "purchase_wan", "采购额": "purchase_wan", "采购": "purchase_wan",
    "用地": "land_mu", "占地": "land_mu",
}
_BASE_RE = re.compile("|".join(sorted(map(re.escape, BASES), key=len, reverse=True)))
PER_UNIT = {"亩": "land_mu", "平方米": "plant_area_sqm", "人": "new_hires", "名": "new_hires", "家": "introduced_enterprises"}
_YEAR = r"([一两二三四五六七八九十\d]+)"
RATE_WORDS = {"全额": 100, "同等比例": 100, "减半": 50, "的数额确定": 100}  # 「按新增税收地方分享部分的数额确定」: the base itself


def _count(token: str) -> int:
    """'三' → 3, '十' → 10, '4' → 4 (year counts in schedules)."""
    return to_int(token)


def _wan(value: str, unit: str) -> float:
    v = float(value) * WAN_PER_UNIT[unit]
    v = round(v, 6)
    return int(v) if float(v).is_integer() else v


def _num(v: str) -> float | int:
    f = float(v)
    return int(f) if f.is_integer() else f


def _base_before(unit: str, pos: int, window: int = 24) -> str | None:
    """The nearest base noun ending before `pos` (within `window` characters)."""
    found = None
    for m in _BASE_RE.finditer(unit, max(0, pos - window), pos):
        found = m
    return BASES[found.group(0)] if found else None


def split_units(text: str) -> list[str]:
    """Grant units: sentences and semicolon parts, keeping a trailing 的：-style lead-in attached to nothing."""
    parts = re.split(r"(?<=[。；;])", text)
    return [p.strip() for p in parts if p.strip()]


@dataclass
class Unit:
    """What one grant unit states."""

    text: str
    conditions: list[dict] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in self.taken)


THRESHOLD = re.compile(NUM + r"\s*(万元/亩|亿元|万元|元|亩|%|人)(?:（[^）]{1,10}）)?((?:（含）|\(含\))?(?:及|或)?以上(?:（不含）)?|(?:（含）)?以下|以内)"
                       r"(?:(?:（含）)?至" + NUM + r"\s*(亿元|万元)(（含）|\(含\))?)?")
THRESHOLD_PRE = re.compile(r"(达到|(?<!不)超过|不低于|不少于|不小于|大于等于|高于|达|≥|＞|>=?)\s*" + NUM + r"\s*(万元/亩|亿元|万元|元|亩|%|人)(（含）)?")


RANGE = re.compile(NUM + r"\s*(亿|万)?(?:元)?\s*[～~—–\-至到]\s*" + NUM + r"\s*(亿元|万元)")


def read_thresholds(u: Unit) -> None:
    text = u.text
    for m in RANGE.finditer(text):  # a tier 「投资3000万～5000万元的」: from X (inclusive) to Y
        fieldname = _base_before(text, m.start())
        if fieldname is None:
            continue
        lo = _wan(m.group(1), (m.group(2) or m.group(4)[0]) + "元")
        hi = _wan(m.group(3), m.group(4))
        u.conditions.append({"field": fieldname, "op": ">=", "value": lo, "quote": m.group(0)})
        u.conditions.append({"field": fieldname, "op": "<", "value": hi, "quote": m.group(0)})
        u.taken.append(m.span())
    for m in THRESHOLD.finditer(text):
        if _is_per_unit(text, m.start()) or not u.free(*m.span()):
            continue
        fieldname = _base_before(text, m.start()) or ("land_mu" if m.group(2) == "亩" else None)
        if m.group(2) == "万元/亩" and fieldname not in ("investment_intensity_wan_per_mu", "revenue_intensity_wan_per_mu", "tax_per_mu_wan"):
            fieldname = "investment_intensity_wan_per_mu"
        if m.group(2) == "%" and fieldname is None:
            continue
        if fieldname is None:
            continue
        value = _wan(m.group(1), m.group(2)) if m.group(2) in ("亿元", "万元", "元") else _num(m.group(1))
        below = "以下" in m.group(3) or "以内" in m.group(3)
        exclusive = "不含" in m.group(3)
        op = "<=" if below else (">" if exclusive else ">=")
        quote = text[m.start(): m.end(3) if not m.group(4) else m.start(4)].rstrip("至")
        u.conditions.append({"field": fieldname, "op": op, "value": value, "quote": quote})
        if m.group(4):
            top = _wan(m.group(4), m.group(5))
            u.conditions.append({"field": fieldname, "op": "<=" if m.group(6) else "<", "value": top,
                                 "quote": text[m.start(4): m.end()]})
        u.taken.append(m.span())
    for m in THRESHOLD_PRE.finditer(text):
        intensity = re.search(r"(投资强度|亩均[^，。；]{0,4})每亩$", text[max(0, m.start() - 10): m.start()])
        if not u.free(*m.span()) or _capped(text, m.start()) or (_is_per_unit(text, m.start(2)) and not intensity):
            continue
        fieldname = _base_before(text, m.start())
        if intensity and m.group(3) in ("万元", "元") and fieldname in ("investment_intensity_wan_per_mu", "tax_per_mu_wan", "revenue_intensity_wan_per_mu"):
            value = _wan(m.group(2), m.group(3))
            u.conditions.append({"field": fieldname, "op": ">" if m.group(1) in ("超过", "高于", "＞", ">") else ">=",
                                 "value": value, "quote": text[m.start() - 2 if text[m.start() - 2: m.start()] == "每亩" else m.start(): m.end()]})
            u.taken.append(m.span())
            continue
        if m.group(3) == "万元/亩" and fieldname is None:
            fieldname = "investment_intensity_wan_per_mu"
        if fieldname is None:
            continue
        value = _wan(m.group(2), m.group(3)) if m.group(3) in ("亿元", "万元", "元") else _num(m.group(2))
        op = ">" if m.group(1) in ("超过", "高于", "＞", ">") else ">="
        u.conditions.append({"field": fieldname, "op": op, "value": value, "quote": text[m.start(2): m.end()]})
        u.taken.append(m.span())
    read_commitments(u)


# commitments in years: 「经营期在十年以上」「签订1年以上期限劳动合同」「10年内不得转让」, and a start year 「2014年起新办」;
# a profile does not state them, so they become questions (label, ask), never 「满足」
_CN = r"(\d+|[一两二三四五六七八九十]{1,3})"
COMMITMENTS = (
    (re.compile(r"(?:经营期限?|经营年限|合同期限?)(?:须|应|需)?(?:在|为|达到?)?" + _CN + r"年(?:（含）)?(?:及|或)?以上"),
     "operating_period_years", ">=", "经营期限", "项目承诺的经营期限是否在{v}年以上？"),
    (re.compile(r"(?:经营期限?|经营年限)(?:须|应|需)?不(?:少|低)于" + _CN + r"年"),
     "operating_period_years", ">=", "经营期限", "项目承诺的经营期限是否不少于{v}年？"),
    (re.compile(r"签订" + _CN + r"年(?:（含）)?(?:及|或)?以上(?:期限的?)?(?:的)?劳动合同"),
     "labor_contract_years", ">=", "劳动合同期限", "所招用人员是否签订{v}年以上劳动合同？"),
    (re.compile(_CN + r"年内不得(?:转让|出售|迁出|变更|转租|改变用途)"),
     "no_transfer_years", ">=", "不转让/不迁出承诺年限", "是否承诺{v}年内不转让、不迁出？"),
    (re.compile(r"((?:19|20)\d{2})年(?:1月1日)?(?:起|以后|之后|后)(?:在[^，。；]{1,6})?(?:新办|新设|新注册|新落户|新引进|注册|设立|成立)"),
     "establishment_year", ">=", "设立年份", "企业在哪一年设立（是否{v}年起新办）？"),
)


def read_commitments(u: Unit) -> None:
    for rx, fieldname, op, label, ask in COMMITMENTS:
        for m in rx.finditer(u.text):
            if not u.free(*m.span()):
                continue
            v = to_int(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
            if not v:
                continue
            u.conditions.append({"field": fieldname, "op": op, "value": v, "quote": m.group(0), "label": f"{label}（{v}年）"
                                 if fieldname != "establishment_year" else f"{label}（{v}年起）", "ask": ask.format(v=v)})
            u.taken.append(m.span())


def _capped(text: str, pos: int) -> bool:
    return bool(re.search(r"(最高|不超过|上限|封顶|最多)[^，。；\d]{0,8}$", text[max(0, pos - 10): pos]))


def _is_per_unit(text: str, pos: int) -> bool:
    return bool(re.search(r"每\d*(?:亿元|万元)?$|每(?:亩|平方米|人|家)$", text[max(0, pos - 6): pos]))


RATE = re.compile(r"(不超过|不高于|最高)?" + NUM + r"\s*[%％]\s*(?:[—–\-~～至到]\s*" + NUM + r"\s*[%％])?")
YEAR_SPAN = re.compile(r"(前|头)" + _YEAR + r"年|第" + _YEAR + r"年?(?:至|到|—|-)第?" + _YEAR + r"年|第" + _YEAR + r"年|"
                       r"(\d+)\s*[—–\-~至]\s*(\d+)\s*年内?|后" + _YEAR + r"年|" + _YEAR + r"年内|"
                       r"(?:期限为?|为期|连续|分)" + _YEAR + r"年")


def _year_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(first year, last year, start, end) of each year span in reading order; 后N年 continues the previous span."""
    spans: list[tuple[int, int, int, int]] = []
    for m in YEAR_SPAN.finditer(text):
        g = m.groups()
        if g[1]:
            a, b = 1, _count(g[1])
        elif g[2]:
            a, b = _count(g[2]), _count(g[3])
        elif g[4]:
            a = b = _count(g[4])
        elif g[5]:
            a, b = int(g[5]), int(g[6])
        elif g[7]:
            start = spans[-1][1] + 1 if spans else 1
            a, b = start, start + _count(g[7]) - 1
        elif g[8]:
            a, b = 1, _count(g[8])
        else:
            a, b = 1, _count(g[9])
        if 0 < a <= b <= 30:
            spans.append((a, b, m.start(), m.end()))
    return spans


def _rates(u: Unit) -> list[tuple[float, float, str, str | None, int, bool]]:
    """(lo, hi, quote, base, position, is_maximum) for each percentage that is a rate, not a threshold."""
    out = []
    for m in RATE.finditer(u.text):
        if not u.free(*m.span()):
            continue
        lo = _num(m.group(2))
        hi = _num(m.group(3)) if m.group(3) else lo
        is_max = bool(m.group(1))
        if is_max:
            lo = 0
        quote = m.group(0).strip()
        out.append((lo, hi, quote, _base_before(u.text, m.start(), 30), m.start(), is_max))
    for word, value in RATE_WORDS.items():
        for m in re.finditer(word, u.text):
            if u.free(*m.span()):
                out.append((value, value, word, _base_before(u.text, m.start(), 30), m.start(), False))
    return sorted(out, key=lambda r: r[4])


MONEY = re.compile(NUM + r"\s*" + MONEY_UNIT)
PER = re.compile(NUM + r"\s*(万元|元)\s*/\s*(亩|平方米|人|名|家)(?:\s*/\s*(月|年))?")
PER_PRE = re.compile(r"每\s*(\d*(?:\.\d+)?)\s*(亿元|亩|平方米|人|名|家)\s*(?:奖励|补助|补贴|资助|给予)?\s*" + NUM + r"\s*(万元|元)")


def read_benefit(u: Unit, default_base: str | None = None) -> dict:
    """`default_base`: the base of the article's previous grant, for a rate stated without one
    (「补助比例可采取“一事一议”，最高不超过20%」 refers back to 固定资产投资额)."""
    text = u.text
    once = True if "一次性" in text else (False if re.search(r"每年|连续|逐年|分年", text) else None)
    cap = None
    for m in re.finditer(r"(?:最高|不超过|上限为?|封顶|最多)[^，。；\d%]{0,8}?" + NUM + r"\s*" + MONEY_UNIT, text):
        if u.free(m.start(1), m.end()):
            cap = (_wan(m.group(1), m.group(2)), text[m.start(1): m.end()])
            u.taken.append((m.start(1), m.end()))
            break
    # per-unit amounts: 10元/平方米/月, 6万元/亩 (staged payments of one unit are added), 每1亿元奖励2万元
    pers = [m for m in PER.finditer(text) if u.free(*m.span())]
    if pers and GRANT.search(text[: pers[0].start()] + text[pers[0].end():]):
        unit = pers[0].group(3)
        same = [m for m in pers if m.group(3) == unit]
        total = sum(_wan(m.group(1), m.group(2)) for m in same)
        b = {"kind": "per_unit", "base": PER_UNIT.get(unit, "new_hires"), "unit_amount_wan": round(total, 6),
             "quote": [m.group(0) for m in same]}
        if len(same) > 1:
            b["schedule"] = "分期兑现：" + "、".join(m.group(0) for m in same)
            b["quote"] = [text[same[0].start(): same[-1].end()]]
        if same[0].group(4) == "月":
            years = max((s[1] for s in _year_spans(text)), default=1) or 1
            b["periods"], b["years"] = 12, years
        _finish(b, cap, once)
        return b
    pre = next((m for m in PER_PRE.finditer(text) if u.free(*m.span())), None)
    if pre:
        per_of = pre.group(2)
        amount = _wan(pre.group(3), pre.group(4))
        if per_of == "亿元":
            size = float(pre.group(1) or 1) * 10000
            b = {"kind": "per_unit", "base": _base_before(text, pre.start(), 40) or "total_investment_wan",
                 "unit_amount_wan": round(amount / size, 8), "quote": [pre.group(0)],
                 "text": f"按每{pre.group(1) or 1}亿元{pre.group(3)}{pre.group(4)}计算"}
        else:
            b = {"kind": "per_unit", "base": PER_UNIT.get(per_of, "new_hires"), "unit_amount_wan": amount, "quote": [pre.group(0)]}
        _finish(b, cap, once)
        return b
    rates = [r for r in _rates(u) if r[3] is not None or r[5]]
    spans = _year_spans(text)
    listed = re.search(r"分别按[^。；]*?" + NUM + r"[%％](?:、" + NUM + r"[%％])+", text)
    if listed and spans:
        vals = [_num(x) for x in re.findall(NUM + r"[%％]", listed.group(0))]
        a, b_ = spans[0][0], spans[0][1]
        if b_ - a + 1 == len(vals):
            base = _base_before(text, listed.end(), 80)
            if base:
                ben = {"kind": "schedule", "base": base, "rates": vals,
                       "quote": [text[spans[0][2]: spans[0][3]], listed.group(0)]}
                _finish(ben, cap, once)
                return ben
    if spans and rates and not any(r[5] for r in rates):
        per_year: dict[int, tuple[float, str]] = {}
        for a, b_, _s, e in spans:
            nxt = next((r for r in rates if r[4] >= e), None)
            if nxt is None or any(s2 > e and s2 < nxt[4] for _, _, s2, _ in spans):
                continue
            for y in range(a, b_ + 1):
                per_year.setdefault(y, (nxt[0] if nxt[0] == nxt[1] else nxt[1], nxt[2]))
        if len(per_year) >= 2 or (per_year and max(per_year) > 1):
            years = range(1, max(per_year) + 1)
            base = next(r[3] for r in rates if r[3])
            ben = {"kind": "schedule", "base": base, "rates": [per_year.get(y, (0, ""))[0] for y in years],
                   "quote": sorted({text[s: e] for _, _, s, e in spans} | {q for _, q in per_year.values()}, key=text.find)}
            _finish(ben, cap, once)
            return ben
    if rates:
        lo, hi, quote, base, _, _ = next((r for r in rates if r[3]), rates[0])
        if base is None and "比例" in text:
            base = default_base
        if base is None:
            return _unspecified(text, cap)
        ben = {"kind": "ratio", "base": base, "rate": [lo, hi] if lo != hi else lo, "quote": [quote]}
        years = next((b_ for a, b_, _, _ in spans if a == 1 and b_ > 1), None)
        if years and once is not True:
            ben["years"] = years
        _finish(ben, cap, once)
        return ben
    fixed = [m for m in MONEY.finditer(text) if u.free(*m.span()) and not _capped(text, m.start())
             and re.search(r"(给予|奖励|补助|资助|补贴|一次性|总额)[^，。；\d]{0,10}$", text[max(0, m.start() - 12): m.start()])]
    if fixed:
        m = fixed[0]
        ben = {"kind": "fixed", "amount_wan": _wan(m.group(1), m.group(2)), "quote": [m.group(0)]}
        years = next((b_ for a, b_, _, _ in spans if a == 1 and b_ > 1), None)
        if years and once is False:
            ben["years"] = years
        _finish(ben, cap, once)
        return ben
    return _unspecified(text, cap)


def _unspecified(text: str, cap) -> dict:
    if cap:
        return {"kind": "in_kind", "cap_wan": cap[0], "quote": [cap[1]], "text": f"最高{cap[1]}（具体金额由主管部门核定）"}
    return {"kind": "in_kind", "text": re.sub(r"\s+", "", text)[:80]}


def _finish(b: dict, cap, once) -> None:
    if cap:
        b["cap_wan"] = cap[0]
        b["quote"].append(cap[1])
    if once is not None:
        b["once"] = once
