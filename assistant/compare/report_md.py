"""Markdown report of a comparison (CLI default, app view)."""

from __future__ import annotations

from . import views as V
from .model import ChainView, Comparison


def _table(head: list, rows: list[list]) -> list[str]:
    def esc(v) -> str:
        return str(v).replace("|", "｜").replace("\n", "<br>")

    def line(cells) -> str:
        return "| " + " | ".join(map(esc, cells)) + " |"

    return [line(head), "|" + "---|" * len(head)] + [line(r) for r in rows]


def markdown(c: Comparison, chain: ChainView | None = None) -> str:
    lines = [f"# 竞合区域政策对标：{c.project}", "", V.summary(c), "",
             f"- 判断日期：{c.as_of}；知识库快照：{c.index_snapshot}", ""]
    for s in c.screening:
        lines.append(f"- 准入提示：{s.issue}（依据：{s.basis}{('；' + s.citation) if s.citation else ''}）")
    for n in c.notes:
        lines.append(f"- 说明：{n}")
    lines += ["", "## 一、合法估算支持排名", "", *_table(V.RANKING_HEAD, V.ranking_rows(c)), "",
              "> 排名按合法估算区间的下限；依据存在公平竞争风险条款的金额单列，不计入合法合计。", ""]
    head, rows = V.terms_rows(c)
    lines += ["## 二、支持条件对照（按支持类型）", "", *_table(head, rows), ""]
    lapsed = V.lapsed_rows(c)
    if lapsed:
        lines += ["## 已不在有效期内的政策", "", *_table(["地区", "文件", "状态", "施行", "到期", "废止"], lapsed), ""]
    lines += ["## 三、逐项明细", "", *_table(V.OFFER_HEAD, V.offer_rows(c)), ""]
    if chain is not None:
        lines += [f"## 四、产业链政策清单：{chain.chain}", ""]
        lines += _table(V.CHAIN_HEAD, V.chain_rows(chain)) if chain.items else ["（各地区均无适用于该产业链环节的政策）"]
        lines.append("")
    lines.append("> 本报告由规则逐条计算生成，金额为估算，以主管部门审核为准；依据条款原文见知识库。")
    return "\n".join(lines) + "\n"
