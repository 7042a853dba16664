"""Formats county offices publish, rendered at test time from real county policies (shared/eval/county-policies):
scanned PDF and image (RapidOCR), .doc/.wps (LibreOffice), OFD, .xlsx, text PDF layout repairs, GBK portal pages."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from assistant.documents.load import load_file, read_text
from assistant.documents.model import DocMeta, Document
from assistant.documents.parse import clauses
from assistant.errors import LoadError
from assistant.evaluate import format_fixtures as fx

COUNTY = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "county-policies"
PANXIAN = COUNTY / "guizhou-panxian-zhaoshang-youhui-banfa.md"  # 第一条…第四条, chapters
CHANGFENG = COUNTY / "anhui-changfeng-chanye-shengji-zhengce-2018.md"  # 1. 2. 3. items, 「3000万元以上」


@pytest.fixture(scope="module")
def panxian():
    if not PANXIAN.exists():
        pytest.skip(f"county policies not found at {COUNTY}")
    return fx.read_policy(PANXIAN)


@pytest.fixture(scope="module")
def changfeng():
    if not CHANGFENG.exists():
        pytest.skip(f"county policies not found at {COUNTY}")
    return fx.read_policy(CHANGFENG)


def articles(text: str) -> list[str]:
    return [c.article for c in clauses(Document("d", "d", "", text, DocMeta(title="")))]


def test_scanned_pdf_is_read_by_ocr_in_order(panxian, tmp_path):
    pages = []
    from assistant.documents import ocr

    token = ocr.PAGE_PROGRESS.set(lambda f, i, n: pages.append((f, i, n)))
    try:
        text = read_text(fx.scan_pdf(panxian, tmp_path / "scan.pdf", seed=3), "scan.pdf")
    finally:
        ocr.PAGE_PROGRESS.reset(token)
    assert fx.char_accuracy(text, panxian.plain) >= 0.98
    assert [a for a in articles(text) if a.startswith("第")] == ["第一条", "第二条", "第三条", "第四条"]
    assert pages == [("scan.pdf", 1, 1)]


def test_multi_page_scan_drops_page_numbers_and_joins_across_pages(changfeng, tmp_path):
    path = fx.scan_pdf(changfeng, tmp_path / "long.pdf", min_pages=2)
    text = read_text(path, "long.pdf")
    assert "—" not in text.replace("——", "")  # 「— 1 —」「— 2 —」 gone
    assert "3000万元以上" in text
    assert sum(1 for l in text.splitlines() if l.startswith("1.")) == 2  # the policy twice, once per page


def test_png_and_tiff_scans(panxian, tmp_path):
    page = fx.scan_pages(panxian, seed=5)[0]
    page.save(tmp_path / "p.png")
    page.save(tmp_path / "p.tif")
    for name in ("p.png", "p.tif"):
        assert fx.char_accuracy(read_text(tmp_path / name, name), panxian.plain) >= 0.98


def test_blank_image_and_broken_image_get_one_line(tmp_path):
    from PIL import Image

    Image.new("L", (800, 600), 255).save(tmp_path / "blank.png")
    with pytest.raises(LoadError, match="OCR 未识别出文字"):
        read_text(tmp_path / "blank.png", "blank.png")
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(LoadError, match="图片无法读取"):
        read_text(tmp_path / "bad.jpg", "bad.jpg")


def test_garbage_text_layer_page_is_ocred(panxian, tmp_path, monkeypatch):
    from assistant.documents import pdf

    assert pdf.needs_ocr("(cid:12)(cid:40)(cid:7)(cid:99)" * 5)
    assert pdf.needs_ocr("\ue000\ue001\ue002\ue003" * 10)
    assert not pdf.needs_ocr("第一条 为加快招商引资步伐，优化投资环境。")
    # a page whose layer is private-use glyphs: OCR replaces it
    monkeypatch.setattr(pdf, "_pdfium_texts", lambda data, display="": ["\ue000\ue001\ue002" * 30])
    text = read_text(fx.scan_pdf(panxian, tmp_path / "g.pdf", seed=1), "g.pdf")
    assert "\ue000" not in text and "招商引资" in text


def test_ocr_page_and_time_limits(panxian, tmp_path, monkeypatch):
    from assistant.documents import limits, ocr

    path = fx.scan_pdf(panxian, tmp_path / "two.pdf", min_pages=2)
    monkeypatch.setattr(ocr, "LIMITS", limits.Limits(max_ocr_pages=1))
    with pytest.raises(LoadError, match="超过单个文件 OCR 上限 1 页"):
        read_text(path, "two.pdf")
    monkeypatch.setattr(ocr, "LIMITS", limits.Limits(ocr_seconds=0.0))
    with pytest.raises(LoadError, match="OCR 超时"):
        read_text(path, "two.pdf")


def test_missing_rapidocr_names_the_package(monkeypatch, tmp_path, panxian):
    from assistant.documents import ocr

    monkeypatch.setattr(ocr, "_FREE", [])
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    with pytest.raises(LoadError, match="pip install rapidocr"):
        read_text(fx.scan_pdf(panxian, tmp_path / "s.pdf"), "s.pdf")


def test_text_pdf_joins_wraps_fixes_spacing_drops_header(changfeng, tmp_path):
    text = read_text(fx.text_pdf(changfeng, tmp_path / "t.pdf"), "t.pdf")
    assert "3000万元以上" in text and "5亿元以上" in text  # extraction gives 「3000 万元」「5 亿元\n以上」
    assert "县人民政府规范性文件" not in text and "- 1 -" not in text
    assert fx.char_accuracy(text, changfeng.plain) >= 0.99
    assert [a[:2] for a in articles(text)][-3:] == ["1.", "2.", "3."]  # labels may carry a run-in heading


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("ext", [".doc", ".wps"])
def test_doc_and_wps_via_libreoffice(panxian, tmp_path, ext):
    path = fx.doc_file(panxian, tmp_path / f"p{ext}")
    text = read_text(path, path.name)
    assert fx.char_accuracy(text, panxian.plain) == 1.0
    assert "第四条" in articles(text)


def test_doc_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    from assistant.documents import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(LoadError, match="apt-get install libreoffice-writer-nogui"):
        read_text(tmp_path / "old.doc", "old.doc")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_broken_doc_and_conversion_timeout(tmp_path, monkeypatch):
    from assistant.documents import limits, office

    import random

    noise = bytes(random.Random(1).randrange(256) for _ in range(10000))
    (tmp_path / "junk.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise)
    with pytest.raises(LoadError, match="无法转换|乱码|没有可提取的文字"):
        read_text(tmp_path / "junk.doc", "junk.doc")
    monkeypatch.setattr(office, "LIMITS", limits.Limits(convert_seconds=0.01))
    with pytest.raises(LoadError, match="转换超时"):
        read_text(tmp_path / "junk.doc", "junk.doc")


def test_ofd_in_reading_order_without_page_numbers(panxian, tmp_path):
    text = read_text(fx.ofd_file(panxian, tmp_path / "p.ofd"), "p.ofd")
    assert fx.char_accuracy(text, panxian.plain) == 1.0
    assert "— 1 —" not in text


def test_bad_ofd_packages(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.ofd", "w") as zf:
        zf.writestr("hello.txt", "x")
    with pytest.raises(LoadError, match="没有 OFD.xml"):
        read_text(tmp_path / "a.ofd", "a.ofd")
    with zipfile.ZipFile(tmp_path / "b.ofd", "w") as zf:
        zf.writestr("OFD.xml", '<OFD xmlns="http://www.ofdspec.org/2016"><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>')
    with pytest.raises(LoadError, match="缺少 Doc_0/Document.xml"):
        read_text(tmp_path / "b.ofd", "b.ofd")


def test_xlsx_rows_are_table_clauses(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "奖励标准"
    sheet.append(["投资额", "奖励比例", "上限（万元）"])
    sheet.append(["1亿元以上", 0.05, 500])
    sheet.append(["5000万元以上", "3%", 200.0])
    book.save(tmp_path / "t.xlsx")
    text = read_text(tmp_path / "t.xlsx", "t.xlsx")
    assert "## 奖励标准" in text
    assert "1亿元以上 | 0.05 | 500" in text and "5000万元以上 | 3% | 200" in text
    units = clauses(Document("t", "t.xlsx", "", text, DocMeta(title="t")))
    assert any("5000万元以上" in u.text for u in units)


def test_gbk_portal_page_loses_chrome_and_keeps_info_table_as_hints(panxian, tmp_path):
    loaded = load_file(fx.portal_html(panxian, tmp_path / "p.html"), "p.html")
    for chrome in ("打印", "关闭窗口", "当前位置", "分享到", "扫一扫", "字号", "网站首页", "版权所有", "索引号"):
        assert chrome not in loaded.text, chrome
    assert loaded.text.startswith("# 盘县招商引资优惠办法")
    assert fx.char_accuracy(loaded.text, panxian.plain) >= 0.99
    assert loaded.hints == {"index_no": "11522000/2023-00125", "issuer": "县人民政府办公室",
                            "issued": "2023-05-12", "doc_number": "县政发〔2023〕12号"}


def test_portal_hints_reach_the_document_metadata(panxian, tmp_path):
    from assistant.documents.source import load_document, scan

    fx.portal_html(panxian, tmp_path / "p.html")
    doc = load_document(next(scan([tmp_path])), {}, 50)
    assert doc.meta.doc_number == "县政发〔2023〕12号" and doc.meta.published == "2023-05-12"
    assert doc.meta.issuer == "县人民政府办公室" and doc.hints["index_no"] == "11522000/2023-00125"


def test_info_table_layouts_cells_inline_and_prose_that_names_a_label():
    from assistant.documents.html import load_html

    cells = """<table><tr><th>索引号</th><td>11522/2023-1</td><th>主题分类</th><td>综合政务</td></tr>
    <tr><th>发布机构</th><td>某县人民政府</td><th>成文日期</th><td>2023年05月12日</td></tr>
    <tr><th>发文字号</th><td>某政发〔2023〕3号</td><th>有效性</th><td>有效</td></tr></table><h1>某办法</h1><p>第一条 正文。</p>"""
    text, hints = load_html(cells, "a.html")
    assert hints == {"index_no": "11522/2023-1", "issuer": "某县人民政府", "issued": "2023年05月12日",
                     "doc_number": "某政发〔2023〕3号"}
    assert text == "# 某办法\n第一条 正文。"
    prose = "第一条 本办法所称发布机构，是指印发文件的机关；文号按规定编排，" + "其余内容从略。" * 3
    inline = f"<div>索引号：A-1 发布机构：县政府 发布日期：2020-01-02</div><h1>某办法</h1><p>{prose}</p>"
    text, hints = load_html(inline, "b.html")
    assert hints == {"index_no": "A-1", "issuer": "县政府", "issued": "2020-01-02"}
    assert prose in text  # prose naming 发布机构 and 文号 is not an info table


def test_textfix_units():
    from assistant.documents.textfix import cjk_punct, fix_spacing, furniture_mask, join_wrapped

    assert cjk_punct("盘县招商引资优惠办法(试行)") == "盘县招商引资优惠办法（试行）"
    assert cjk_punct("按4:3:3比例,分3年") == "按4:3:3比例，分3年"
    assert cjk_punct("(砚发〔2011]20号)") == "（砚发〔2011〕20号）"

    assert fix_spacing("投资 1 亿元 以上 的项目，给予 50% 奖励") == "投资1亿元以上的项目，给予50%奖励"
    assert fix_spacing("第三条 按 3 : 3 : 4 比例") == "第三条 按3 : 3 : 4比例"  # the label's space is kept
    lines = ["第一条 为了促进招商引资工作，加快县域经济发展，根据有关法律法", "规的规定，制定本办法。",
             "第二条 本办法适用于在本县投资的企业，以及县外投资者的新增", "投资。", "（一）工业项目；"]
    assert join_wrapped(lines) == ["第一条 为了促进招商引资工作，加快县域经济发展，根据有关法律法规的规定，制定本办法。",
                                   "第二条 本办法适用于在本县投资的企业，以及县外投资者的新增投资。", "（一）工业项目；"]
    pages = [["县政府文件", "正文一", "牵头单位：区经信局", "— 1 —"], ["县政府文件", "正文二", "牵头单位：区经信局", "-2-"],
             ["县政府文件", "正文三", "牵头单位：区经信局", "正文四", "正文五", "第 3 页 共 3 页"]]
    masks = furniture_mask(pages)
    kept = [l for p, m in zip(pages, masks) for l, k in zip(p, m) if k]
    # the repeated header and page numbers go; a repeated line that also occurs inside a page is content
    assert kept == ["正文一", "牵头单位：区经信局", "正文二", "牵头单位：区经信局", "正文三", "牵头单位：区经信局", "正文四", "正文五"]
