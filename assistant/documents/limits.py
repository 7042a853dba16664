"""Resource limits for loading one file; each breach becomes one Chinese line naming the file."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..errors import LoadError


@dataclass(frozen=True)
class Limits:
    max_pages: int = 2000  # PDF/OFD pages read from a text layer
    max_ocr_pages: int = 300  # pages sent to OCR per file
    ocr_seconds: float = 900.0  # OCR time per file
    convert_seconds: float = 180.0  # LibreOffice conversion time per file
    max_unzipped_mb: float = 300.0  # all parts of a docx/xlsx/OFD package, decompressed
    max_part_mb: float = 120.0  # one part, decompressed
    max_zip_members: int = 20000
    max_html_depth: int = 250  # libxml2 silently drops text below depth 255
    max_xlsx_cells: int = 500_000


LIMITS = Limits()


def open_zip(data: bytes, display: str, kind: str, limits: Limits | None = None) -> zipfile.ZipFile:
    """A ZipFile whose declared sizes fit the limits (zipfile never inflates a member past its declared size)."""
    limits = limits or LIMITS
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LoadError(display, f"{kind} 文件已损坏或不完整（{type(exc).__name__}）") from exc
    if len(infos) > limits.max_zip_members:
        raise LoadError(display, f"{kind} 压缩包内文件过多（{len(infos)} 个，上限 {limits.max_zip_members}），已拒绝")
    total = 0
    for info in infos:
        if info.file_size > limits.max_part_mb * 1024 * 1024:
            raise LoadError(display, f"{kind} 中的 {info.filename} 解压后过大（{info.file_size / 1024 / 1024:.0f} MB，"
                                     f"上限 {limits.max_part_mb:g} MB），疑似压缩炸弹，已拒绝")
        total += info.file_size
    if total > limits.max_unzipped_mb * 1024 * 1024:
        raise LoadError(display, f"{kind} 解压后总大小 {total / 1024 / 1024:.0f} MB 超过上限 {limits.max_unzipped_mb:g} MB，"
                                 "疑似压缩炸弹，已拒绝")
    return zf


def html_depth(html: str) -> int:
    """Maximum element nesting depth, in one linear pass (void elements and self-closing tags do not nest)."""
    import re

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
            "wbr", "p", "li", "option", "td", "th", "tr", "dt", "dd"}  # p/li/td… close implicitly; never count them
    depth = best = 0
    for m in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>", html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in void or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            best = max(best, depth)
    return best
