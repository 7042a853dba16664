"""Review reports: JSON (the CLI contract), Markdown, and a Word 审查意见 for the reviewer to sign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .detect import Finding, rulebase
from .draft import Draft

DISCLAIMER = "本意见由规则库逐条比对生成，供审查人员参考；审查结论须由审查人员作出并签署。"


def build(draft: Draft, findings: list[Finding], store=None) -> dict:
    """The JSON result; cited provisions are quoted verbatim from the index (never from our paraphrase)."""
    provisions: dict[str, str | None] = {}
    for f in findings:
        for cid in f.provisions:
            if cid not in provisions:
                found = store.clause(cid) if store is not None else None
                provisions[cid] = found["text"] if found else None
    by_clause: dict[int, int] = {}
    for f in findings:
        by_clause[f.clause_index] = by_clause.get(f.clause_index, 0) + 1
    return {
        "draft": {"name": draft.name, "sha256": draft.sha256, "characters": draft.chars},
        "findings": [f.to_dict() for f in findings],
        "clauses": len(draft.clauses),
        "clause_results": [{"clause_index": c.index, "label": c.label,
                            "status": "finding" if c.index in by_clause else "no_finding",
                            "findings": by_clause.get(c.index, 0)} for c in draft.clauses],
        "provisions": provisions,
        "rulebase_version": rulebase()["version"],
        "index_snapshot": store.snapshot() if store is not None else None,
        "reviewed_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "notice": DISCLAIMER,
    }


def markdown(result: dict, draft: Draft) -> str:
    lines = [f"# 公平竞争审查意见（草稿）：{result['draft']['name']}", ""]
    lines.append(f"- 文稿：{result['draft']['name']}（{result['draft']['characters']} 字，SHA-256 {result['draft']['sha256'][:16]}…）")
    lines.append(f"- 规则库版本：{result['rulebase_version']}；知识库快照：{result['index_snapshot'] or '未使用'}；生成时间：{result['reviewed_at']}")
    n = len({f['clause_index'] for f in result["findings"]})
    lines.append(f"- 共 {result['clauses']} 个条款，{n} 个条款发现问题（{len(result['findings'])} 项）")
    lines += ["", "## 逐条审查", ""]
    findings_by_clause: dict[int, list[dict]] = {}
    for f in result["findings"]:
        findings_by_clause.setdefault(f["clause_index"], []).append(f)
    for c in draft.clauses:
        lines.append(f"### {c.index}. {c.label}")
        lines.append("> " + c.text.replace("\n", "\n> "))
        fs = findings_by_clause.get(c.index)
        if not fs:
            lines += ["", "未发现问题。", ""]
            continue
        for f in fs:
            lines.append("")
            lines.append(f"- **{f['category']}**（风险：{f['severity']}）；依据：{'、'.join(f['articles'])}")
            lines.append(f"  - 说明：{f['explanation']}")
            if f["evidence"]:
                lines.append(f"  - 触发表述：“{'”“'.join(f['evidence'])}”")
            lines.append(f"  - 修改建议：{f['suggestion']}")
            if f["exception"]:
                lines.append(f"  - 例外情形：{f['exception']}")
            if f["similar_cases"]:
                lines.append("  - 相似案例：" + "；".join(f"{s['title'][:40]}（{s['score']}）" for s in f["similar_cases"][:2]))
        lines.append("")
    if result["provisions"]:
        lines += ["## 引用条款原文（来自知识库）", ""]
        for cid, text in result["provisions"].items():
            lines.append(f"- `{cid}`：{text if text else '（知识库中未找到该条款，请先导入相应文件）'}")
        lines.append("")
    lines += ["## 审查结论", "", "审查结论：________________________", "", "审查人（签字）：__________　日期：__________", "",
              f"> {DISCLAIMER}"]
    return "\n".join(lines) + "\n"


def docx(result: dict, draft: Draft, path: Path) -> None:
    import docx as docx_lib
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx_lib.Document()
    style = d.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    for name in ("Title", "Heading 1", "Heading 2"):
        d.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    title = d.add_heading("公平竞争审查意见", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = d.add_table(rows=4, cols=2)
    meta.style = "Table Grid"
    for row, (k, v) in zip(meta.rows, [
        ("审查文稿", f"{result['draft']['name']}（{result['draft']['characters']} 字）"),
        ("文稿指纹", result["draft"]["sha256"][:32]),
        ("规则库版本 / 知识库快照", f"{result['rulebase_version']} / {result['index_snapshot'] or '未使用'}"),
        ("生成时间", result["reviewed_at"]),
    ]):
        row.cells[0].text, row.cells[1].text = k, v
    d.add_heading("一、审查发现", level=1)
    fs = result["findings"]
    if not fs:
        d.add_paragraph(f"全部 {result['clauses']} 个条款未发现排除、限制竞争问题。")
    else:
        t = d.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        for cell, head in zip(t.rows[0].cells, ["条款", "原文", "问题与风险", "依据", "修改建议"]):
            cell.text = head
        for f in fs:
            cells = t.add_row().cells
            cells[0].text = f"{f['clause_index']}（{f['clause_label']}）"
            cells[1].text = f["clause_text"][:200]
            cells[2].text = f"{f['category']}（{f['severity']}）：{f['explanation']}" + (f"\n例外：{f['exception']}" if f["exception"] else "")
            cells[3].text = "\n".join(f["articles"])
            cells[4].text = f["suggestion"]
    clean = [c for c in result["clause_results"] if c["status"] == "no_finding"]
    if clean:
        d.add_paragraph("未发现问题的条款：" + "、".join(f"{c['clause_index']}（{c['label']}）" for c in clean))
    d.add_heading("二、引用条款原文", level=1)
    for cid, text in result["provisions"].items():
        p = d.add_paragraph()
        p.add_run(cid + "：").bold = True
        p.add_run(text or "（知识库中未找到该条款）")
    d.add_heading("三、审查结论", level=1)
    d.add_paragraph("审查结论：" + "＿" * 30)
    d.add_paragraph("审查人（签字）：" + "＿" * 10 + "　　日期：" + "＿" * 10)
    d.add_paragraph(DISCLAIMER).runs[0].italic = True
    tmp = path.with_suffix(".tmp.docx")
    d.save(str(tmp))
    tmp.replace(path)
