"""The OCR engine pool: OpenVINO when installed, onnxruntime otherwise, pages in parallel and in order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.documents import ocr
from assistant.evaluate import format_fixtures as fx

PANXIAN = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "county-policies" / "guizhou-panxian-zhaoshang-youhui-banfa.md"


@pytest.fixture(scope="module")
def page():
    if not PANXIAN.exists():
        pytest.skip("county policies not found")
    policy = fx.read_policy(PANXIAN)
    return policy, fx.scan_pages(policy, seed=2)[0]


def test_onnxruntime_is_the_fallback_without_openvino(page, monkeypatch):
    policy, image = page
    monkeypatch.setitem(sys.modules, "openvino", None)
    monkeypatch.setattr(ocr, "_FREE", [])
    assert "Det.engine_type" not in ocr._params()
    lines, _ = ocr.lines_of(ocr.recognise(image))
    assert fx.char_accuracy("\n".join(lines), policy.plain) >= 0.98


def test_pages_come_back_in_order_with_progress(page):
    pytest.importorskip("openvino")
    policy, image = page
    assert str(ocr._params()["Rec.engine_type"]).endswith("OPENVINO")
    blank = image.point(lambda _: 255)
    seen = []
    token = ocr.PAGE_PROGRESS.set(lambda f, i, n: seen.append((i, n)))
    try:
        pages, _ = ocr.ocr_images([image, blank, image], "p.pdf", 3)
    finally:
        ocr.PAGE_PROGRESS.reset(token)
    assert pages[1] == [] and pages[0] == pages[2] and len(pages[0]) > 5
    assert seen == [(1, 3), (2, 3), (3, 3)]
