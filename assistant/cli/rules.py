"""`policy-assistant rules extract|check|list|show|approve|reject`: candidate rules proposed at ingest, their review
(the same operations as the app's 规则审核 tab), and validation of rule files."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from ..config import DEFAULT_INDEX
from ..errors import AssistantError


def register(sub) -> None:
    p = sub.add_parser("rules", help="激励规则：从条款提取候选规则（待人工审核）/ 校验规则文件")
    rs = p.add_subparsers(dest="rules_command", parser_class=type(p))
    e = rs.add_parser("extract", help="从文件的条款中提取候选规则，写成待审核的 YAML")
    e.add_argument("doc_id", help="文件编号（docs 命令中的 doc_id）")
    e.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    e.add_argument("-o", "--output", type=Path, default=None, help="默认写到当前目录 <doc_id>.proposed.yaml")
    e.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    e.set_defaults(func=cmd_extract)
    c = rs.add_parser("check", help="校验规则文件：条款存在、原文数字一致")
    c.add_argument("files", type=Path, nargs="+")
    c.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    c.set_defaults(func=cmd_check)
    ls = rs.add_parser("list", help="列出导入时提取的候选规则（默认只列待审核）")
    ls.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    ls.add_argument("--status", choices=["pending", "approved", "rejected", "all"], default="pending")
    ls.add_argument("--policy", default=None, help="只列该文件编号的候选规则")
    ls.set_defaults(func=cmd_list)
    sh = rs.add_parser("show", help="显示一条候选规则：条款原文、原文引用、条件与金额（YAML）")
    sh.add_argument("rule_id")
    sh.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    sh.set_defaults(func=cmd_show)
    ap = rs.add_parser("approve", help="审核通过：写入已审核规则目录（记录审核人与时间，并写审计日志）")
    ap.add_argument("rule_id")
    ap.add_argument("--reviewer", required=True, help="审核人")
    ap.add_argument("--edited", type=Path, default=None, help="修改后的规则（YAML，一条规则）；不给则按候选原样通过")
    ap.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    ap.add_argument("--rules-dir", type=Path, default=None, help="已审核规则目录（默认 $POLICY_ASSISTANT_RULES_DIR 或 <索引>/rules）")
    ap.add_argument("--audit", type=Path, default=None, help="审计日志（默认与应用相同：indexes/audit.sqlite）")
    ap.set_defaults(func=cmd_approve)
    rj = rs.add_parser("reject", help="驳回候选规则（记录审核人、时间与理由）")
    rj.add_argument("rule_id")
    rj.add_argument("--reviewer", required=True)
    rj.add_argument("--reason", default="")
    rj.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    rj.add_argument("--audit", type=Path, default=None)
    rj.set_defaults(func=cmd_reject)


def cmd_extract(args) -> int:
    from ..index import Index
    from ..match.extract import propose_for_document

    index = Index.open(args.index, create=False)
    rows = {r["doc_id"]: r for r in index.store.doc_rows()}
    if args.doc_id not in rows:
        raise AssistantError(f"索引中没有文件 {args.doc_id}")
    proposals = propose_for_document(index.store, args.doc_id)
    out = args.output or Path(f"{args.doc_id}.proposed.yaml")
    if out.exists() and not args.force:
        raise AssistantError(f"{out} 已存在；审核过的规则不会被覆盖（如确需覆盖请加 --force）")
    meta = rows[args.doc_id]["meta"]
    data = {"policy": args.doc_id, "region": meta.get("region") or "", "stacking": "就高不重复",
            "rules": [p.to_rule(i, args.doc_id[:24]) for i, p in enumerate(proposals, 1)]}
    header = (f"# 候选规则（自动提取，review: pending）：《{meta['title']}》\n"
              "# 请逐条核对条件、金额与适用范围，补充行业等条件，删除非激励条款后再改名为 <doc_id>.yaml 使用。\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    tmp.replace(out)
    print(f"已写入 {out}：{len(proposals)} 条候选规则", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from ..index import Index
    from ..match.rules import load_rule_file, validate

    store = Index.open(args.index, create=False).store
    bad = 0
    for f in args.files:
        try:
            rf = load_rule_file(f)
        except AssistantError as exc:
            print(f"[失败] {exc}")
            bad += 1
            continue
        problems = validate(rf, store)
        if problems:
            bad += 1
            print(f"[失败] {f}：")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"[通过] {f}：{len(rf.rules)} 条规则")
    return 1 if bad else 0


def _audit(args):
    from ..app.audit import AuditLog
    from .app import DEFAULT_AUDIT

    path = args.audit or DEFAULT_AUDIT  # the app's audit log by default, so CLI and app decisions share one trail
    path.parent.mkdir(parents=True, exist_ok=True)
    return AuditLog(path)


def cmd_list(args) -> int:
    from ..match.candidates import list_candidates

    items = [c for c in list_candidates(args.index, args.status) if args.policy in (None, c["policy"])]
    for c in items:
        b = c["benefit"]
        print(f"{c['id']}\t{c['status']}\t{c['clause_id']}\t{c['title']}\t{b.get('kind')}\t"
              + "；".join(b.get("quote") or []))
    print(f"共 {len(items)} 条", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    from ..index import Index
    from ..match.candidates import get_candidate

    cand = get_candidate(args.index, args.rule_id)
    clause = Index.open(args.index, create=False).store.clause(cand["clause_id"])
    print(f"# {cand['id']}（{cand['status']}）《{cand['policy_title']}》{cand['clause_id']}")
    if clause:
        print("# 条款原文：" + clause.text)
    rule = {k: cand[k] for k in ("id", "clause_id", "title", "conditions", "benefit")}
    print(yaml.safe_dump(rule, allow_unicode=True, sort_keys=False, width=120))
    return 0


def cmd_approve(args) -> int:
    from ..index import Index
    from ..match.candidates import approve

    edited = None
    if args.edited:
        try:
            edited = yaml.safe_load(args.edited.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise AssistantError(f"{args.edited}：无法读取修改后的规则（{exc}）") from exc
        if not isinstance(edited, dict):
            raise AssistantError(f"{args.edited}：应为一条规则（YAML 映射）")
    index = Index.open(args.index, create=False)
    path = approve(index, args.rule_id, args.reviewer, edited, rules_dir=args.rules_dir, audit=_audit(args), role="审查人员")
    print(f"已通过：{args.rule_id} → {path}", file=sys.stderr)
    return 0


def cmd_reject(args) -> int:
    from ..index import Index
    from ..match.candidates import reject

    reject(Index.open(args.index, create=False), args.rule_id, args.reviewer, args.reason, audit=_audit(args))
    print(f"已驳回：{args.rule_id}", file=sys.stderr)
    return 0
