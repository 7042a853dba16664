"""PDF: the text layer (pypdf) where it is good, OCR (pypdfium2 render + RapidOCR) for pages without one or with
garbage in it; layout repairs (hard wraps, spacing, running headers, page numbers) on both."""

from __future__ import annotations

import io
import re

from ..errors import LoadError
from .limits import LIMITS
from .textfix import CJK, CJK_PUNCT, layout_text

OCR_DPI = 120  # recognition resizes lines to 48 px; 120 dpi keeps 三号 text at ~30 px for detection


def plausible(text: str) -> float:
    """Share of non-space characters that are CJK, CJK punctuation, ASCII letters/digits/punctuation."""
    chars = re.sub(r"\s", "", text)
    if not chars:
        return 0.0
    good = len(re.findall(rf"[{CJK}{CJK_PUNCT}\x21-\x7e]", chars))
    bad = len(re.findall(r"\(cid:\d+\)", text)) * 8  # unmapped glyph ids
    return max(0.0, (good - bad) / len(chars))


def needs_ocr(text: str) -> bool:
    """A page whose text layer is missing or garbage (unmapped glyphs, private-use code points)."""
    chars = re.sub(r"\s", "", text)
    return len(chars) < 10 or plausible(text) < 0.8


def load_pdf(data: bytes, display: str) -> str:
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
        n = len(reader.pages)
        if n > LIMITS.max_pages:
            raise LoadError(display, f"PDF 共 {n} 页，超过上限 {LIMITS.max_pages} 页，请拆分后再导入")
        texts = _pdfium_texts(data, display)
        if texts is None:
            texts = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(display, f"PDF 文件已损坏或无法解析（{type(exc).__name__}）") from exc
    todo = [i for i, t in enumerate(texts) if needs_ocr(t)]
    pages: list[list[str]] = [t.split("\n") for t in texts]
    full: list[list[bool]] | None = None
    if todo:
        ocr_pages, ocr_full = _ocr_pages(data, display, todo)
        full = [[False] * len(p) for p in pages]
        lengths = sorted(len(l) for p in pages for l in p if len(l) >= 8)
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
        for i, page in enumerate(pages):  # text-layer pages: full lines by length, as join_wrapped would
            full[i] = [typical >= 12 and len(l.strip()) >= typical * 0.8 for l in page]
        for i, lines, flags in zip(todo, ocr_pages, ocr_full):
            pages[i], full[i] = lines, flags
    text = layout_text(pages, full)
    if len(re.sub(r"\s", "", text)) < 10:
        what = "OCR 未识别出文字（图片过于模糊或空白页）" if todo else "PDF 中没有可提取的文字"
        raise LoadError(display, what)
    return text


def _pdfium_texts(data: bytes, display: str = "PDF") -> list[str] | None:
    """Text layer via PDFium (keeps runs of one baseline on one line); None when pypdfium2 is not installed."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    pdf = pdfium.PdfDocument(data)
    try:
        if len(pdf) > LIMITS.max_pages:  # its own page tree: a lying /Count must not get past the limit
            raise LoadError(display, f"PDF 共 {len(pdf)} 页，超过上限 {LIMITS.max_pages} 页，请拆分后再导入")
        out = []
        for page in pdf:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


def _ocr_pages(data: bytes, display: str, todo: list[int]):
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise LoadError(display, "PDF 中有扫描页，识别需要安装 pypdfium2 与 rapidocr（pip install pypdfium2 rapidocr onnxruntime）") from exc
    from .ocr import ocr_images

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        raise LoadError(display, f"PDF 扫描页无法渲染（{type(exc).__name__}）") from exc

    def images():
        for i in todo:
            page = pdf[i]
            w, h = page.get_size()  # points; a huge media box must not become a huge bitmap
            scale = min(OCR_DPI / 72, 2400 / max(w, h, 1))
            yield page.render(scale=scale, grayscale=True).to_pil()

    try:
        return ocr_images(images(), display, len(todo))
    finally:
        pdf.close()
