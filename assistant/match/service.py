"""Matching a profile against the rule files of its region: the library entry point used by CLI and app."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..documents.model import DocMeta
from ..errors import AssistantError
from ..vocab.regions import region_units
from . import screen
from .matcher import Match, apply_stacking, evaluate, fmt
from .profile import ProjectProfile
from .result import Flag, InactivePolicy, MatchResult, MatchSummary, RuleMatch
from .rules import RuleFile, load_rule_file, validate

PACKAGED_RULES = Path(__file__).resolve().parent / "rules"  # reviewed rules shipped with the package
DEFAULT_RULE_DIRS = (PACKAGED_RULES,)


def load_rules(dirs, store, skipped: list[str] | None = None) -> list[RuleFile]:
    """Load and validate every rule file whose policy document is in the index (others are skipped, with a note);
    any invalid file stops the match with all its problems listed."""
    files: list[RuleFile] = []
    problems: list[str] = []
    indexed = set(store.doc_hashes())
    for d in dirs:
        d = Path(d)
        if not d.exists():
            raise AssistantError(f"规则目录不存在：{d}")
        for path in sorted(p for p in d.glob("*.yaml") if not p.name.endswith(".proposed.yaml")) if d.is_dir() else [d]:
            rf = load_rule_file(path)
            if rf.policy not in indexed:
                if skipped is not None:
                    skipped.append(f"{path}：对应文件 {rf.policy} 未导入知识库，已跳过")
                continue
            problems.extend(validate(rf, store))
            files.append(rf)
    if problems:
        raise AssistantError("规则文件校验未通过：\n" + "\n".join(f"  - {p}" for p in problems))
    return files


# 「地区」 is dropped from a name longer than this (「大兴安岭地区」 → 「大兴安岭」, but 「地区」 alone stays); hand-set
STRIP_DIQU_ABOVE = 4
# a unit this short or shorter (「区」「市」 fragments) never matches by containment: only whole 2-character names match
MIN_CONTAINED_UNIT = 2


def _region_match(asked: str, region: str | None) -> bool:
    """'兴安盟' / '内蒙古兴安盟' / '内蒙古自治区兴安盟' name the same place: compare the most specific unit asked for."""
    if not region:
        return False
    asked = asked.replace("地区", "") if asked.endswith("地区") and len(asked) > STRIP_DIQU_ABOVE else asked
    if asked in region or region.replace("地区", "") in asked:
        return True
    units = region_units(region)
    mine = region_units(asked)
    return bool(mine) and (mine[-1] in units or any(mine[-1] in u or u in mine[-1] for u in units if len(u) > MIN_CONTAINED_UNIT))


def rule_dirs_for(index, rule_dirs=DEFAULT_RULE_DIRS) -> list[Path]:
    """The given rule folders plus the index's reviewed-rules folder (approvals from 规则审核), when it exists."""
    from .candidates import reviewed_dir

    dirs = [Path(d) for d in rule_dirs]
    approved = reviewed_dir(index.root)
    if approved.is_dir() and approved.resolve() not in {d.resolve() for d in dirs if d.exists()}:
        dirs.append(approved)
    return dirs


def match(profile: ProjectProfile, index, rule_dirs=DEFAULT_RULE_DIRS, as_of: date | None = None, retriever=None,
          candidates: bool = True) -> MatchResult:
    """Reviewed rules decide `eligible` / `ineligible` / `unknown`; with `candidates`, rules proposed at ingest and
    not yet reviewed are evaluated the same way but listed apart under `pending` (「待审核规则」), never counted."""
    from .candidates import pending_rule_files

    as_of = as_of or profile.planned_start or date.today()
    store = index.store
    rows = {r["doc_id"]: r for r in store.doc_rows(effective=True)}
    files = {d: r["file"] for d, r in rows.items()}
    skipped: list[str] = []
    rule_files = load_rules(rule_dirs_for(index, rule_dirs), store, skipped)
    pending_files = pending_rule_files(index.root, store, rule_files) if candidates else []
    regions = sorted({rf.region for rf in rule_files + pending_files if rf.region})
    chosen = [rf for rf in rule_files if _region_match(profile.region, rf.region)]
    chosen_pending = [rf for rf in pending_files if _region_match(profile.region, rf.region) and rf.rules]
    if not chosen and not chosen_pending:
        raise AssistantError(f"知识库中没有“{profile.region}”的激励政策规则；已覆盖的地区：{'、'.join(regions) or '（无）'}")
    matches: list[Match] = []
    for rf in chosen:
        meta = DocMeta(**rows[rf.policy]["meta"]) if rf.policy in rows else None
        matches.extend(evaluate(rule, rf, profile, meta, as_of) for rule in rf.rules)
    matches = apply_stacking(matches)
    pending: list[Match] = []
    for rf in chosen_pending:
        meta = DocMeta(**rows[rf.policy]["meta"]) if rf.policy in rows else None
        pending.extend(evaluate(rule, rf, profile, meta, as_of) for rule in rf.rules)

    def entry(m: Match, pending: bool = False) -> RuleMatch:
        clause = store.clause(m.rule.clause_id)
        counts = m.status != "ineligible"  # an amount is only an estimate for what the project may get: none for rules it fails
        return RuleMatch(
            rule_id=m.rule.id, clause_id=m.rule.clause_id, file=files.get(m.policy.policy),
            article=clause.article if clause else None, title=m.rule.title,
            policy_title=rows[m.policy.policy]["meta"]["title"] if m.policy.policy in rows else m.policy.policy,
            benefit=m.rule.benefit.text or m.benefit_text,
            calculation=m.benefit_text if m.benefit_text != m.rule.benefit.text else "",
            amount_wan=round(m.amount_wan, 4) if m.amount_wan is not None and counts else None,
            conditions=m.conditions, status=m.status,
            amount_range_wan=tuple(round(x, 4) for x in m.amount_range_wan) if m.amount_range_wan and counts else None,
            amount_cap_wan=m.cap_wan,
            quotes=tuple(c.quote for c in m.rule.conditions if c.quote) + tuple(m.rule.benefit.quotes),
            reviewer=m.rule.reviewer or None, reviewed_at=m.rule.reviewed_at if m.rule.reviewer else None,
            notes=m.notes, counted=m.counted, pending=pending,
            red_flag=m.rule.clause_id in flagged and (pending or m.status != "ineligible"),
        )

    flags = screen.negative_list(profile, store, files) + screen.foreign(profile, store, files, retriever)
    seen = set()
    for m in matches + pending:
        if m.status == "ineligible":
            continue
        clause = store.clause(m.rule.clause_id)
        for rf in screen.red_flags(clause.text if clause else ""):
            key = (m.rule.clause_id, rf["citation"])
            if key in seen:
                continue
            seen.add(key)
            flags.append(Flag(kind="red_flag", clause_id=m.rule.clause_id, file=files.get(m.policy.policy),
                              article=clause.article if clause else None, issue=f"“{m.rule.title}”：{rf['issue']}",
                              rule=rf["citation"], rule_clause_ids=tuple(rf["rules"]), severity=rf["severity"],
                              pending=bool(m.rule.pending)))
    flagged = {f.clause_id for f in flags if f.kind == "red_flag"}  # marks every entry on the clause but ineligible ones
    by_status: dict[str, list[RuleMatch]] = {"eligible": [], "ineligible": [], "unknown": []}
    for m in matches:
        by_status[m.status].append(entry(m))
    pending_entries = [entry(m, pending=True) for m in pending]
    inactive = []
    for rf in {rf.policy: rf for rf in chosen + chosen_pending}.values():
        if rf.policy in rows:
            meta = DocMeta(**rows[rf.policy]["meta"])
            if meta.status(as_of) != "in_force":
                inactive.append(InactivePolicy(rf.policy, meta.title, meta.status(as_of), meta.expires, meta.repealed,
                                               meta.effective or meta.published))
    eligible = by_status["eligible"]
    sure = [e for e in eligible if e.counted and e.amount_wan is not None]
    counted = [e.amount_wan for e in sure if not e.red_flag]
    risky = [e.amount_wan for e in sure if e.red_flag]
    ranges = [e.amount_range_wan for e in eligible if e.counted and e.amount_range_wan and not e.red_flag]
    summary = MatchSummary(
        region=profile.region, as_of=as_of.isoformat(), policies=tuple(sorted({rf.policy for rf in chosen + chosen_pending})),
        reviewed_policies=tuple(sorted({rf.policy for rf in chosen})),
        pending_policies=tuple(sorted({rf.policy for rf in chosen_pending})),
        eligible=len(eligible), ineligible=len(by_status["ineligible"]), unknown=len(by_status["unknown"]),
        estimated_total_wan=round(sum(counted), 4),
        estimated_total_note=("仅合计可确定金额的资金类支持；比例区间、待定金额及存在公平竞争风险的条款未计入"
                              if counted or risky else ""),
        estimated_range_wan=(round(sum(counted) + sum(r[0] for r in ranges), 4), round(sum(counted) + sum(r[1] for r in ranges), 4)),
        red_flag_total_wan=round(sum(risky), 4),
        pending=len(pending_entries), pending_eligible=sum(1 for e in pending_entries if e.status == "eligible"),
        hard_stop=any(f.kind == "prohibited" for f in flags), index_snapshot=store.snapshot(),
        inactive_policies=tuple(inactive), skipped_rule_files=tuple(skipped),
    )
    return MatchResult(eligible=tuple(eligible), ineligible=tuple(by_status["ineligible"]), unknown=tuple(by_status["unknown"]),
                       flags=tuple(flags), pending=tuple(pending_entries), summary=summary)


__all__ = ["match", "load_rules", "rule_dirs_for", "DEFAULT_RULE_DIRS", "fmt"]
