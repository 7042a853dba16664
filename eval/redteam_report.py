"""`make redteam`: run the red-team suite (pytest -m redteam) and print, per row of issue #16's list, the cases
tried and held. A case names its rows with `@pytest.mark.redteam(row="xss")` (several: "d6,uploads"); the closest
mark with a row wins, and a parametrised test counts once per parameter set.

    .venv/bin/python -m eval.redteam_report [-k EXPR] [--json eval/reports/redteam.json] [pytest args...]

Exit status is pytest's. An xfail case (a known hole, with its reason) is listed and does not count as held.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ROWS = {  # row id → label, in the order
    "unauth": "未登录访问（UI、/gradio_api/*、文件路由、/config、HTTP API、MCP）",
    "escalation": "越权（经办人员经 gradio_client、HTTP API、MCP 调用审查或知识库管理）",
    "xss": "存储型 XSS（Chromium 中逐个标签页）",
    "uploads": "上传与导入（十亿笑声 XML、上传名路径穿越、20 个并行上传等）",
    "brute": "暴力破解、会话过期、移除用户",
    "listening": "监听（0.0.0.0 无用户文件拒绝启动）",
    "perms": "按知识库授权（各通道、跨库猜测条款编号）",
    "consistency": "锁与一致性（并发导入、导入时检索）",
    "api": "HTTP API / MCP 契约与限额（请求大小、频率、超时）",
    **{f"d{i}": f"缺陷 {i}" for i in range(1, 24)},
}
DEFECTS = {  # the one-line names of defects 1–23
    1: "docx 压缩炸弹", 2: "YAML 别名炸弹", 3: "嵌入输入无长度上限", 4: "并发导入丢向量", 5: "serve 看不到新向量",
    6: "经办人员可删上传缓存", 7: "相同上传共用缓存路径", 8: "文件名冲突覆盖", 9: "一个异常中止整个导入",
    10: "二次方解析", 11: "上传缓存与报告不清理", 12: "审计缺口", 13: "暴力破解", 14: "会话不过期",
    15: "坏的 MANIFEST.tsv", 16: "文件名与静默跳过", 17: "导入中被改写的文件", 18: "4 KB 后的 NUL",
    19: "无 BOM 的 UTF-16", 20: "处理函数崩溃", 21: "重复文件保留哪个", 22: "25 个同时登录", 23: "0.0.0.0 先打印地址",
}
for _i, _name in DEFECTS.items():
    ROWS[f"d{_i}"] = f"缺陷 {_i}：{_name}"


def rows_of(item) -> list[str]:
    for mark in item.iter_markers("redteam"):  # closest first: function, class, module
        if mark.kwargs.get("row"):
            return [r.strip() for r in str(mark.kwargs["row"]).split(",") if r.strip()]
    return []


class RowPlugin:
    """Collects, per red-team case, its rows and its outcome."""

    def __init__(self) -> None:
        self.rows: dict[str, list[str]] = {}
        self.outcome: dict[str, str] = {}
        self.reason: dict[str, str] = {}

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            if item.get_closest_marker("redteam") is not None:
                self.rows[item.nodeid] = rows_of(item)

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.rows:
            return
        if hasattr(report, "wasxfail"):
            self.outcome[report.nodeid] = "xpass" if report.passed else "xfail"
            self.reason[report.nodeid] = report.wasxfail
        elif report.failed:
            self.outcome[report.nodeid] = "failed"
        elif report.skipped and self.outcome.get(report.nodeid) != "failed":
            self.outcome[report.nodeid] = "skipped"
            longrepr = report.longrepr
            self.reason[report.nodeid] = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        elif report.when == "call" and report.passed and report.nodeid not in self.outcome:
            self.outcome[report.nodeid] = "held"

    def table(self) -> dict:
        per: dict[str, dict] = {r: {"label": label, "tried": 0, "held": 0, "xfail": 0, "failed": 0, "skipped": 0, "cases": []}
                                for r, label in ROWS.items()}
        unrowed = []
        for nodeid, rows in self.rows.items():
            outcome = self.outcome.get(nodeid, "deselected")
            if outcome == "deselected":
                continue
            if not rows:
                unrowed.append(nodeid)
            for r in rows:
                entry = per.setdefault(r, {"label": r, "tried": 0, "held": 0, "xfail": 0, "failed": 0, "skipped": 0, "cases": []})
                entry["cases"].append({"case": nodeid, "outcome": outcome, "reason": self.reason.get(nodeid, "")})
                if outcome == "skipped":
                    entry["skipped"] += 1
                    continue
                entry["tried"] += 1
                entry["held"] += outcome == "held"
                entry["xfail"] += outcome in ("xfail", "xpass")
                entry["failed"] += outcome == "failed"
        return {"rows": per, "unrowed": unrowed,
                "known_holes": [{"case": n, "reason": self.reason[n]} for n, o in self.outcome.items() if o in ("xfail", "xpass")]}


def render(data: dict, seconds: float) -> str:
    out = ["", "| 红队行 | 尝试 | 守住 | 预期失败 | 失败 | 跳过 |", "|---|---:|---:|---:|---:|---:|"]
    cases = {c["case"] for e in data["rows"].values() for c in e["cases"]} | set(data["unrowed"])
    for _r, e in data["rows"].items():
        out.append(f"| {e['label']} | {e['tried']} | {e['held']} | {e['xfail']} | {e['failed']} | {e['skipped']} |")
    outcomes: dict[str, str] = {}
    for e in data["rows"].values():
        for c in e["cases"]:
            outcomes[c["case"]] = c["outcome"]
    held = sum(1 for o in outcomes.values() if o == "held")
    out.append(f"\n共 {len(cases)} 个用例（一个用例可属多行）：守住 {held} 个，用时 {seconds:.0f} 秒。")
    empty = [e["label"] for e in data["rows"].values() if e["tried"] == 0]
    if empty:
        out.append("没有用例的行：" + "；".join(empty))
    for h in data["known_holes"]:
        out.append(f"已知漏洞（xfail）：{h['case']} — {h['reason']}")
    if data["unrowed"]:
        out.append("未标注行的红队用例：" + "，".join(data["unrowed"]))
    return "\n".join(out)


def main(argv=None) -> int:
    import pytest

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=REPO / "eval" / "reports" / "redteam.json")
    args, rest = ap.parse_known_args(argv)
    plugin = RowPlugin()
    t0 = time.perf_counter()
    code = pytest.main(["-q", "-m", "redteam", "-p", "no:cacheprovider", *rest], plugins=[plugin])
    seconds = time.perf_counter() - t0
    data = plugin.table()
    print(render(data, seconds))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**data, "seconds": round(seconds), "exit": int(code)}, ensure_ascii=False, indent=1),
                         encoding="utf-8")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
