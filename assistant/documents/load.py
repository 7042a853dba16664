"""Read a file into normalised text: .md .txt .docx .pdf .html, with encoding detection."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from ..errors import LoadError, SkipFile

SUPPORTED = {".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm"}
IGNORED_NAMES = {"MANIFEST.tsv", "README.md", ".gitkeep"}


def read_text(path: Path, display: str, max_mb: float = 50.0) -> str:
    """Return the file's text with normalised line endings, or raise LoadError naming the reason."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise SkipFile(display, f"不支持的文件类型 {ext or '（无扩展名）'}，已跳过")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise LoadError(display, f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {max_mb:g} MB）")
    if size == 0:
        raise LoadError(display, "空文件")
    data = path.read_bytes()
    if ext == ".docx":
        text = _docx(data, display)
    elif ext == ".pdf":
        text = _pdf(data, display)
    elif ext in (".html", ".htm"):
        text = _html(decode(data, display))
    else:
        text = decode(data, display)
    text = normalise(text)
    if not text.strip():
        raise LoadError(display, "文件中没有可提取的文字")
    return text


def decode(data: bytes, display: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030/GBK via charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise LoadError(display, "看起来是二进制文件，不是文本")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # Chinese government files are overwhelmingly GBK/GB18030 when not UTF-8
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError(display, "无法识别文件编码")
    return str(best)


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _docx(data: bytes, display: str) -> str:
    if not data.startswith(b"PK"):
        raise LoadError(display, "不是有效的 .docx 文件（内容不是 Word 文档）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
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


def _pdf(data: bytes, display: str) -> str:
    if not data.startswith(b"%PDF"):
        raise LoadError(display, "不是有效的 PDF 文件（缺少 %PDF 文件头）")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise LoadError(display, "PDF 已加密，无法读取，请提供未加密版本")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(display, f"PDF 文件已损坏或无法解析（{type(exc).__name__}）") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 10:
        raise LoadError(display, "PDF 中没有文字层（扫描件/纯图片），需要先做 OCR 识别")
    return text


def _html(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.replace_with("\n" + "#" * level + " " + h.get_text(" ", strip=True) + "\n")
    for tr in soup.find_all("tr"):
        tr.replace_with("\n" + " | ".join(td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])) + "\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = soup.find_all(["p", "div", "li", "section", "article"])
    for block in blocks:
        block.insert_before("\n")
        block.insert_after("\n")
    return soup.get_text()
