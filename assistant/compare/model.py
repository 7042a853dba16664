"""Frozen types of a region-by-region comparison (竞合区域政策对标).

>>> Offer(region="吉林省柳河县", rule_id="r1", title="投资奖励", kind="固定资产投资补助", status="eligible",
...       citation="《某意见》第二条", clause_id="doc#第二条", doc_status="现行有效", amount_wan=600.0).lawful
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUS_CN = {"eligible": "可享受", "unknown": "待补充", "ineligible": "不符合"}
COND_CN = {"met": "满足", "not_met": "不满足", "unknown": "待补充"}
from ..vocab.labels import STATUS_LABELS as DOC_STATUS_CN  # noqa: E402,F401 - the one status vocabulary


@dataclass(frozen=True)
class Condition:
    label: str
    status: str  # met / not_met / unknown
    reason: str = ""
    role: str = ""  # "validity" (政策有效期), "scope" (industry/project-type condition) or "" (a figure, a qualification)


@dataclass(frozen=True)
class Terms:
    """What a rule offers, read from the rule data (not from the project)."""

    threshold: str = ""  # e.g. 固定资产投资（万元）≥1000
    ratio: str = ""  # e.g. 5%—20%, or the tiers
    cap: str = ""  # e.g. 5000万元
    years: str = ""  # e.g. 2年
    amount: str = ""  # a fixed or per-unit amount

    def text(self) -> str:
        parts = [("门槛", self.threshold), ("比例", self.ratio), ("金额", self.amount), ("上限", self.cap), ("年限", self.years)]
        return "；".join(f"{k}：{v}" for k, v in parts if v) or "非资金类支持"


@dataclass(frozen=True)
class RedFlag:
    issue: str
    basis: str  # 公平竞争审查条例第十条第二项…
    severity: str = ""
    clause_id: str = ""


@dataclass(frozen=True)
class Offer:
    """One incentive of one region for the project: status, amount, terms and where it is written."""

    region: str
    rule_id: str
    title: str
    kind: str  # incentive type (terms.KINDS)
    status: str  # eligible / unknown / ineligible
    citation: str  # 《标题》第X条
    clause_id: str
    doc_status: str  # 现行有效 / 已失效 …
    benefit: str = ""
    calculation: str = ""
    amount_wan: float | None = None
    amount_range_wan: tuple[float, float] | None = None
    counted: bool = True  # False: 同组就高 another rule counts
    red_flags: tuple[RedFlag, ...] = ()
    candidate: bool = False  # 待审核 rule: shown, never counted
    conditions: tuple[Condition, ...] = ()
    terms: Terms = field(default_factory=Terms)
    notes: tuple[str, ...] = ()

    @property
    def red_flagged(self) -> bool:
        return bool(self.red_flags)

    @property
    def lawful(self) -> bool:
        return not self.red_flags

    @property
    def in_total(self) -> bool:
        """Counts towards a total (lawful or red-flagged): eligible, counted, reviewed."""
        return self.status == "eligible" and self.counted and not self.candidate


@dataclass(frozen=True)
class Lapsed:
    title: str
    status: str  # 已失效 / 已废止 / 尚未施行
    effective: str | None = None
    expires: str | None = None
    repealed: str | None = None

    def dates(self) -> str:
        start = self.effective or "？"
        if self.repealed:
            return f"{start} 起施行，{self.repealed} 废止"
        if self.status == "尚未施行":
            return f"{start} 起施行"
        return f"{start} 至 {self.expires or '？'}"


@dataclass(frozen=True)
class RegionResult:
    region: str
    offers: tuple[Offer, ...] = ()
    lapsed: tuple[Lapsed, ...] = ()
    policies: tuple[str, ...] = ()  # titles
    lawful_wan: float = 0.0  # determinate lawful amounts (counted)
    lawful_range_wan: tuple[float, float] = (0.0, 0.0)  # with the lawful ratio spans
    flagged_wan: float = 0.0  # determinate amounts resting on red-flagged clauses, never in lawful_wan
    unavailable: str = ""  # 「无可用规则」 reason; empty when the region was compared
    problems: tuple[str, ...] = ()  # rule files of this region left out (and why); the others were used
    rank: int | None = None

    @property
    def available(self) -> bool:
        return not self.unavailable


@dataclass(frozen=True)
class Screening:
    """Project-level findings that are the same in every region (negative list, foreign investment)."""

    kind: str
    issue: str
    basis: str
    citation: str = ""


@dataclass(frozen=True)
class Comparison:
    project: str
    as_of: str
    regions: tuple[RegionResult, ...]  # ranked by lawful estimated support; unavailable ones last
    screening: tuple[Screening, ...] = ()
    hard_stop: bool = False
    index_snapshot: str = ""
    notes: tuple[str, ...] = ()  # rule files that could not be read, and the like
    profile: dict = field(default_factory=dict, compare=False, hash=False)

    def available(self) -> tuple[RegionResult, ...]:
        return tuple(r for r in self.regions if r.available)


@dataclass(frozen=True)
class ChainItem:
    region: str
    offer: Offer
    applies: str  # why it applies to the chain/link, or what remains to check


@dataclass(frozen=True)
class ChainView:
    chain: str  # e.g. 新能源汽车 / 动力电池 / 中游
    items: tuple[ChainItem, ...]
    regions: tuple[str, ...]
