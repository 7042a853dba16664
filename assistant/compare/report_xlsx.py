"""Excel workbook: one sheet per view (排名, 条件对照, 明细, 产业链政策清单, 失效政策)."""

from __future__ import annotations

from pathlib import Path

from . import views as V
from .model import ChainView, Comparison


def _openpyxl():
    try:
        import openpyxl
    except ImportError as exc:
        raise ImportError('Excel 报告需要 openpyxl：pip install "openpyxl==3.1.5"') from exc
    return openpyxl


def _sheet(wb, title: str, head: list, rows: list[list], widths: dict[int, int] | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append(head)
    for r in rows:
        ws.append(r)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for i in range(1, len(head) + 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = (widths or {}).get(i, 18)
    ws.freeze_panes = "B2"


def workbook(c: Comparison, path: Path, chain: ChainView | None = None) -> None:
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "排名", V.RANKING_NUM_HEAD, V.ranking_numbers(c), {2: 26, 11: 60})
    ws = wb["排名"]
    ws.append([])
    ws.append(["摘要", V.summary(c)])
    head, rows = V.terms_rows(c)
    _sheet(wb, "条件对照", head, rows, {1: 20, **{i: 48 for i in range(2, len(head) + 1)}})
    _sheet(wb, "明细", V.OFFER_HEAD, V.offer_rows(c), {3: 30, 5: 16, 6: 60, 7: 40, 9: 40})
    if chain is not None:
        _sheet(wb, "产业链政策清单", V.CHAIN_HEAD, V.chain_rows(chain), {3: 30, 4: 40, 5: 40, 6: 50, 7: 40})
        wb["产业链政策清单"].insert_rows(1)
        wb["产业链政策清单"]["A1"] = f"产业链：{chain.chain}（判断日期 {c.as_of}；金额与条件以原文和主管部门审核为准）"
    _sheet(wb, "失效政策", ["地区", "文件", "状态", "施行", "到期", "废止"], V.lapsed_rows(c), {2: 50})
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(str(tmp))
    tmp.replace(path)


def investor_list(chain: ChainView, as_of: str, path: Path) -> int:
    """The 政策清单 alone, to hand to an investor: reviewed rules of policies in force, nothing red-flagged.
    Returns the number of items listed."""
    from dataclasses import replace

    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    items = tuple(i for i in chain.items if not i.offer.red_flags and not i.offer.candidate and i.offer.doc_status == "现行有效")
    rows = V.chain_rows(replace(chain, items=items))
    _sheet(wb, "产业链政策清单", V.CHAIN_HEAD, rows, {3: 30, 4: 40, 5: 40, 6: 50, 7: 40})
    ws = wb["产业链政策清单"]
    ws.insert_rows(1)
    ws["A1"] = f"{chain.chain} 产业链可适用的支持政策（截至 {as_of}；具体金额与条件以政策原文和主管部门审核为准）"
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(str(tmp))
    tmp.replace(path)
    return len(rows)
