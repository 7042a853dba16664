"""Candidate rules proposed at ingest, kept next to the index until a person approves or rejects them.

Layout (both outside the repo, beside the index the clause ids belong to):

    <index>/rule_candidates/<doc_id>.yaml   proposals (review: pending) + who rejected/approved which
    <index>/rules/<doc_id>.yaml             reviewed rules, each with reviewer and reviewed_at

The reviewed-rules folder can be moved with $POLICY_ASSISTANT_RULES_DIR (or `--rules-dir`). `match` reads it
together with the shipped rule folders; candidates are shown apart as 「待审核规则」 and never counted.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from pathlib import Path

import yaml

from ..errors import AssistantError
from .extract import VERSION as EXTRACTOR
from .extract import propose_for_document
from .rules import RuleFile, load_rule_file, validate

POLICY_KINDS = {None, "", "local_policy", "notice"}  # laws, catalogues and negative lists grant nothing to match
SIDE = "rule_candidates"


def candidates_dir(index_root: str | Path) -> Path:
    return Path(index_root) / SIDE


def reviewed_dir(index_root: str | Path, override: str | Path | None = None) -> Path:
    """Where approved rules are written: --rules-dir, else $POLICY_ASSISTANT_RULES_DIR, else <index>/rules."""
    chosen = override or os.environ.get("POLICY_ASSISTANT_RULES_DIR")
    return Path(chosen) if chosen else Path(index_root) / "rules"


def _dump(path: Path, data: dict, header: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    tmp.replace(path)


def _read(path: Path) -> dict:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AssistantError(f"{path}：候选规则文件无法读取（{exc}）") from exc


def _rule_id(doc_id: str, rule: dict) -> str:
    key = json.dumps([rule["clause_id"], rule.get("source"), rule["conditions"], rule["benefit"]], ensure_ascii=False, sort_keys=True)
    return f"{doc_id[:28]}-c{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"


def refresh(index) -> int:
    """Propose rules for every policy document whose text changed since its candidates were written; drop the
    candidates of removed documents. Returns the number of documents (re)proposed. Decisions already taken
    (approved/rejected ids) are kept."""
    store = index.store
    folder = candidates_dir(index.root)
    rows = {r["doc_id"]: r for r in store.doc_rows()}
    done = 0
    for doc_id, row in rows.items():
        if (row["meta"].get("kind") or None) not in POLICY_KINDS:
            continue
        path = folder / f"{doc_id}.yaml"
        old = _read(path) if path.exists() else {}
        if old.get("sha256") == row["sha256"] and old.get("extractor") == EXTRACTOR:
            continue
        rules = []
        for p in propose_for_document(store, doc_id):
            r = p.to_rule(0, doc_id)
            r["id"] = _rule_id(doc_id, r)
            if r["id"] not in {x["id"] for x in rules}:
                rules.append(r)
        if not rules and not path.exists():
            continue
        data = {"policy": doc_id, "region": row["meta"].get("region") or "", "title": row["meta"].get("title") or doc_id,
                "sha256": row["sha256"], "extractor": EXTRACTOR, "proposed_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "rules": rules,
                "decisions": old.get("decisions") or {}}
        _dump(path, data, f"# 候选规则（导入时自动提取，未经审核，不计入匹配结果）：《{data['title']}》\n")
        done += 1
    if folder.exists():
        for path in folder.glob("*.yaml"):
            if path.stem not in rows:
                path.unlink()
    return done


def _files(index_root) -> list[tuple[Path, dict]]:
    folder = candidates_dir(index_root)
    return [(p, _read(p)) for p in sorted(folder.glob("*.yaml"))] if folder.exists() else []


def list_candidates(index_root, status: str = "pending") -> list[dict]:
    """Every candidate with its policy and decision: status pending / approved / rejected / all."""
    out = []
    for _, data in _files(index_root):
        for r in data.get("rules") or []:
            decision = (data.get("decisions") or {}).get(r["id"])
            state = decision["decision"] if decision else "pending"
            if status in ("all", state):
                out.append({**r, "policy": data["policy"], "region": data.get("region", ""), "policy_title": data.get("title", ""),
                            "status": state, "decision": decision})
    return out


def get_candidate(index_root, rule_id: str) -> dict:
    for c in list_candidates(index_root, "all"):
        if c["id"] == rule_id:
            return c
    raise AssistantError(f"没有编号为 {rule_id} 的候选规则（可用 rules list 查看）")


_PENDING: dict[tuple, list[RuleFile]] = {}  # (folder state, snapshot, covered clauses) → validated rule files
PENDING_CACHE = 32  # index states remembered (a few bases × their recent snapshots); a memory bound, not tuned


def pending_rule_files(index_root, store, reviewed: list[RuleFile]) -> list[RuleFile]:
    """Pending candidates as rule files (pending=True), minus clauses a reviewed rule already covers. A candidate
    whose quotes no longer fit its clause is left out (it is re-proposed at the next ingest). Parsed and validated
    once per state of the candidate folder and index (a comparison calls this once per region)."""
    covered = frozenset(r.clause_id for rf in reviewed for r in rf.rules)
    folder = candidates_dir(index_root)
    files = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml"))) if folder.exists() else ()
    key = (str(Path(index_root).resolve()), files, store.snapshot(), covered)
    if key not in _PENDING:
        if len(_PENDING) > PENDING_CACHE:
            _PENDING.clear()
        _PENDING[key] = _pending(index_root, store, covered)
    return list(_PENDING[key])


def _pending(index_root, store, covered: frozenset) -> list[RuleFile]:
    out = []
    for path, data in _files(index_root):
        decided = data.get("decisions") or {}
        rules = [r for r in data.get("rules") or [] if r["id"] not in decided and r["clause_id"] not in covered]
        if not rules:
            continue
        raw = {"policy": data["policy"], "region": data.get("region", ""), "rules": rules}
        rf = _as_rule_file(raw, path)
        if rf is not None:
            good = [r for r in rf.rules if not [p for p in validate(_one(rf, r), store) if "尚未人工审核" not in p]]
            out.append(RuleFile(rf.path, rf.policy, rf.region, tuple(good), rf.stacking))
    return out


def _one(rf: RuleFile, rule) -> RuleFile:
    return RuleFile(rf.path, rf.policy, rf.region, (rule,), rf.stacking)


def _as_rule_file(raw: dict, where: Path) -> RuleFile | None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / where.name
        p.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            rf = load_rule_file(p)
        except AssistantError:
            return None
    return RuleFile(str(where), rf.policy, rf.region, rf.rules, rf.stacking)


def _decide(index_root, rule_id: str, decision: dict) -> None:
    for path, data in _files(index_root):
        if any(r["id"] == rule_id for r in data.get("rules") or []):
            data.setdefault("decisions", {})[rule_id] = decision
            _dump(path, data, f"# 候选规则（导入时自动提取，未经审核，不计入匹配结果）：《{data.get('title', '')}》\n")
            return
    raise AssistantError(f"没有编号为 {rule_id} 的候选规则")


def approve(index, rule_id: str, reviewer: str, edited: dict | None = None, rules_dir: str | Path | None = None,
            audit=None, role: str = "审查人员") -> Path:
    """Write the candidate (or the reviewer's edited version of it) as a reviewed rule; it must pass the validator
    against the clause text. Records the decision beside the candidate and, given an AuditLog, an audit row."""
    if not reviewer or not reviewer.strip():
        raise AssistantError("审核人不能为空")
    cand = get_candidate(index.root, rule_id)
    if cand["status"] != "pending":
        raise AssistantError(f"候选规则 {rule_id} 已{ {'approved': '通过', 'rejected': '驳回'}[cand['status']] }，不能重复审核")
    rule = copy.deepcopy(edited) if edited else {k: cand[k] for k in ("id", "clause_id", "title", "conditions", "benefit") if k in cand}
    for k in ("review", "source", "status", "decision", "policy", "region", "policy_title"):
        rule.pop(k, None)
    rule["id"] = str(rule.get("id") or rule_id)
    rule["clause_id"] = cand["clause_id"]
    rule["reviewer"] = reviewer.strip()
    rule["reviewed_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    folder = reviewed_dir(index.root, rules_dir)
    path = folder / f"{cand['policy']}.yaml"
    data = _read(path) if path.exists() else {"policy": cand["policy"], "region": cand["region"], "stacking": "就高不重复", "rules": []}
    data["rules"] = [r for r in data.get("rules") or [] if r.get("id") != rule["id"]] + [rule]
    rf = _as_rule_file(data, path)
    if rf is None:
        raise AssistantError(f"规则 {rule['id']} 格式有误：请检查条件字段、比较符与金额（{_load_error(data, path)}）")
    problems = validate(RuleFile(rf.path, rf.policy, rf.region, tuple(r for r in rf.rules if r.id == rule["id"]), rf.stacking), index.store)
    if problems:
        raise AssistantError("规则未通过校验：\n" + "\n".join(f"  - {p}" for p in problems))
    _dump(path, data, "# 已审核的激励规则（规则审核写入；每条含审核人与时间）\n")
    _decide(index.root, rule_id, {"decision": "approved", "reviewer": rule["reviewer"], "at": rule["reviewed_at"],
                                  "file": str(path), "rule_id": rule["id"]})
    if audit is not None:
        audit.record(rule["reviewer"], role, "rules:approve", question=rule_id, clause_ids=[rule["clause_id"]],
                     index_snapshot=index.store.snapshot(), answer=json.dumps(rule, ensure_ascii=False, sort_keys=True),
                     detail=f"{rule['id']} → {path}")
    return path


def _load_error(data: dict, path: Path) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / path.name
        p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            load_rule_file(p)
        except AssistantError as exc:
            return str(exc).split("：", 1)[-1]
    return ""


def reject(index, rule_id: str, reviewer: str, reason: str = "", audit=None, role: str = "审查人员") -> None:
    if not reviewer or not reviewer.strip():
        raise AssistantError("审核人不能为空")
    cand = get_candidate(index.root, rule_id)
    if cand["status"] != "pending":
        raise AssistantError(f"候选规则 {rule_id} 已审核（{cand['status']}），不能重复审核")
    at = time.strftime("%Y-%m-%dT%H:%M:%S")
    _decide(index.root, rule_id, {"decision": "rejected", "reviewer": reviewer.strip(), "at": at, "reason": reason})
    if audit is not None:
        audit.record(reviewer.strip(), role, "rules:reject", question=rule_id, clause_ids=[cand["clause_id"]],
                     index_snapshot=index.store.snapshot(), detail=reason)
