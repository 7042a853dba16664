"""OFD (GB/T 33190-2016): OFD.xml → DocBody/DocRoot (Document.xml) → Pages → Content.xml TextObject/TextCode.

The maintained PyPI readers were considered: easyofd pulls in PyMuPDF (AGPL, ~60 MB) for rendering, ofdreader is
a 0.1 release; the text we need is plain XML, read here with lxml (entities and network off, sizes checked).
"""

from __future__ import annotations

import posixpath
import re

from ..errors import LoadError
from .limits import LIMITS, open_zip
from .textfix import layout_text


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find(root, name: str):
    return [e for e in root.iter() if _local(e.tag) == name]


def load_ofd(data: bytes, display: str) -> str:
    from lxml import etree

    if not data.startswith(b"PK"):
        raise LoadError(display, "不是有效的 OFD 文件（内容不是 OFD 压缩包）")
    zf = open_zip(data, display, "OFD")
    names = set(zf.namelist())

    def xml(path: str):
        path = posixpath.normpath(path.lstrip("/"))
        if path not in names:
            raise LoadError(display, f"OFD 文件不完整：缺少 {path}")
        try:
            return etree.fromstring(zf.read(path), _parser())
        except etree.XMLSyntaxError as exc:
            raise LoadError(display, f"OFD 中的 {path} 不是有效的 XML（{exc}）") from exc

    with zf:
        if "OFD.xml" not in names:
            raise LoadError(display, "不是有效的 OFD 文件（压缩包中没有 OFD.xml）")
        roots = [e.text.strip() for e in _find(xml("OFD.xml"), "DocRoot") if e.text and e.text.strip()]
        if not roots:
            raise LoadError(display, "OFD.xml 中没有 DocRoot")
        pages_out: list[list[str]] = []
        for doc_root in roots:
            base = posixpath.dirname(doc_root)
            document = xml(doc_root)
            pages = [p.get("BaseLoc") for p in _find(document, "Page") if p.get("BaseLoc")]
            if len(pages) + len(pages_out) > LIMITS.max_pages:
                raise LoadError(display, f"OFD 超过 {LIMITS.max_pages} 页，请拆分后再导入")
            for loc in pages:
                path = loc if loc.startswith("/") else posixpath.join(base, loc)
                pages_out.append(_page_lines(xml(path)))
    text = layout_text(pages_out)
    if len(re.sub(r"\s", "", text)) < 10:
        raise LoadError(display, "OFD 中没有可提取的文字（可能是扫描件图片）")
    return text


def _page_lines(page) -> list[str]:
    """Text pieces with their absolute position, grouped into lines top to bottom, left to right."""
    pieces: list[tuple[float, float, float, str]] = []  # y, x, size, text
    for obj in _find(page, "TextObject"):
        box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4]] + [0.0] * 4
        size = float(obj.get("Size") or 3.5)
        for code in (c for c in obj if _local(c.tag) == "TextCode"):
            if not code.text:
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            pieces.append((y, x, size, code.text))
    pieces.sort()
    lines: list[list[tuple[float, float, float, str]]] = []
    for piece in pieces:
        if lines and abs(piece[0] - lines[-1][0][0]) < 0.5 * piece[2]:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    out = []
    for line in lines:
        line.sort(key=lambda p: p[1])
        out.append("".join(p[3] for p in line))
    return out
