"""Read a file into normalised text and loader metadata hints.

Formats: .md .txt (encoding detection), .docx .doc .wps .xlsx (office.py), .pdf with OCR for scanned pages (pdf.py,
ocr.py), images (ocr.py), .ofd (ofd.py), .html (html.py). Every failure is a LoadError with one Chinese line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, SkipFile
from .limits import LIMITS, Limits  # noqa: F401  (re-exported for callers that tune limits)

TEXT = {".md", ".markdown", ".txt"}
IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED = TEXT | IMAGES | {".docx", ".doc", ".wps", ".xlsx", ".pdf", ".ofd", ".html", ".htm"}
IGNORED_NAMES = {"MANIFEST.tsv", "README.md", ".gitkeep"}


@dataclass(frozen=True)
class Loaded:
    """A file's text plus metadata hints the format itself carries (portal info table): index_no, issuer,
    issued, doc_number."""

    text: str
    hints: dict[str, str] = field(default_factory=dict)


def read_text(path: Path, display: str, max_mb: float = 50.0) -> str:
    """Return the file's text with normalised line endings, or raise LoadError naming the reason."""
    return load_file(path, display, max_mb).text


def load_file(path: Path, display: str, max_mb: float = 50.0) -> Loaded:
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise SkipFile(display, f"不支持的文件类型 {ext or '（无扩展名）'}，已跳过")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise LoadError(display, f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {max_mb:g} MB）")
    if size == 0:
        raise LoadError(display, "空文件")
    data = path.read_bytes()
    hints: dict[str, str] = {}
    if ext == ".docx":
        from .office import load_docx

        text = load_docx(data, display)
    elif ext in (".doc", ".wps"):
        from .office import load_legacy_word

        text = load_legacy_word(data, display, ext)
    elif ext == ".xlsx":
        from .office import load_xlsx

        text = load_xlsx(data, display)
    elif ext == ".pdf":
        from .pdf import load_pdf

        text = load_pdf(data, display)
    elif ext in IMAGES:
        from .ocr import load_image
        from .textfix import layout_text

        text = layout_text(*load_image(data, display))
        if len(re.sub(r"\s", "", text)) < 2:
            raise LoadError(display, "OCR 未识别出文字（图片过于模糊、空白或不是文字图片）")
    elif ext == ".ofd":
        from .ofd import load_ofd

        text = load_ofd(data, display)
    elif ext in (".html", ".htm"):
        from .html import load_html

        text, hints = load_html(decode(data, display), display)
    else:
        text = decode(data, display)
    text = normalise(text)
    if not text.strip():
        raise LoadError(display, "文件中没有可提取的文字")
    return Loaded(text, hints)


def decode(data: bytes, display: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM), else GB18030/GBK via charset-normalizer.
    NUL bytes anywhere in a file that is not UTF-16 mean binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        utf16 = _utf16_by_nuls(data)
        if utf16 is None:
            raise LoadError(display, "看起来是二进制文件，不是文本（含 NUL 字节）")
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_by_script(data)
    if utf16 is not None:
        return utf16
    try:  # Chinese government files are overwhelmingly GBK/GB18030 when not UTF-8
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError(display, "无法识别文件编码")
    return str(best)


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (newlines, digits) leave NULs on every other byte. The byte order
    whose decoding reads as text (CJK, ASCII, whitespace) wins."""
    if len(data) % 2:
        return None
    best, score = None, 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or not text:
            continue
        good = sum(1 for c in text if c.isspace() or " " <= c <= "~" or "\u4e00" <= c <= "\u9fff"
                   or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef") / len(text)
        if good > score:
            best, score = text, good
    return best if score >= 0.9 else None


def _cjk_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef") / len(chars)


def _utf16_by_script(data: bytes) -> str | None:
    """UTF-16 Chinese text with no ASCII at all has no NULs: accept it when it reads as Chinese and GB18030 does not."""
    if len(data) % 2 or len(data) < 8:
        return None
    try:
        gb = _cjk_share(data.decode("gb18030"))
    except UnicodeDecodeError:
        gb = 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _cjk_share(text) >= 0.6 and _cjk_share(text) > gb + 0.2:
            return text
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    text = _CONTROL.sub("", text)  # NULs and other control characters never reach a clause
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
