"""Matching a profile against the rule files of its region: the library entry point used by CLI and app."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..documents.model import DocMeta
from ..errors import AssistantError
from . import screen
from .matcher import Match, apply_stacking, evaluate, fmt
from .profile import ProjectProfile
from .rules import RuleFile, load_rule_file, validate

DEFAULT_RULE_DIRS = (Path("corpus/rules"), Path("eval/rules"))


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


def _region_match(asked: str, region: str | None) -> bool:
    if not region:
        return False
    asked = asked.replace("地区", "")
    return asked in region or region.replace("地区", "") in asked or any(
        part and part in region for part in _split_region(asked))


def _split_region(region: str) -> list[str]:
    import re

    return [p for p in re.findall(r"[\u4e00-\u9fa5]{2,8}?(?:省|市|县|区|新区|开发区|示范区)|临港", region) if p]


def match(profile: ProjectProfile, index, rule_dirs=DEFAULT_RULE_DIRS, as_of: date | None = None, retriever=None) -> dict:
    as_of = as_of or profile.planned_start or date.today()
    store = index.store
    rows = {r["doc_id"]: r for r in store.doc_rows(effective=True)}
    files = {d: r["file"] for d, r in rows.items()}
    skipped: list[str] = []
    rule_files = load_rules(rule_dirs, store, skipped)
    regions = sorted({rf.region for rf in rule_files if rf.region})
    chosen = [rf for rf in rule_files if _region_match(profile.region, rf.region)]
    if not chosen:
        raise AssistantError(f"知识库中没有“{profile.region}”的激励政策规则；已覆盖的地区：{'、'.join(regions) or '（无）'}")
    matches: list[Match] = []
    for rf in chosen:
        meta = DocMeta(**rows[rf.policy]["meta"]) if rf.policy in rows else None
        matches.extend(evaluate(rule, rf, profile, meta, as_of) for rule in rf.rules)
    apply_stacking(matches)

    def entry(m: Match) -> dict:
        clause = store.clause(m.rule.clause_id)
        d = {
            "rule_id": m.rule.id, "clause_id": m.rule.clause_id, "file": files.get(m.policy.policy),
            "article": clause["article"] if clause else None, "title": m.rule.title,
            "policy_title": rows[m.policy.policy]["meta"]["title"] if m.policy.policy in rows else m.policy.policy,
            "benefit": m.rule.benefit.text or m.benefit_text,
            "calculation": m.benefit_text if m.benefit_text != m.rule.benefit.text else "",
            # an amount is only an estimate for what the project may get: none for rules it fails
            "amount_wan": None if m.amount_wan is None or m.status == "ineligible" else round(m.amount_wan, 4),
            "conditions": [c.to_dict() for c in m.conditions],
        }
        if m.amount_range_wan and m.status != "ineligible":
            d["amount_range_wan"] = [round(x, 4) for x in m.amount_range_wan]
        if m.notes:
            d["notes"] = m.notes
        if m.status == "eligible":
            d["counted"] = m.counted
        if m.status == "ineligible":
            d["failed"] = [c.to_dict() for c in m.conditions if c.status == "not_met"]
        if m.status == "unknown":
            d["missing"] = [c.ask or c.reason for c in m.conditions if c.status == "unknown"]
        return d

    out = {"eligible": [], "ineligible": [], "unknown": [], "flags": []}
    for m in matches:
        out[m.status].append(entry(m))
    flags = screen.negative_list(profile, store, files) + screen.foreign(profile, store, files, retriever)
    seen = set()
    for m in matches:
        if m.status == "ineligible":
            continue
        clause = store.clause(m.rule.clause_id)
        for rf in screen.red_flags(clause["text"] if clause else ""):
            key = (m.rule.clause_id, rf["citation"])
            if key in seen:
                continue
            seen.add(key)
            flags.append({"kind": "red_flag", "clause_id": m.rule.clause_id, "file": files.get(m.policy.policy),
                          "article": clause["article"], "issue": f"“{m.rule.title}”：{rf['issue']}", "rule": rf["citation"],
                          "rule_clause_ids": rf["rules"], "severity": rf["severity"]})
    out["flags"] = flags
    inactive = []
    for rf in chosen:
        if rf.policy in rows:
            meta = DocMeta(**rows[rf.policy]["meta"])
            if meta.status(as_of) != "in_force":
                inactive.append({"policy": rf.policy, "title": meta.title, "status": meta.status(as_of),
                                 "expires": meta.expires, "repealed": meta.repealed})
    counted = [e["amount_wan"] for e in out["eligible"] if e.get("counted", True) and e["amount_wan"] is not None]
    out["summary"] = {
        "region": profile.region, "as_of": as_of.isoformat(), "policies": [rf.policy for rf in chosen],
        "eligible": len(out["eligible"]), "ineligible": len(out["ineligible"]), "unknown": len(out["unknown"]),
        "estimated_total_wan": round(sum(counted), 4),
        "estimated_total_note": "仅合计可确定金额的资金类支持；比例区间、待定金额未计入" if counted else "",
        "hard_stop": any(f["kind"] == "prohibited" for f in flags), "index_snapshot": store.snapshot(),
        "inactive_policies": inactive, "skipped_rule_files": skipped,
    }
    return out


__all__ = ["match", "load_rules", "DEFAULT_RULE_DIRS", "fmt"]
