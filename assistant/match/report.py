"""Chinese Markdown report of a match result."""

from __future__ import annotations

from .matcher import amount_text, fmt
from .profile import LABELS, ProjectProfile
from .result import MatchResult, RuleMatch

STATUS = {"met": "✅ 满足", "not_met": "❌ 不满足", "unknown": "❓ 待补充"}
FLAG_KIND = {"prohibited": "禁止准入", "permit": "许可准入", "red_flag": "公平竞争风险", "foreign_access": "外资准入",
             "foreign_equal_treatment": "外资待遇", "foreign_encouraged": "鼓励外商投资"}


def _amount(e: RuleMatch) -> str:
    known = amount_text(e.amount_wan, e.amount_range_wan)
    if known:
        return known
    if e.amount_cap_wan is not None:
        return f"最高 {fmt(e.amount_cap_wan)} 万元（具体金额待核定）"
    return "待核定"


def _conditions(e: RuleMatch) -> list[str]:
    return [f"  - {STATUS[c.status]} {c.label}：{c.reason}" + (f"（请问：{c.ask}）" if c.ask else "") for c in e.conditions]


def markdown(result: MatchResult, profile: ProjectProfile) -> str:
    s = result.summary
    lines = [f"# 项目政策匹配报告：{profile.name or '未命名项目'}", ""]
    lines.append(f"- 落地地区：{profile.region}；判断日期：{s.as_of}；知识库快照：{s.index_snapshot}")
    def show(v):
        return fmt(v) if isinstance(v, float) else "、".join(v) if isinstance(v, list) else v

    facts = [f"{LABELS[k]} {show(v)}" for k, v in profile.model_dump().items()
             if v not in (None, [], "") and k not in ("name", "region", "description")]
    if facts:
        lines.append("- 项目信息：" + "；".join(facts))
    lines.append(f"- 结论：可享受 {s.eligible} 项，不符合 {s.ineligible} 项，待补充信息 {s.unknown} 项；"
                 f"可确定金额合计约 {fmt(s.estimated_total_wan)} 万元{('（' + s.estimated_total_note + '）') if s.estimated_total_note else ''}")
    lo, hi = s.estimated_range_wan
    if hi != lo:
        lines.append(f"- 含比例区间的估算范围：{fmt(lo)}—{fmt(hi)} 万元")
    if s.red_flag_total_wan:
        lines.append(f"- ⚠ 另有 {fmt(s.red_flag_total_wan)} 万元来自存在公平竞争审查风险的条款，未计入合计，兑现前须经公平竞争审查")
    if s.pending:
        lines.append(f"- 另有 {s.pending} 条待审核规则（导入时自动提取，尚未人工审核，仅供参考，不计入合计），见文末")
    for p in s.inactive_policies:
        when = p.expires or p.repealed or ""
        lines.append(f"- ⚠ 《{p.title}》在判断日期已不在有效期内（{when}），其条款均列为不符合；请确认是否有接续政策")
    if s.skipped_rule_files:
        lines.append(f"- 说明：{len(s.skipped_rule_files)} 个规则文件对应的政策未导入本知识库，未参与匹配")
    if s.hard_stop:
        lines.append("- ⛔ **可能触及市场准入负面清单禁止准入事项，须先核实，暂不宜推进。**")
    lines.append("")
    flags = result.flags
    if flags:
        lines += ["## 风险提示与准入审查", ""]
        for f in flags:
            where = f"（依据：{f.rule}；条款 `{f.clause_id}`）" if f.clause_id else f"（依据：{f.rule}）"
            sev = f"【{f.severity}】" if f.severity else ""
            lines.append(f"- **{FLAG_KIND.get(f.kind, f.kind)}**{sev} {f.issue}{where}")
        lines.append("")
    for key, title, items in (("eligible", "可享受的政策", result.eligible), ("unknown", "需补充信息后判断", result.unknown),
                              ("ineligible", "不符合的政策", result.ineligible)):
        if not items:
            continue
        lines += [f"## {title}", ""]
        for e in items:
            counted = "" if e.counted or e.status != "eligible" else "（同组就高，不重复计算）"
            risk = "（⚠ 公平竞争风险条款，未计入合计）" if e.red_flag and key == "eligible" else ""
            lines.append(f"### {e.title}" + ("" if key == "ineligible" else f"：{_amount(e)}{counted}{risk}"))
            lines.append(f"《{e.policy_title}》{e.article}（`{e.clause_id}`）")
            lines.append(f"- 支持内容：{e.benefit}")
            if e.calculation:
                lines.append(f"- 测算：{e.calculation}")
            lines += _conditions(e) if key != "ineligible" else [f"  - {STATUS['not_met']} {c.label}：{c.reason}" for c in e.failed]
            for n in e.notes:
                lines.append(f"- 说明：{n}")
            if e.status == "unknown" and e.missing:
                lines.append("- 请补充：" + "；".join(e.missing))
            lines.append("")
    if result.pending:
        lines += ["## 待审核规则（自动提取，未经人工审核，仅供参考）", ""]
        state = {"eligible": "初判可享受", "unknown": "需补充信息", "ineligible": "初判不符合"}
        for e in result.pending:
            lines.append(f"### {e.title}（{state[e.status]}）：{_amount(e) if e.status != 'ineligible' else '—'}")
            lines.append(f"《{e.policy_title}》{e.article}（`{e.clause_id}`；候选规则 `{e.rule_id}`）")
            if e.quotes:
                lines.append("- 原文：" + "；".join(f"“{q}”" for q in e.quotes))
            if e.calculation:
                lines.append(f"- 测算：{e.calculation}")
            lines += _conditions(e)
            if e.status == "unknown" and e.missing:
                lines.append("- 请补充：" + "；".join(e.missing))
            lines.append("")
    lines.append("> 本报告由规则逐条计算生成，金额为估算，以主管部门审核为准；条款原文见知识库对应编号。")
    return "\n".join(lines) + "\n"
