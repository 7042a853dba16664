"""Run records: JSON + Markdown report, a line in the history, PNG trend plots, and the gate against a baseline."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

# Headline metrics (dotted paths into the report) and their direction; the gate and the plots use these.
HEADLINES = {
    "retrieval_qa.systems.ours.R@10": "higher",
    "retrieval_qa.systems.ours.MRR@10": "higher",
    "retrieval_qa.systems.ours.nDCG@10": "higher",
    "retrieval_stard.systems.ours+memory.R@10": "higher",
    "retrieval_stard.systems.ours.R@10": "higher",
    "answers.answered_rate": "higher",
    "answers.refusal_correct_rate": "higher",
    "answers.supported_rate": "higher",
    "answers.quote_verbatim_rate": "higher",
    "answers.mention_rate": "higher",
    "review.recall": "higher",
    "review.right_article_share": "higher",
    "review.false_flag_rate": "lower",
    "match.eligible_precision": "higher",
    "match.eligible_recall": "higher",
    "match.amount_exact_rate": "higher",
    # blind sets (eval/blind/): measured, never tuned on
    "blind_qa.retrieval.ours.R@5": "higher",
    "blind_qa.answers.answerable_all.cited_gold": "higher",
    "blind_qa.answers.unanswerable.refused": "higher",
    "blind_qa.answers.compliance.verdict_right": "higher",
    "blind_review.recall": "higher",
    "blind_review.false_flag_rate": "lower",
    "blind_review.right_article": "higher",
    "blind_concessions.red_line_article": "higher",
    "blind_concessions.routes_found": "higher",
}


def lookup(report: dict, dotted: str):
    node = report
    suite, _, rest = dotted.partition(".")
    node = node.get("suites", {}).get(suite)
    for part in rest.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, (int, float)) else None


def headline(report: dict) -> dict[str, float]:
    return {k: v for k in HEADLINES if (v := lookup(report, k)) is not None}


def git_commit(repo: Path) -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo, capture_output=True, text=True, timeout=10).stdout.strip()
        return (sha or "unknown") + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write(report: dict, out: Path, history: Path | None) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(report["started"]))
    kind = "quick" if report["settings"].get("quick") else "full"
    paths = {"json": out / f"eval-{kind}-{stamp}.json", "md": out / f"eval-{kind}-{stamp}.md"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(markdown(report), encoding="utf-8")
    (out / f"latest-{kind}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / f"latest-{kind}.md").write_text(markdown(report), encoding="utf-8")
    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
        line = {"date": report["date"], "commit": report["commit"], "quick": bool(report["settings"].get("quick")),
                "embedder": report["embedder"], "snapshot": report.get("index_snapshot"), "metrics": headline(report),
                "baselines": baseline_figures(report)}
        with history.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        paths.update(plot(history, out, kind))
    paths.update(plot_compare(report, out, kind))
    return paths


def baseline_figures(report: dict) -> dict[str, float]:
    out = {}
    for suite in ("retrieval_qa", "retrieval_stard"):
        for name, m in (report["suites"].get(suite) or {}).get("systems", {}).items():
            for key in ("R@10", "MRR@10", "nDCG@10"):
                if key in m:
                    out[f"{suite}.{name}.{key}"] = m[key]
    return out


def markdown(report: dict) -> str:
    s = report["suites"]
    lines = [f"# 评测报告 {report['date']}", "",
             f"- 提交：`{report['commit']}`　索引快照：`{report.get('index_snapshot')}`　嵌入模型：`{report['embedder']}`",
             f"- 设置：`{json.dumps(report['settings'], ensure_ascii=False)}`　耗时 {report['seconds']} s", ""]
    for suite in ("retrieval_qa", "retrieval_stard"):
        if suite not in s:
            continue
        r = s[suite]
        title = "政策问答集（自建）" if suite == "retrieval_qa" else "STARD 法条检索（dev）"
        lines += [f"## 检索：{title}", "", f"问题数 {r.get('questions') or r.get('queries')}", "",
                  "| 系统 | R@1 | R@5 | R@10 | R@100 | MRR@10 | nDCG@10 | ms/问 | R@10 相对 BM25 | R@10 相对朴素 LangChain |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        base = r["systems"].get("bm25", {}).get("R@10")
        naive = r["systems"].get("naive_langchain", {}).get("R@10")
        for name, m in r["systems"].items():
            ratio = lambda b, m=m: f"{m['R@10'] / b:.2f}×" if b else "—"  # noqa: E731
            lines.append(f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['R@100']:.3f} | {m['MRR@10']:.3f} | "
                         f"{m['nDCG@10']:.3f} | {m['ms_per_query']} | {ratio(base)} | {ratio(naive)} |")
        if "naive_langchain_per_chunk" in r["systems"]:
            lines.append("naive_langchain 按条款计（取前 k 条条款，与我们相同）；naive_langchain_per_chunk 按 500 字块计，"
                         "一块覆盖的所有条款都算命中（对基线有利）。")
        lines.append("")
    for suite in ("answers", "answers_llm"):
        if suite not in s:
            continue
        a = s[suite]
        lines += [f"## 问答（{a.get('answerer')}，{a['questions']} 问）", "", "| 指标 | 值 |", "|---|---|"]
        for key in ("answered_rate", "refusal_correct_rate", "supported_rate", "first_citation_gold_rate", "citation_precision",
                    "quote_verbatim_rate", "all_citations_valid_rate", "mention_rate", "llm_answers", "fallbacks",
                    "unsupported_removed_share", "latency_p50_s", "latency_p95_s"):
            lines.append(f"| {key} | {a.get(key)} |")
        if a.get("problems"):
            lines += ["", "问题：" + "；".join(a["problems"][:30])]
        lines.append("")
    if "review" in s:
        r = s["review"]
        lines += ["## 文稿审查", "", f"留出案例 {r['cases']}（政策文本 {r['policy_text_cases']}），合规条款 {r['compliant_clauses']}，规则库 {r['rulebase_version']}", "",
                  f"召回 {r['recall']}　误报率 {r['false_flag_rate']}　条款命中 {r['right_article_share']}", "",
                  "| 类别 | 案例 | 召回 | 条款正确 |", "|---|---|---|---|"]
        for cat, row in sorted(r["per_category"].items()):
            lines.append(f"| {cat} | {row['cases']} | {row['recall']} | {row['right_article']} |")
        lines.append("")
    if "match" in s:
        m = s["match"]
        lines += ["## 项目匹配", "", f"画像 {m['profiles']}：可享受精确率 {m['eligible_precision']}，召回 {m['eligible_recall']}，"
                  f"金额准确 {m['amount_exact_rate']}（{m['amounts']} 项）", ""]
        if m.get("problems"):
            lines += ["问题：" + "；".join(m["problems"]), ""]
    lines += blind_markdown(s)
    if "feedback" in s:
        from .feedback import markdown as feedback_markdown

        lines += feedback_markdown(s["feedback"])
    if report.get("gate"):
        g = report["gate"]
        lines += ["## 门禁", "", "通过" if g["passed"] else "**未通过**", ""]
        for f in g["failures"]:
            lines.append(f"- {f}")
    return "\n".join(lines) + "\n"


def gate(report: dict, baseline: dict) -> dict:
    """Each headline metric in the baseline may drop (or, for lower-is-better, rise) by at most its tolerance."""
    tol_default = float(baseline.get("tolerance", 0.03))
    tolerances = baseline.get("tolerances", {})
    current = headline(report)
    failures, skipped = [], []
    for key, base in baseline.get("metrics", {}).items():
        tol = float(tolerances.get(key, tol_default))
        value = current.get(key)
        if key.split(".")[0] not in report.get("suites", {}):
            skipped.append(key)  # that suite was not run this time
            continue
        if value is None:
            failures.append(f"{key}: 本次未测得（基线 {base}）")
            continue
        if HEADLINES.get(key, "higher") == "higher" and value < base - tol:
            failures.append(f"{key}: {value:.4f} 低于基线 {base:.4f} 超过容差 {tol}")
        if HEADLINES.get(key) == "lower" and value > base + tol:
            failures.append(f"{key}: {value:.4f} 高于基线 {base:.4f} 超过容差 {tol}")
    return {"passed": not failures, "failures": failures, "skipped": skipped, "baseline_commit": baseline.get("commit")}


def _pyplot():
    """matplotlib's pyplot on a file backend, or None without matplotlib (plots are optional)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        return None
    return plt


def plot(history: Path, out: Path, kind: str) -> dict[str, Path]:
    """Trend of each suite's headline metrics over the runs of this kind (quick or full) in the history."""
    plt = _pyplot()
    if plt is None:
        return {}
    runs = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines() if line.strip()]
    runs = [r for r in runs if r.get("quick") == (kind == "quick")][-50:]
    if not runs:
        return {}
    paths = {}
    suites = sorted({k.split(".")[0] for r in runs for k in r["metrics"]})
    for suite in suites:
        keys = [k for k in HEADLINES if k.startswith(suite + ".") and any(k in r["metrics"] for r in runs)]
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=110)
        for key in keys:
            xs = [i for i, r in enumerate(runs) if key in r["metrics"]]
            ax.plot(xs, [runs[i]["metrics"][key] for i in xs], marker="o", label=key.split(".", 1)[1])
        for key in sorted({k for r in runs for k in r.get("baselines", {}) if k.startswith(suite + ".") and k.endswith(".R@10")
                           and ".ours" not in k and "per_chunk" not in k}):
            xs = [i for i, r in enumerate(runs) if key in r.get("baselines", {})]
            ax.plot(xs, [runs[i]["baselines"][key] for i in xs], linestyle="--", marker=".", label="baseline " + key.split(".", 1)[1])
        ax.set_xticks(range(len(runs)))
        ax.set_xticklabels([f"{r['date'][5:16]}\n{r['commit'][:7]}" for r in runs], fontsize=6, rotation=0)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("score")
        ax.set_title(f"{suite} ({kind}) over time")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
        fig.tight_layout()
        path = out / f"trend-{kind}-{suite}.png"
        fig.savefig(path)
        plt.close(fig)
        paths[f"trend_{suite}"] = path
    return paths


def plot_compare(report: dict, out: Path, kind: str) -> dict[str, Path]:
    """This run: ours vs BM25 vs naive LangChain (R@10, MRR@10, nDCG@10) on each retrieval benchmark."""
    plt = _pyplot()
    if plt is None:
        return {}
    suites = [s for s in ("retrieval_qa", "retrieval_stard") if s in report["suites"]]
    if not suites:
        return {}
    fig, axes = plt.subplots(1, len(suites), figsize=(6 * len(suites), 4), dpi=110, squeeze=False)
    for ax, suite in zip(axes[0], suites):
        systems = {k: v for k, v in report["suites"][suite]["systems"].items() if not k.endswith("per_chunk")}
        metrics = ["R@10", "MRR@10", "nDCG@10"]
        width = 0.8 / len(systems)
        for j, (name, m) in enumerate(systems.items()):
            xs = [i + j * width for i in range(len(metrics))]
            bars = ax.bar(xs, [m[k] for k in metrics], width, label=name)
            ax.bar_label(bars, fmt="%.2f", fontsize=6)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(metrics))])
        ax.set_xticklabels(metrics)
        ax.set_ylim(0, 1)
        ax.set_title("policy QA set" if suite == "retrieval_qa" else "STARD dev")
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / f"compare-{kind}.png"
    fig.savefig(path)
    plt.close(fig)
    return {"compare": path}


def blind_markdown(s: dict) -> list[str]:
    lines: list[str] = []
    if "blind_qa" in s:
        q = s["blind_qa"]
        lines += ["## 盲测：干部问题（未参与调参）", "", f"问题 {q['questions']}（{q['kinds']}）", "",
                  "| 检索 | R@1 | R@5 | R@10 |", "|---|---|---|---|"]
        for name, m in q["retrieval"].items():
            lines.append(f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} |")
        lines += ["", "| 类型 | 题数 | 引用金标条款 | 拒答率 | 结论正确 | 必含要点 | 金额准确 | 路由 |", "|---|---|---|---|---|---|---|---|"]
        for kind, a in q["answers"].items():
            if not isinstance(a, dict):
                continue
            lines.append(f"| {kind} | {a.get('n')} | {a.get('cited_gold', '—')} | {a.get('refused', '—')} | {a.get('verdict_right', '—')} | "
                         f"{a.get('mentions', '—')} | {a.get('amount_exact', '—')} | {a.get('intents', '')} |")
        lines.append("")
    if "blind_review" in s:
        r = s["blind_review"]
        lines += ["## 盲测：审查条款（未参与调参）", "", f"违规 {r['violations']}、合规 {r['lawful']}：召回 {r['recall']}　误报率 "
                  f"{r['false_flag_rate']}　条例条文正确 {r['right_article']}　首个条/项正确 {r['right_item']}", "",
                  "| 条例条文 | 召回 |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in r["per_article_recall"].items()]
        lines.append("")
    if "blind_concessions" in s:
        c = s["blind_concessions"]
        lines += ["## 盲测：一事一议诉求（未参与调参）", "", f"诉求 {c['deals']}：红线（条例条文）{c['red_line_article']}　红线（条/项）"
                  f"{c['red_line_exact']}　可接受路径找到 {c['routes_found']}（共 {c['routes_accepted']}）　所提路径可接受 "
                  f"{c['routes_precision']}　所提路径有依据 {c['routes_cited']}", ""]
    return lines
