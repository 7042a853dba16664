"""一事一议 事中监督: a requested special deal → red lines crossed, lawful routes to the investor's goal, 风险化解方案.

>>> from assistant.review.service import build_detector
>>> a = advise("企业要求按其缴纳税收地方留成的50%返还，连续五年，并以成本价供地", build_detector())
>>> sorted({r["article"] for r in a.red_lines})[:2]
['公平竞争审查条例第十条第三项', '公平竞争审查条例第十条第二项']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .draft import DraftClause, to_simplified
from .names import cite, cite_article

ROUTES = Path(__file__).with_name("data") / "concession_routes.yaml"


@lru_cache(maxsize=1)
def route_data() -> dict:
    return yaml.safe_load(ROUTES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Advice:
    request: str
    red_lines: list[dict]  # {article, citation, span, why, suggestion, standard}
    routes: list[dict]  # {id, name, how, basis: [clause ids], citations: [...], for_goals: [...]}
    exception_hint: dict | None
    plan: list[str]  # 风险化解方案, in order

    def to_dict(self, store=None) -> dict:
        provisions = {}
        for r in self.routes:
            for cid in r["basis"]:
                found = store.clause(cid) if store is not None else None
                provisions[cid] = found.text if found else None
        return {"request": self.request, "red_lines": self.red_lines, "routes": self.routes,
                "exception_hint": self.exception_hint, "risk_plan": self.plan, "provisions": provisions}


def _parts(text: str) -> list[str]:
    """The request and its separate demands (split at ，；。 and “并”), so each demand is checked on its own too."""
    pieces = [p.strip() for p in re.split(r"[，,；;。\n]|并(?=以|按|给予|要求|免|减|承诺|在|由|享受|将)", text) if p.strip()]
    return [text] + [p for p in pieces if len(p) >= 4]


def advise(request: str, detector) -> Advice:
    text = to_simplified(request.strip())
    if not text:
        from ..errors import AssistantError

        raise AssistantError("诉求为空：请粘贴企业提出的具体优惠要求")
    red: dict[tuple[str, str], dict] = {}
    hint = None
    standards: list[str] = []
    for part in _parts(text):
        for f in detector.review_clause(DraftClause(1, "诉求", part)):
            hint = hint or f.exception_hint
            for r in f.reasons:
                if r["standard"] not in standards:
                    standards.append(r["standard"])
                lead = next((a for a in r["articles"] if a.startswith("公平竞争审查条例第")), r["articles"][0])
                key = (r["standard"], lead)
                if key not in red:
                    red[key] = {"article": lead, "citation": cite_article(lead), "articles": [cite_article(a) for a in r["articles"]],
                                "span": r["span"], "why": r["why"], "suggestion": r["suggestion"], "standard": r["standard"]}
    data = route_data()
    goals = [g for g, members in data["goals"].items() if any(s in members for s in standards)]
    routes = []
    for route in data["routes"]:
        hit = [g for g in route["goals"] if g in goals]
        if route["id"] == "article-12":
            if not hint:
                continue
            hit = ["第十二条"]
        if hit:
            routes.append({"id": route["id"], "name": route["name"], "how": route["how"], "basis": route["basis"],
                           "citations": [cite(c) for c in route["basis"]], "for_goals": hit})
    return Advice(text, list(red.values()), routes, hint, _plan(list(red.values()), routes, hint))


def _plan(red: list[dict], routes: list[dict], hint: dict | None) -> list[str]:
    if not red:
        return ["未发现越过公平竞争审查红线的内容；仍须按程序开展公平竞争审查并形成书面审查结论。"]
    plan = ["不得以投资协议、会议纪要、备忘录等任何形式承诺下列内容：" + "；".join(f"“{r['span'] or r['why']}”（{r['citation']}）" for r in red) + "。"]
    if routes:
        plan.append("以合法路径替代：" + "；".join(f"{r['name']}（依据：{'、'.join(r['citations'])}）" for r in routes if r["id"] != "article-12") + "。")
    plan.append("替代支持须写明公开、客观的条件和金额上限，资金列入预算，与企业缴纳税收、注册地、纳税地脱钩，并约定未达标时的退还责任。")
    if hint:
        plan.append("如拟依第十二条出台，须书面论证该措施不可或缺、没有对公平竞争影响更小的替代方案，并明确实施期限或终止条件，在审查结论中详细说明（《公平竞争审查条例》第十七条）。")
    plan.append("已签订的协议含上述内容的，应评估清理并与企业协商依法变更，变更前不得继续兑现相关条款；整个过程留存书面记录备查。")
    return plan


def markdown(advice: dict) -> str:
    lines = ["# 一事一议诉求公平竞争审查意见（草稿）", "", f"> 企业诉求：{advice['request']}", "", "## 一、触及的红线", ""]
    if not advice["red_lines"]:
        lines.append("未发现越过红线的内容。")
    for r in advice["red_lines"]:
        lines.append(f"- **{r['citation']}**：{r['why']}" + (f"（触发表述：“{r['span']}”）" if r["span"] else ""))
    lines += ["", "## 二、可达成企业目标的合法路径", ""]
    for r in advice["routes"]:
        lines.append(f"- **{r['name']}**（对应：{'、'.join(r['for_goals'])}）：{r['how']}依据：{'、'.join(r['citations'])}。")
    if not advice["routes"]:
        lines.append("无需替代路径。")
    if advice.get("exception_hint"):
        from .report import exception_text

        lines += ["", "## 三、第十二条例外提示", "", exception_text(advice["exception_hint"])]
    lines += ["", "## 风险化解方案", ""] + [f"{i}. {p}" for i, p in enumerate(advice["risk_plan"], 1)]
    lines += ["", "审查人（签字）：__________　日期：__________", "", "> 本意见由规则库比对生成，供审查人员参考；结论须由审查人员作出并签署。"]
    return "\n".join(lines) + "\n"


def docx(advice: dict, path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .report import exception_text, new_document, save, table

    d = new_document()
    d.add_heading("一事一议诉求公平竞争审查意见", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("企业诉求：" + advice["request"])
    d.add_heading("一、触及的红线", level=1)
    if advice["red_lines"]:
        table(d, ["依据", "触发表述", "理由", "修改方向"],
              [[r["citation"], r["span"] or "", r["why"], r["suggestion"]] for r in advice["red_lines"]], [3.6, 3.2, 5.6, 4.6])
    else:
        d.add_paragraph("未发现越过红线的内容。")
    d.add_heading("二、可达成企业目标的合法路径", level=1)
    if advice["routes"]:
        table(d, ["路径", "做法", "依据"], [[r["name"], r["how"], "\n".join(r["citations"])] for r in advice["routes"]], [3.4, 9.0, 4.6])
    if advice.get("exception_hint"):
        d.add_heading("三、第十二条例外提示", level=1)
        d.add_paragraph(exception_text(advice["exception_hint"]))
    d.add_heading("风险化解方案", level=1)
    for p in advice["risk_plan"]:
        d.add_paragraph(p, style="List Number")
    if advice.get("provisions"):
        d.add_heading("引用条款原文", level=1)
        for cid, text in advice["provisions"].items():
            p = d.add_paragraph()
            p.add_run(cite(cid) + "：").bold = True
            p.add_run(text or "（知识库中未找到该条款）")
    d.add_paragraph("审查人（签字）：" + "＿" * 10 + "　　日期：" + "＿" * 10)
    save(d, path)
