"""Review reports: JSON (the CLI contract), Markdown, and a Word 审查意见 for the reviewer to sign and file.

Citations are Chinese names (《公平竞争审查条例》第十条第二项), never raw ids; model confidence stays in the JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .detect import Finding, rulebase
from .draft import Draft
from .names import cite, cite_article

DISCLAIMER = "本意见由规则库逐条比对生成，供审查人员参考；审查结论须由审查人员作出并签署。"


@dataclass(frozen=True)
class ClauseResult:
    clause_index: int
    label: str
    findings: int  # how many findings on this clause

    @property
    def status(self) -> str:
        return "finding" if self.findings else "no_finding"

    def to_dict(self) -> dict:
        return {"clause_index": self.clause_index, "label": self.label, "status": self.status, "findings": self.findings}


@dataclass(frozen=True)
class ReviewResult:
    """A reviewed draft: its findings, a status per clause, and the provisions cited, quoted from the index."""

    draft_name: str
    draft_sha256: str
    draft_characters: int
    findings: tuple[Finding, ...]
    clause_results: tuple[ClauseResult, ...]
    provisions: dict[str, str | None]  # clause id → verbatim text (None: not in the index)
    provision_names: dict[str, str]  # clause id → Chinese citation
    rulebase_version: str
    model_version: str | None
    index_snapshot: str | None
    reviewed_at: str
    notice: str = DISCLAIMER

    @property
    def clauses(self) -> int:
        return len(self.clause_results)

    def to_dict(self) -> dict:
        """The JSON contract of `review --json` and the API."""
        return {
            "draft": {"name": self.draft_name, "sha256": self.draft_sha256, "characters": self.draft_characters},
            "findings": [{**f.to_dict(), "citations": citations(f)} for f in self.findings],
            "clauses": self.clauses,
            "clause_results": [c.to_dict() for c in self.clause_results],
            "provisions": dict(self.provisions),
            "provision_names": dict(self.provision_names),
            "rulebase_version": self.rulebase_version,
            "model_version": self.model_version,
            "index_snapshot": self.index_snapshot,
            "reviewed_at": self.reviewed_at,
            "notice": self.notice,
        }


def citations(f: Finding) -> list[str]:
    """The finding's 条/项 as Chinese citations (《公平竞争审查条例》第十条第二项)."""
    return [cite_article(a) for a in f.articles]


def build(draft: Draft, findings: list[Finding], store=None) -> ReviewResult:
    """The result; cited provisions are quoted verbatim from the index (never from our paraphrase)."""
    from .model import PATH, load

    provisions: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for f in findings:
        for cid in f.provisions:
            if cid not in provisions:
                found = store.clause(cid) if store is not None else None
                provisions[cid] = found.text if found else None
                names[cid] = cite(cid, store)
    by_clause: dict[int, int] = {}
    for f in findings:
        by_clause[f.clause_index] = by_clause.get(f.clause_index, 0) + 1
    model_version: str | None
    try:
        model_version = load().version
    except Exception:  # noqa: BLE001 - a missing artifact is reported by the detector, not here
        model_version = None if not PATH.exists() else "?"
    return ReviewResult(
        draft_name=draft.name, draft_sha256=draft.sha256, draft_characters=draft.chars, findings=tuple(findings),
        clause_results=tuple(ClauseResult(c.index, c.label, by_clause.get(c.index, 0)) for c in draft.clauses),
        provisions=provisions, provision_names=names, rulebase_version=rulebase()["version"], model_version=model_version,
        index_snapshot=store.snapshot() if store is not None else None,
        reviewed_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def _reason_lines(f: Finding, with_articles: bool = True) -> list[str]:
    """One line per merged reason: triggering span, why (one sentence), and its 条/项."""
    out = []
    reasons: tuple[dict[str, Any], ...] = f.reasons or ({"articles": f.articles, "span": (f.evidence or (None,))[0], "why": f.explanation},)
    for r in reasons:
        arts = "、".join(cite_article(a) for a in r["articles"])
        span = f"“{r['span']}”：" if r.get("span") else ""
        out.append(f"{span}{r['why']}" + (f"（{arts}）" if with_articles else ""))
    return out


def exception_text(hint: dict) -> str:
    items = "；".join(f"{cite_article(i['item'])}（{i['purpose']}，触发表述“{i['span']}”）" for i in hint["items"])
    text = f"可能适用的例外：{items}。须同时满足：" + "；".join(hint["conditions"]) + "。" + hint["record"]
    return text + (hint["legal_basis_note"] or "")


def markdown(result: ReviewResult, draft: Draft) -> str:
    lines = [f"# 公平竞争审查意见（草稿）：{result.draft_name}", ""]
    lines.append(f"- 文稿：{result.draft_name}（{result.draft_characters} 字，SHA-256 {result.draft_sha256[:16]}…）")
    lines.append(f"- 规则库版本：{result.rulebase_version}；审查模型：{result.model_version or '未使用'}；"
                 f"知识库快照：{result.index_snapshot or '未使用'}；生成时间：{result.reviewed_at}")
    n = len({f.clause_index for f in result.findings})
    lines.append(f"- 共 {result.clauses} 个条款，{n} 个条款发现问题")
    lines += ["", "## 逐条审查", ""]
    by_clause = {f.clause_index: f for f in result.findings}
    for c in draft.clauses:
        lines.append(f"### {c.index}. {c.label}")
        lines.append("> " + c.text.replace("\n", "\n> "))
        f = by_clause.get(c.index)
        if not f:
            lines += ["", "未发现问题。", ""]
            continue
        lines += ["", f"- **{f.category}**（风险：{f.severity}）；依据：{'、'.join(citations(f))}"]
        lines += [f"  - 问题：{r}" for r in _reason_lines(f)]
        lines.append(f"  - 修改建议：{f.suggestion}")
        if f.exception_hint:
            lines.append(f"  - 第十二条提示：{exception_text(f.exception_hint)}")
        if f.similar_cases:
            lines.append("  - 相似公开案例：" + "；".join(f"{s['title']}（{s['id']}）" for s in f.similar_cases[:2]))
        lines.append("")
    if result.provisions:
        lines += ["## 引用条款原文（来自知识库）", ""]
        for cid, text in result.provisions.items():
            lines.append(f"- {result.provision_names.get(cid, cid)}：{text if text else '（知识库中未找到该条款，请先导入相应文件）'}")
        lines.append("")
    lines += ["## 审查结论", "", "审查结论：________________________", "", "审查人（签字）：__________　日期：__________", "",
              f"> {DISCLAIMER}"]
    return "\n".join(lines) + "\n"


def new_document():
    """A Word document with CJK fonts set (shared with the concession report)."""
    import docx as docx_lib
    from docx.shared import Cm

    from ..docx_fonts import set_cjk_fonts

    d = docx_lib.Document()
    for section in d.sections:  # A4, 2 cm margins: 17 cm of text width for the tables
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
    set_cjk_fonts(d)
    return d


def table(d, header: list[str], rows: list[list[str]], widths_cm: list[float]):
    """A grid table with fixed, readable column widths (Word and LibreOffice both honour cell widths)."""
    from docx.shared import Cm

    t = d.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.autofit = False
    for row in [header] + rows:
        cells = t.rows[0].cells if row is header else t.add_row().cells
        for cell, text, w in zip(cells, row, widths_cm):
            cell.text = text
            cell.width = Cm(w)
    for cell in t.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for col, w in zip(t.columns, widths_cm):
        col.width = Cm(w)
    return t


def save(d, path: Path) -> None:
    tmp = path.with_suffix(".tmp.docx")
    d.save(str(tmp))
    tmp.replace(path)


def docx(result: ReviewResult, draft: Draft, path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = new_document()
    d.add_heading("公平竞争审查意见", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table(d, ["项目", "内容"], [
        ["审查文稿", f"{result.draft_name}（{result.draft_characters} 字）"],
        ["文稿指纹", result.draft_sha256[:32]],
        ["规则库 / 审查模型 / 知识库", f"{result.rulebase_version} / {result.model_version or '未使用'} / {result.index_snapshot or '未使用'}"],
        ["生成时间", result.reviewed_at],
    ], [4.5, 12.5])
    d.add_heading("一、审查发现", level=1)
    fs = result.findings
    if not fs:
        d.add_paragraph(f"全部 {result.clauses} 个条款未发现排除、限制竞争问题。")
    else:
        rows = []
        for f in fs:
            rows.append([f"{f.clause_index}（{f.clause_label}）", f.clause_text[:160],
                         f"{f.category}（风险：{f.severity}）\n" + "\n".join(_reason_lines(f, with_articles=False)),
                         "\n".join(citations(f)), f.suggestion])
        table(d, ["条款", "原文", "问题与风险", "依据", "修改建议"], rows, [1.6, 4.0, 5.0, 3.0, 3.4])
    hints = [(f, f.exception_hint) for f in fs if f.exception_hint]
    if hints:
        d.add_heading("二、第十二条例外提示", level=1)
        for f, hint in hints:
            p = d.add_paragraph(style="List Bullet")
            p.add_run(f"条款 {f.clause_index}（{f.clause_label}）：").bold = True
            p.add_run(exception_text(hint))
    clean = [c for c in result.clause_results if c.status == "no_finding"]
    if clean:
        d.add_paragraph("未发现问题的条款：" + "、".join(f"{c.clause_index}（{c.label}）" for c in clean))
    d.add_heading(("三" if hints else "二") + "、引用条款原文", level=1)
    for cid, text in result.provisions.items():
        p = d.add_paragraph()
        p.add_run(result.provision_names.get(cid, cid) + "：").bold = True
        p.add_run(text or "（知识库中未找到该条款）")
    d.add_heading(("四" if hints else "三") + "、审查结论", level=1)
    d.add_paragraph("审查结论：" + "＿" * 30)
    d.add_paragraph("审查人（签字）：" + "＿" * 10 + "　　日期：" + "＿" * 10)
    d.add_paragraph(DISCLAIMER).runs[0].italic = True
    save(d, path)
