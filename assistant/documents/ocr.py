"""OCR for scanned PDFs and images with RapidOCR (PP-OCR models shipped inside the `rapidocr` wheel, run by OpenVINO
when installed, else onnxruntime; pages in parallel, one engine per core).

Boxes are put back into reading order: deskewed by the median box angle, grouped into lines by vertical overlap,
sorted left to right; lines then join into paragraphs by geometry (a line reaching the right margin continues).

    >>> text = ocr_images([Image.open("scan.png")], "scan.png")   # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError
from .limits import LIMITS, Limits
from .textfix import cjk_punct

# progress(file, page, pages) while a file is being recognised; set by ingest / the app
PAGE_PROGRESS: ContextVar[Callable[[str, int, int], None] | None] = ContextVar("PAGE_PROGRESS", default=None)
WORKERS = max(1, min(4, os.cpu_count() or 1))  # pages recognised at once
THREADS = max(1, os.cpu_count() or 1)  # inference threads per engine: all cores (the page threads share the GIL outside inference; measured 20-page scan 0.81 → 1.38 pages/s on 2 cores)
DET_SIDE = 960  # detection input: the longer page side scaled down to this (a 120 dpi A4 page is 1403 px)
_FREE: list = []  # idle engines
_LOCK = threading.Lock()
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


def _params() -> dict:
    """RapidOCR settings: no angle classifier (scans are upright; lines_of handles skew), detection on the page
    scaled to at most DET_SIDE px, recognition two lines a batch (less padding), inference on every core, pages pipelined. OpenVINO
    runs the wheel's ONNX models when it is installed (about 1.8× less CPU per page than onnxruntime on the same
    models, same text); otherwise onnxruntime."""
    from rapidocr import EngineType

    params = {"Global.log_level": "error", "Global.use_cls": False,
              "Det.limit_type": "max", "Det.limit_side_len": DET_SIDE, "Rec.rec_batch_num": 2,
              "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
              "EngineConfig.openvino.inference_num_threads": THREADS}
    try:
        import openvino  # noqa: F401
        import rapidocr
    except ImportError:
        return params
    models = Path(rapidocr.__file__).parent / "models"
    det, rec = models / "PP-OCRv6_det_small.onnx", models / "PP-OCRv6_rec_small.onnx"
    if det.is_file() and rec.is_file():
        params.update({"Det.engine_type": EngineType.OPENVINO, "Det.model_path": str(det),
                       "Rec.engine_type": EngineType.OPENVINO, "Rec.model_path": str(rec)})
    return params


def _new_engine():
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise LoadError("OCR", "扫描件识别需要安装 rapidocr（pip install rapidocr onnxruntime）") from exc
    return RapidOCR(params=_params())


@contextmanager
def engine():
    """An idle RapidOCR engine (one per worker, loaded once; models come from the wheel, nothing is downloaded)."""
    with _LOCK:
        eng = _FREE.pop() if _FREE else None
    if eng is None:
        eng = _new_engine()
    try:
        yield eng
    finally:
        with _LOCK:
            _FREE.append(eng)


def recognise(image) -> list[Box]:
    """Text boxes of one page image (PIL image or numpy array)."""
    import numpy as np

    arr = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else image
    with engine() as eng:
        out = eng(arr)
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
    """Recognise page images, WORKERS pages at a time (the next page renders while others are recognised), results
    in page order; per-page progress as pages finish; per-file page and time limits."""
    limits = limits or LIMITS
    if total > limits.max_ocr_pages:
        raise LoadError(display, f"需要识别 {total} 页，超过单个文件 OCR 上限 {limits.max_ocr_pages} 页，请拆分后再导入")
    progress = PAGE_PROGRESS.get()
    start = time.monotonic()
    pages: list[list[str]] = []
    flags: list[list[bool]] = []

    def collect(future) -> None:
        lines, full = future.result()
        pages.append(lines)
        flags.append(full)
        if progress:
            progress(display, len(pages), total)

    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="ocr")
    pending: deque = deque()
    try:
        for image in images:
            if time.monotonic() - start > limits.ocr_seconds:
                raise LoadError(display, f"OCR 超时：{limits.ocr_seconds:g} 秒内只识别了 {len(pages)}/{total} 页，请拆分文件后再导入")
            pending.append(pool.submit(_page, image))
            while len(pending) > WORKERS:
                collect(pending.popleft())
        while pending:
            collect(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return pages, flags


def _page(image) -> tuple[list[str], list[bool]]:
    return lines_of(recognise(image))


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
