"""Batch review: a folder or a .zip of drafts → one Word 审查意见 per draft plus one summary workbook (.xlsx).

One bad draft never stops the rest: it gets one line in the summary's 文稿 sheet saying why.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..documents.load import SUPPORTED
from ..errors import AssistantError

SUMMARY_HEADER = ["文稿", "条款", "问题", "依据", "风险等级"]


@dataclass(frozen=True)
class BatchResult:
    reports: list[Path]
    summary: Path
    errors: list[tuple[str, str]]  # (draft name, why)
    rows: list[list[str]]


def _drafts(source: Path, work: Path) -> list[tuple[str, Path]]:
    if source.is_dir():
        return [(str(p.relative_to(source)), p) for p in sorted(source.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED]
    if zipfile.is_zipfile(source):
        out = []
        with zipfile.ZipFile(source) as z:
            for info in z.infolist():
                name = PurePosixPath(info.filename)
                if info.is_dir() or name.suffix.lower() not in SUPPORTED:
                    continue
                if name.is_absolute() or ".." in name.parts:
                    continue  # never write outside the work folder
                target = work / Path(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(info))
                out.append((str(name), target))
        return out
    raise AssistantError(f"{source}：批量审查需要一个文件夹或 .zip 压缩包")


def review_batch(source: Path, out_dir: Path, detector, store=None, max_mb: float = 50.0) -> BatchResult:
    from .draft import load_draft
    from .report import build, citations, docx

    out_dir.mkdir(parents=True, exist_ok=True)
    reports, errors, rows, status = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="review-batch-") as tmp:
        drafts = _drafts(source, Path(tmp))
        if not drafts:
            raise AssistantError(f"{source}：没有可审查的文稿（支持 {' '.join(sorted(SUPPORTED))}）")
        used: set[str] = set()
        for name, path in drafts:
            try:
                draft = load_draft(path, max_mb=max_mb)
            except AssistantError as exc:
                errors.append((name, str(exc)))
                status.append([name, "失败", str(exc)])
                continue
            findings = detector.review(draft)
            result = build(draft, findings, store)
            stem = _unique(Path(name).stem, used)
            report = out_dir / f"{stem}-审查意见.docx"
            docx(result, draft, report)
            reports.append(report)
            status.append([name, "完成", f"{len(draft.clauses)} 个条款，{len(findings)} 个条款发现问题"])
            for f in result.findings:
                rows.append([name, f"{f.clause_index}（{f.clause_label}）", f"{f.category}：{f.explanation}",
                             "、".join(citations(f)), f.severity])
    summary = out_dir / "审查汇总.xlsx"
    _workbook(summary, rows, status)
    return BatchResult(reports, summary, errors, rows)


def _unique(stem: str, used: set[str]) -> str:
    out, i = stem, 2
    while out in used:
        out, i = f"{stem}-{i}", i + 1
    used.add(out)
    return out


def _workbook(path: Path, rows: list[list[str]], status: list[list[str]]) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError as exc:  # pragma: no cover - openpyxl is a base requirement
        raise AssistantError("生成汇总表需要安装 openpyxl（pip install openpyxl）") from exc
    wb = Workbook()
    ws = wb.active
    ws.title = "审查汇总"
    for sheet, header, data, widths in ((ws, SUMMARY_HEADER, rows, [28, 14, 60, 40, 10]),
                                        (wb.create_sheet("文稿"), ["文稿", "状态", "说明"], status, [28, 8, 60])):
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in data:
            sheet.append(r)
        for col, w in zip("ABCDE", widths):
            sheet.column_dimensions[col].width = w
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
