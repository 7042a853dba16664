"""`policy-assistant compare`: one project against competing regions' incentive rules, side by side."""

from __future__ import annotations

import json
from pathlib import Path

from ..config import DEFAULT_INDEX
from ..errors import AssistantError

FORMATS = (".md", ".docx", ".xlsx", ".json")


def register(sub) -> None:
    p = sub.add_parser("compare", help="竞合区域政策对标：同一项目在各地区可获支持、条件与合规风险")
    p.add_argument("profile", type=Path, nargs="?", metavar="PROFILE.(json|yaml)")
    p.add_argument("--regions", default=None, help="逗号分隔的地区，如 柳河县,临港地区（默认：有规则的全部地区）")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    p.add_argument("--rules", type=Path, nargs="+", default=None, help="规则目录（默认与 match 相同）")
    p.add_argument("--as-of", default=None, help="按该日期判断政策是否有效（默认：计划开工日期或今天）")
    p.add_argument("--chain", default=None, help="产业链政策清单，如 新能源汽车/动力电池/中游（默认取项目信息的产业链字段）")
    p.add_argument("--chain-list", type=Path, default=None, metavar="FILE.xlsx",
                   help="另存给投资方的产业链政策清单（只含现行有效、已审核、无公平竞争风险的政策）")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", type=Path, default=None, help="写入报告：.md、.docx（含图表）、.xlsx（每个视图一页）或 .json")
    p.add_argument("--list-regions", action="store_true", help="列出知识库与规则中的地区")
    p.set_defaults(func=cmd_compare)


def regions_arg(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [r.strip() for r in text.replace("，", ",").replace("、", ",").split(",") if r.strip()] or None


def cmd_compare(args) -> int:
    from ..compare import report_docx, report_md, report_xlsx
    from ..compare.chain import chain_view, spec_of
    from ..compare.service import compare, list_regions, load_profile
    from ..compare.views import to_dict
    from ..index import Index
    from ..match.service import DEFAULT_RULE_DIRS
    from ..retrieve import Filters, HybridRetriever

    if args.output and args.output.suffix.lower() not in FORMATS:
        raise AssistantError(f"-o {args.output}：不支持的报告格式（可选 {'、'.join(FORMATS)}）")
    dirs = args.rules or [d for d in DEFAULT_RULE_DIRS if Path(d).exists()]
    if args.list_regions:
        index = Index.open(args.index, create=False)
        rows = list_regions(index, dirs)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                what = f"{r['rules']} 条规则（{r['rule_files']} 个规则文件）" if r["rules"] else f"政策文件 {len(r['policies'])} 份"
                print(f"{r['region']}\t{r['status']}\t{what}")
        return 0
    if args.profile is None:
        raise AssistantError("缺少项目信息文件 PROFILE（或使用 --list-regions 列出地区）")
    profile = load_profile(args.profile)
    as_of = Filters.parse_date(args.as_of)
    index = Index.open(args.index, create=False)
    if not dirs:
        raise AssistantError("没有找到规则目录，请用 --rules 指定")
    regions = regions_arg(args.regions)
    retriever = HybridRetriever(index) if profile.value("is_foreign") else None
    comparison = compare(profile, index, dirs, regions=regions, as_of=as_of, retriever=retriever)
    spec = args.chain or spec_of(profile)
    chain = chain_view(spec, index, dirs, regions=regions, as_of=as_of) if spec else None
    if args.chain_list:
        if chain is None:
            raise AssistantError("--chain-list 需要产业链：请用 --chain 指定，或在项目信息中填写 chain/industry/chain_link")
        n = report_xlsx.investor_list(chain, comparison.as_of, args.chain_list)
        print(f"已写入 {args.chain_list}（{n} 项政策）")
    suffix = args.output.suffix.lower() if args.output else ""
    if suffix == ".docx":
        report_docx.docx(comparison, args.output, chain)
    elif suffix == ".xlsx":
        report_xlsx.workbook(comparison, args.output, chain)
    else:
        text = (json.dumps(to_dict(comparison, chain), ensure_ascii=False, indent=1) if args.json or suffix == ".json"
                else report_md.markdown(comparison, chain))
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            print(text)
            return 0
    print(f"已写入 {args.output}")
    return 0


__all__ = ["register"]
