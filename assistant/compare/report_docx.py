"""Word report: summary, ranking, bar chart (lawful vs red-flagged), terms by type, lapsed policies, details,
chain list. Landscape A4, CJK fonts set for East Asian text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from . import views as V
from .chart import bar_chart
from .model import ChainView, Comparison

DISCLAIMER = "本报告由规则逐条计算生成，金额为估算，以主管部门审核为准；依据条款原文见知识库。"


WIDTH_CM = 26.0  # landscape A4 less margins


def _table(d, head: list, rows: list[list], font_pt: float = 8, widths: list[float] | None = None) -> None:
    """widths: relative column widths (default: equal)."""
    from docx.shared import Cm, Pt

    t = d.add_table(rows=1, cols=len(head))
    t.style = "Table Grid"
    t.autofit = False
    for cell, h in zip(t.rows[0].cells, head):
        cell.text = str(h)
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for row in rows:
        for cell, v in zip(t.add_row().cells, row):
            cell.text = str(v)
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(font_pt)
    weights = widths or [1.0] * len(head)
    for col, w in zip(t.columns, weights):  # the grid (LibreOffice reads it) and each cell (Word reads those)
        col.width = Cm(WIDTH_CM * w / sum(weights))
    for row in t.rows:
        for cell, w in zip(row.cells, weights):
            cell.width = Cm(WIDTH_CM * w / sum(weights))


def docx(c: Comparison, path: Path, chain: ChainView | None = None) -> None:
    import docx as docx_lib
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from ..docx_fonts import set_cjk_fonts

    d = docx_lib.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.8))
    set_cjk_fonts(d)
    d.add_heading(f"竞合区域政策对标报告：{c.project}", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(V.summary(c))
    d.add_paragraph(f"判断日期：{c.as_of}　知识库快照：{c.index_snapshot}")
    for s in c.screening:
        d.add_paragraph(f"准入提示：{s.issue}（依据：{s.basis}{('；' + s.citation) if s.citation else ''}）")
    d.add_heading("一、合法估算支持排名", level=1)
    _table(d, V.RANKING_HEAD, V.ranking_rows(c), widths=[1, 3, 2, 2.2, 2.4, 1.2, 1.2, 1.2, 1.4, 9])
    d.add_paragraph("排名按合法估算区间的下限；依据存在公平竞争风险条款的金额单列，不计入合法合计。")
    if c.available():
        with tempfile.TemporaryDirectory() as tmp:
            png = bar_chart(c, Path(tmp) / "chart.png")
            d.add_picture(str(png), width=Cm(17))
            d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_heading("二、支持条件对照（按支持类型）", level=1)
    head, rows = V.terms_rows(c)
    _table(d, head, rows, 7.5, widths=[2.2] + [8] * (len(head) - 1))
    lapsed = V.lapsed_rows(c)
    if lapsed:
        d.add_heading("已不在有效期内的政策", level=2)
        _table(d, ["地区", "文件", "状态", "施行", "到期", "废止"], lapsed, widths=[3, 9, 1.5, 2, 2, 2])
    d.add_heading("三、逐项明细", level=1)
    _table(d, V.OFFER_HEAD, V.offer_rows(c), 7, widths=[2, 2, 3, 1.8, 2, 7, 4, 1.5, 4])
    if chain is not None:
        d.add_heading(f"四、产业链政策清单：{chain.chain}", level=1)
        if chain.items:
            _table(d, V.CHAIN_HEAD, V.chain_rows(chain), 7.5, widths=[2, 2, 3, 4, 4, 5, 4, 1.5])
        else:
            d.add_paragraph("各地区均无适用于该产业链环节的政策。")
    d.add_paragraph(DISCLAIMER).runs[0].italic = True
    tmp = path.with_suffix(".tmp.docx")
    d.save(str(tmp))
    tmp.replace(path)
