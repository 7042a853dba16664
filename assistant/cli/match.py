"""`policy-assistant match`: project profile → eligible incentives, screening and red flags."""

from __future__ import annotations

import json
from pathlib import Path

from ..config import DEFAULT_INDEX


def register(sub) -> None:
    p = sub.add_parser("match", help="项目政策匹配：可享受的激励、准入筛查与风险提示")
    p.add_argument("profile", type=Path, metavar="PROFILE.(json|yaml)")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    p.add_argument("--rules", type=Path, nargs="+", default=None,
                   help="规则目录（默认：随软件安装的已审核规则；另加索引旁的已审核规则 <索引>/rules）")
    p.add_argument("--no-candidates", action="store_true", help="不列出导入时提取、尚未审核的候选规则")
    p.add_argument("--as-of", default=None, help="按该日期判断政策是否有效（默认：计划开工日期或今天）")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", type=Path, default=None, help="把报告写入文件（.md 或 .json）")
    p.set_defaults(func=cmd_match)


def cmd_match(args) -> int:
    from ..index import Index
    from ..match.profile import load_profile
    from ..match.report import markdown
    from ..match.service import DEFAULT_RULE_DIRS, match
    from ..retrieve import Filters, HybridRetriever

    profile = load_profile(args.profile)
    as_of = Filters.parse_date(args.as_of)
    index = Index.open(args.index, create=False)
    # no shipped rule folder here is fine: the index's reviewed rules and its candidates still match
    dirs = args.rules or [d for d in DEFAULT_RULE_DIRS if d.exists()]
    retriever = HybridRetriever(index) if profile.value("is_foreign") else None
    result = match(profile, index, dirs, as_of=as_of, retriever=retriever, candidates=not args.no_candidates)
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if args.json or (args.output and args.output.suffix == ".json") else markdown(result, profile)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


__all__ = ["register"]
