"""OCR for scanned PDFs and images with RapidOCR (PP-OCR models shipped inside the `rapidocr` wheel, onnxruntime).

Boxes are put back into reading order: deskewed by the median box angle, grouped into lines by vertical overlap,
sorted left to right; lines then join into paragraphs by geometry (a line reaching the right margin continues).

    >>> text = ocr_images([Image.open("scan.png")], "scan.png")   # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass
from collections.abc import Callable, Iterable

from ..errors import LoadError
from .limits import LIMITS, Limits
from .textfix import cjk_punct

# progress(file, page, pages) while a file is being recognised; set by ingest / the app
PAGE_PROGRESS: ContextVar[Callable[[str, int, int], None] | None] = ContextVar("PAGE_PROGRESS", default=None)
_ENGINE = None
LEADING_LABEL = re.compile(r"^(第[〇零一二两三四五六七八九十百千\d]+[条章节])(?=[^\s，。、；：）)的规之])")


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    angle: float
    score: float

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def engine():
    """The shared RapidOCR engine (loaded once; models come from the wheel, nothing is downloaded)."""
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise LoadError("OCR", "扫描件识别需要安装 rapidocr（pip install rapidocr onnxruntime）") from exc
        # no angle classifier: scans are upright (it doubles the time per page); 2 threads per engine
        _ENGINE = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                                   "EngineConfig.onnxruntime.intra_op_num_threads": 2})
    return _ENGINE


def recognise(image) -> list[Box]:
    """Text boxes of one page image (PIL image or numpy array)."""
    import numpy as np

    arr = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else image
    out = engine()(arr)
    if out is None or out.boxes is None or out.txts is None:
        return []
    boxes = []
    for pts, txt, score in zip(out.boxes.tolist(), out.txts, out.scores):
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        angle = math.atan2(pts[1][1] - pts[0][1], pts[1][0] - pts[0][0])
        if txt.strip():
            boxes.append(Box(txt.strip(), min(xs), min(ys), max(xs), max(ys), angle, float(score)))
    return boxes


def lines_of(boxes: list[Box]) -> tuple[list[str], list[bool]]:
    """Reading order: rotate box centres by the median skew, group into lines, order each line left to right.
    Returns the lines and whether each reaches the right margin of the text block."""
    if not boxes:
        return [], []
    wide = sorted(b.angle for b in boxes if b.x1 - b.x0 > 3 * b.h) or [0.0]
    skew = wide[len(wide) // 2]
    cos, sin = math.cos(-skew), math.sin(-skew)

    def centre(b: Box) -> tuple[float, float]:
        cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
        return cx * cos - cy * sin, cx * sin + cy * cos

    heights = sorted(b.h for b in boxes)
    h = heights[len(heights) // 2] or 1.0
    placed = sorted(((centre(b), b) for b in boxes), key=lambda t: t[0][1])
    rows: list[list[tuple[tuple[float, float], Box]]] = []
    for c, b in placed:
        if rows and abs(c[1] - sum(p[0][1] for p in rows[-1]) / len(rows[-1])) < 0.5 * h:
            rows[-1].append((c, b))
        else:
            rows.append([(c, b)])
    left = min(b.x0 for b in boxes)
    ends = sorted(b.x1 for b in boxes)
    right = ends[int(len(ends) * 0.8)]  # the right margin most lines reach (a wide first line must not set it)
    lines, full = [], []
    for row in rows:
        row.sort(key=lambda t: t[0][0])
        text = row[0][1].text
        for (_, prev), (_, cur) in zip(row, row[1:]):
            gap = cur.x0 - prev.x1
            text += (" | " if gap > 4 * h else " " if gap > 0.6 * h else "") + cur.text
        if row[0][1].x0 > left + 0.9 * h:  # box height ≈ 1.2 characters; paragraphs indent two  # an indented line starts a paragraph: 「第一条为…」 → 「第一条 为…」
            text = LEADING_LABEL.sub(r"\1 ", text, count=1)
        lines.append(cjk_punct(text))
        full.append(row[-1][1].x1 >= right - 1.5 * h and row[0][1].x0 <= left + 2.5 * h)
    return lines, full


def ocr_images(images: Iterable, display: str, total: int, limits: Limits | None = None) -> tuple[list[list[str]], list[list[bool]]]:
    """Recognise page images in order; per-page progress, per-file page and time limits."""
    limits = limits or LIMITS
    if total > limits.max_ocr_pages:
        raise LoadError(display, f"需要识别 {total} 页，超过单个文件 OCR 上限 {limits.max_ocr_pages} 页，请拆分后再导入")
    progress = PAGE_PROGRESS.get()
    start = time.monotonic()
    pages, flags = [], []
    for i, image in enumerate(images, 1):
        if time.monotonic() - start > limits.ocr_seconds:
            raise LoadError(display, f"OCR 超时：{limits.ocr_seconds:g} 秒内只识别了 {i - 1}/{total} 页，请拆分文件后再导入")
        if progress:
            progress(display, i, total)
        lines, full = lines_of(recognise(image))
        pages.append(lines)
        flags.append(full)
    return pages, flags


def load_image(data: bytes, display: str) -> tuple[list[list[str]], list[list[bool]]]:
    """A .png/.jpg/.tif file (every frame of a multi-page TIFF)."""
    import io

    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs
    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(img)][: LIMITS.max_ocr_pages + 1]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise LoadError(display, f"图片无法读取（{type(exc).__name__}：{exc}）") from exc
    return ocr_images([_fit(f) for f in frames], display, len(frames))


def _fit(img, longest: int = 2400):
    """Scale huge scans down; OCR cost grows with pixels and the models work at about 150–200 dpi."""
    w, h = img.size
    if max(w, h) > longest:
        s = longest / max(w, h)
        img = img.resize((int(w * s), int(h * s)))
    return img
