"""Chain view: the incentives of each region open to an industry chain or link (新能源汽车 / 动力电池 / 中游),
as a 政策清单 an officer can hand to an investor. Only the industry scope decides; the figures are the terms."""

from __future__ import annotations

from datetime import date

from ..errors import AssistantError
from ..match.profile import ProjectProfile
from ..match.service import DEFAULT_RULE_DIRS
from .model import ChainItem, ChainView, Comparison
from .service import compare, profile_from

LINKS = ("上游", "中游", "下游")


def chain_profile(spec: str) -> ProjectProfile:
    """'新能源汽车/动力电池/中游' → a profile with chain, industry and link only."""
    parts = [p.strip() for p in spec.replace("／", "/").split("/") if p.strip()]
    if not parts:
        raise AssistantError("产业链（chain）不能为空，例如“新能源汽车/动力电池/中游”")
    link = next((p for p in parts if p in LINKS), None)
    names = [p for p in parts if p not in LINKS]
    if not names:
        raise AssistantError(f"产业链“{spec}”只有环节，缺少产业链或产业名称")
    return profile_from({"name": "/".join(parts), "chain": names[0], "industry": "、".join(names[1:]) or names[0],
                         **({"chain_link": link} if link else {})}, "产业链")


def spec_of(profile: ProjectProfile) -> str | None:
    parts = [p for p in (profile.chain, profile.industry, profile.chain_link) if p]
    return "/".join(parts) or None


def chain_view(spec: str, index, rule_dirs=DEFAULT_RULE_DIRS, regions: list[str] | None = None,
               as_of: date | None = None) -> ChainView:
    return from_comparison(spec, compare(chain_profile(spec), index, rule_dirs, regions=regions, as_of=as_of))


def from_comparison(spec: str, comparison: Comparison) -> ChainView:
    items = []
    for r in comparison.available():
        for o in r.offers:
            if any(c.role in ("validity", "scope") and c.status == "not_met" for c in o.conditions):
                continue
            scope = [c.reason for c in o.conditions if c.role == "scope" and c.status == "met" and c.reason]
            why = "；".join(scope) if scope else "不限行业"
            if o.terms.threshold:
                why += f"；须满足：{o.terms.threshold}"
            if o.red_flags:
                why += "；⚠ 存在公平竞争风险（" + "；".join(f.basis for f in o.red_flags if f.basis) + "），不宜对外承诺"
            if o.candidate:
                why += "；待审核规则，仅供参考"
            items.append(ChainItem(r.region, o, why))
    return ChainView(spec, tuple(items), tuple(r.region for r in comparison.regions))
