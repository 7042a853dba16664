"""Office files: .docx (python-docx), .doc/.wps (LibreOffice headless → .docx), .xlsx (openpyxl)."""

from __future__ import annotations

import io
import os
import re
import signal
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import LoadError
from .limits import LIMITS, open_zip

def load_docx(data: bytes, display: str) -> str:
    if not data.startswith(b"PK"):
        raise LoadError(display, "不是有效的 .docx 文件（内容不是 Word 文档）")
    try:
        with open_zip(data, display, ".docx") as zf:  # sizes checked before python-docx inflates anything
            if "word/document.xml" not in zf.namelist():
                raise LoadError(display, "不是有效的 .docx 文件（压缩包中没有 word/document.xml）")
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except LoadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(display, f".docx 文件已损坏或不完整（{type(exc).__name__}）") from exc
    except Exception as exc:  # python-docx raises assorted lxml / package errors on damaged files
        raise LoadError(display, f".docx 文件无法解析：{exc}") from exc
    out: list[str] = []
    numbering = _Numbering(document)
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            style = (para.style.name if para.style is not None else "") or ""
            text = para.text.strip()
            if not text:
                continue
            label = numbering.label(para)  # Word's automatic numbering (第一条, （一）, 1.) is not in .text
            if label and not text.startswith(label.strip()):
                text = label + ("" if label.endswith(("、", "．", ".", " ")) else " ") + text
            match = re.match(r"Heading (\d)", style)
            out.append(("#" * int(match.group(1)) + " " + text) if match else text)
        elif tag == "tbl":
            for row in Table(child, document).rows:  # one row per line keeps tables intact
                out.append(" | ".join(cell.text.strip().replace("\n", " ") for cell in row.cells))
    return "\n\n".join(out)


class _Numbering:
    """Renders the automatic list numbers of .docx paragraphs (numbering.xml levels and counters)."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            lv = {}
            for lvl in a.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lv[int(lvl.get(qn("w:ilvl")))] = (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                                                  text.get(qn("w:val")) if text is not None else "",
                                                  int(start.get(qn("w:val"))) if start is not None else 1)
            abstract[a.get(qn("w:abstractNumId"))] = lv
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None and ref.get(qn("w:val")) in abstract:
                self.levels[num.get(qn("w:numId"))] = abstract[ref.get(qn("w:val"))]

    def _num_pr(self, para):
        qn = self.qn
        for ppr in (para._p.pPr, getattr(getattr(para.style, "element", None), "pPr", None)):
            if ppr is not None and ppr.find(qn("w:numPr")) is not None:
                numpr = ppr.find(qn("w:numPr"))
                num, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
                return (num.get(qn("w:val")) if num is not None else None), (int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)
        return None, 0

    def label(self, para) -> str:
        num_id, ilvl = self._num_pr(para)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""
        for k in range(ilvl + 1):
            value = counters.get(k, levels.get(k, ("decimal", "", 1))[2])
            text = text.replace(f"%{k + 1}", _format_number(value, levels.get(k, ("decimal",))[0]))
        return text


def _format_number(n: int, fmt: str) -> str:
    from .parse import int_to_cn

    if fmt.startswith(("chinese", "ideographDigital", "japaneseCounting", "taiwaneseCounting")):
        return int_to_cn(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def load_legacy_word(data: bytes, display: str, ext: str) -> str:
    """.doc / .wps: convert to .docx with LibreOffice headless in a private temp dir (own profile, time limit)."""
    exe = soffice()
    if exe is None:
        raise LoadError(display, f"读取 {ext} 需要 LibreOffice，本机未安装（apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory(prefix="pa-convert-") as tmp:
        src = Path(tmp) / f"input{ext}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
        if data.startswith(OLE):  # a real Word 97–2003 / WPS file: without this a damaged one is imported as text
            cmd.insert(3, "--infilter=MS Word 97")
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp,
                                start_new_session=True)  # own process group: a time-out kills soffice.bin too
        try:
            proc.wait(timeout=LIMITS.convert_seconds)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise LoadError(display, f"{ext} 转换超时（超过 {LIMITS.convert_seconds:g} 秒），文件可能已损坏") from exc
        result = out / "input.docx"
        if proc.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            raise LoadError(display, f"LibreOffice 无法转换此 {ext} 文件（文件已损坏或不是 Word/WPS 文档）")
        text = load_docx(result.read_bytes(), display)
    from .pdf import plausible

    if plausible(text) < 0.6:  # LibreOffice imports unreadable bytes as text rather than failing
        raise LoadError(display, f"LibreOffice 无法正确读取此 {ext} 文件（转换结果为乱码，文件可能已损坏）")
    return text


def load_xlsx(data: bytes, display: str) -> str:
    """Each sheet: a heading line, then one table row per line (cells joined with ' | '), like .docx tables."""
    if not data.startswith(b"PK"):
        raise LoadError(display, "不是有效的 .xlsx 文件（内容不是 Excel 工作簿）")
    with open_zip(data, display, ".xlsx") as zf:
        if "xl/workbook.xml" not in zf.namelist():
            raise LoadError(display, "不是有效的 .xlsx 文件（压缩包中没有 xl/workbook.xml）")
    try:
        import openpyxl
    except ImportError as exc:
        raise LoadError(display, "读取 .xlsx 需要安装 openpyxl（pip install openpyxl）") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise LoadError(display, f".xlsx 文件已损坏或无法解析（{type(exc).__name__}）") from exc
    out: list[str] = []
    cells = 0
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > LIMITS.max_xlsx_cells:
                    raise LoadError(display, f".xlsx 单元格超过 {LIMITS.max_xlsx_cells} 个，已拒绝；请拆分后再导入")
                values = [_cell(v) for v in row]
                while values and not values[-1]:
                    values.pop()
                if any(values):
                    rows.append(" | ".join(values))
            if rows:
                if len(book.worksheets) > 1 or not re.match(r"^Sheet\d*$", sheet.title):
                    out.append(f"## {sheet.title}")
                out.extend(rows)
    finally:
        book.close()
    return "\n\n".join(out)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()[:10]
    return str(value).strip().replace("\n", " ").replace("|", "｜")
