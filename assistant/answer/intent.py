"""Which engine answers a question: compliance (review engine), incentive (matcher), fact (retrieval).

Routing reads the question's form, the way the issue's officers ask: a yes/no question about a proposed measure
(能不能 / 可不可以 / 是否违规 + 返还、奖励、限定…) is a compliance question; a question about what a project can get
(能享受哪些 / 补贴多少, with an amount, a region or an industry) is an incentive question; everything else is a fact
or procedure question. Out of scope is decided after retrieval (nothing in the knowledge base supports an answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMPLIANCE = "compliance"
INCENTIVE = "incentive"
FACT = "fact"
OUT_OF_SCOPE = "out_of_scope"
INTENTS = (COMPLIANCE, INCENTIVE, FACT, OUT_OF_SCOPE)
INTENT_CN = {COMPLIANCE: "合规判断", INCENTIVE: "项目可享政策", FACT: "事实与程序", OUT_OF_SCOPE: "超出知识库"}

YES_NO = re.compile(r"能不能|能否|可不可以|可否|是否(?:可以|允许|能够|违规|违法|违反|合规|合法|涉嫌|构成|属于)|(?:可以|允许|能)[^，。？?]{0,30}吗"
                    r"|违规吗|违法吗|合规吗|合法吗|有没有问题|有问题吗|行不行|违不违|算不算|属不属于")
MEASURE = re.compile(r"承诺|给予|给|返还|奖励|补贴|补助|减免|免征|减征|免收|减收|缓征|返|限定|指定|要求|设置|设定|规定|限制|禁止"
                     r"|排斥|优先|只允许|只能|强制|收取|提供|出台|制定|签订|约定|为条件|挂钩|准入|招标|采购|供地|出让")
# a question about the law's own content, not about a measure ("外商投资企业能平等适用国家政策吗")
ABOUT_LAW = re.compile(r"适用|享有|平等|依法享受")
INCENTIVE_CUE = re.compile(r"享受哪些|享受什么|能享受|可以享受|可享受|有哪些(?:支持|政策|优惠|奖励|补贴|扶持)|有什么(?:支持|政策|优惠|奖励|补贴|扶持)"
                           r"|(?:补贴|奖励|支持|补助|扶持)(?:多少|几)|能拿(?:多少|到)|能获得|可以获得|可获得|能申请哪些|可以申请哪些|能得到")
PROJECT = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|亿|万|亩|人)|项目|企业|公司")
MONEY = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元|亿|万)")
LAND = re.compile(r"(\d+(?:\.\d+)?)\s*亩")
PEOPLE = re.compile(r"(\d+)\s*(?:人|名员工|名职工)")
INDUSTRY = re.compile(r"(?:建设|投资|新建|引进|落地|做|从事|生产)?(?:一个)?([\u4e00-\u9fa5]{2,10}?)(?:产业|行业|项目|企业|工厂|基地)")
QUALIFICATIONS = ("国家高新技术企业", "高新技术企业", "专精特新", "小巨人", "上市公司", "世界500强", "中国500强", "瞪羚企业", "独角兽")
TALENT = ("博士", "硕士", "院士", "高层次人才", "领军人才")


@dataclass(frozen=True)
class Route:
    intent: str
    measure: str = ""  # compliance: the proposed measure, as the officer worded it
    profile: dict = field(default_factory=dict)  # incentive: what the question says about the project


def classify(question: str) -> Route:
    """The learned router (intent_model, trained on questions written by others) when it ships; else the rules."""
    from .intent_model import load

    q = question.strip()
    model = load()
    if model is not None and q:
        intent, _ = model.predict(q)
        if intent == INCENTIVE:
            return Route(INCENTIVE, profile=extract_profile(q))
        if intent == COMPLIANCE:
            return Route(COMPLIANCE, measure=measure_of(q))
        return Route(FACT)
    return classify_by_rules(q)


def classify_by_rules(question: str) -> Route:
    q = question.strip()
    if INCENTIVE_CUE.search(q) and PROJECT.search(q):
        return Route(INCENTIVE, profile=extract_profile(q))
    if YES_NO.search(q) and MEASURE.search(q) and not (ABOUT_LAW.search(q) and not re.search(r"承诺|返还|奖励|补贴|限定|指定", q)):
        return Route(COMPLIANCE, measure=measure_of(q))
    return Route(FACT)


def measure_of(question: str) -> str:
    """The proposed measure as a draft sentence: the question without its yes/no frame."""
    m = question.strip().rstrip("？?。！!")
    m = re.sub(r"^(?:请问|我们|我县|我市|我区|政府|地方政府|我们县|我们市)[，,]?", "", m)
    m = re.sub(r"(?:能不能|能否|可不可以|可否|可以不可以|是不是可以|是否可以|是否允许|是否能够)", "", m)
    m = re.sub(r"(?:是否|会不会|有没有)(?:违规|违法|违反[^，。]*|合规|合法|问题|涉嫌[^，。]*)|(?:违规|违法|合规|合法|有问题|行不行|可以|允许)吗$|吗$", "", m)
    return m.strip("，, ") or question


def extract_profile(question: str, regions: list[str] | tuple[str, ...] = ()) -> dict:
    """Profile fields stated in the question. Amounts go to the field their context names (固定资产投资, 税收, 研发…);
    an unqualified amount is the total investment."""
    q = question
    out: dict = {}
    for m in MONEY.finditer(q):
        before = q[max(0, m.start() - 12): m.start()]
        after = q[m.end(): m.end() + 6]
        amount = f"{m.group(1)}{'亿元' if m.group(2).startswith('亿') else '万元'}"
        ctx = before + "|" + after
        if "固定资产" in ctx or "设备" in before:
            key = "fixed_asset_investment_wan"
        elif "地方财政贡献" in ctx or "财政贡献" in ctx:
            key = "local_fiscal_contribution_wan"
        elif "税" in ctx:
            key = "annual_tax_wan"
        elif "研发" in ctx:
            key = "rd_investment_wan"
        elif "产值" in ctx:
            key = "annual_output_wan"
        elif "营业收入" in ctx or "营收" in ctx or "销售" in ctx:
            key = "annual_revenue_wan"
        else:
            key = "total_investment_wan"
        out.setdefault(key, amount)
    if (m := LAND.search(q)):
        out["land_mu"] = float(m.group(1))
    if (m := PEOPLE.search(q)):
        out["employees"] = int(m.group(1))
    region = next((r for r in regions if r and r in q), None)
    if region:
        out["region"] = region
    if (m := INDUSTRY.search(re.sub(r"\d+(?:\.\d+)?\s*(?:亿元|万元|亿|万|亩)", "，", q))):
        ind = re.sub(r"^(?:在|到|于)?[\u4e00-\u9fa5]{0,6}?(?:县|市|区|临港)(?:投资|建设|新建)?", "", m.group(1))
        ind = re.sub(r"^(?:的|投资|建设|新建|新引进|引进|一个|个)+", "", ind)
        if len(ind) >= 2 and ind not in ("这个", "一个", "该", "我们"):
            out["industry"] = ind
    quals = [x for x in QUALIFICATIONS if x in q]
    if quals:
        out["qualifications"] = [x for x in quals if not any(x != y and x in y for y in quals)]
    talent = [x for x in TALENT if x in q]
    if talent:
        out["talent"] = talent
    if re.search(r"外资|外商|外国", q):
        out["enterprise_type"] = "外资"
    return out
