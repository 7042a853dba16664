"""`policy-assistant rules extract|check`: propose incentive rules for review; validate rule files."""

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
    e.add_argument("-o", "--output", type=Path, default=None, help="默认 corpus/rules/<doc_id>.proposed.yaml")
    e.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    e.set_defaults(func=cmd_extract)
    c = rs.add_parser("check", help="校验规则文件：条款存在、原文数字一致")
    c.add_argument("files", type=Path, nargs="+")
    c.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    c.set_defaults(func=cmd_check)


def cmd_extract(args) -> int:
    from ..index import Index
    from ..match.extract import propose_for_document

    index = Index.open(args.index, create=False)
    rows = {r["doc_id"]: r for r in index.store.doc_rows()}
    if args.doc_id not in rows:
        raise AssistantError(f"索引中没有文件 {args.doc_id}")
    proposals = propose_for_document(index.store, args.doc_id)
    out = args.output or Path("corpus/rules") / f"{args.doc_id}.proposed.yaml"
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
