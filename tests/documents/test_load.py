"""Loading real formats and rejecting bad input with one clear line each."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.documents.load import read_text
from assistant.documents.meta import parse_dates
from assistant.errors import LoadError, SkipFile

ARTICLES = "第一条 为了规范公平竞争审查工作，制定本条例。\n第二条 本条例自2024年8月1日起施行。\n"


def make_docx(path: Path, paragraphs: list[str], heading: str | None = None, table: list[list[str]] | None = None) -> Path:
    import docx

    d = docx.Document()
    if heading:
        d.add_heading(heading, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    d.save(str(path))
    return path


def make_pdf(path: Path, lines: list[str] | None, encrypt: str | None = None) -> Path:
    if lines is None:  # image-only: a page with no text layer
        from pypdf import PdfWriter

        w = PdfWriter()
        w.add_blank_page(width=595, height=842)
        if encrypt:
            w.encrypt(encrypt)
        with path.open("wb") as fh:
            w.write(fh)
        return path
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        c.drawString(50, 800 - 20 * i, line)
    c.save()
    return path


def test_utf8_gbk_gb18030_and_bom(tmp_path):
    for name, data in {
        "utf8.txt": ARTICLES.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + ARTICLES.encode("utf-8"),
        "gbk.txt": ARTICLES.encode("gbk"),
        "gb18030.txt": (ARTICLES + "㐀䶵\n").encode("gb18030"),
        "utf16.txt": ARTICLES.encode("utf-16"),
    }.items():
        (tmp_path / name).write_bytes(data)
        text = read_text(tmp_path / name, name)
        assert text.startswith("第一条 为了规范公平竞争审查工作"), name
        assert "\ufeff" not in text


def test_docx_keeps_headings_and_tables(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["第一条 为了规范工作，制定本办法。"], heading="某某办法",
                     table=[["事项编码", "措施描述"], ["100001", "禁止违规开展金融相关经营活动"]])
    text = read_text(path, "a.docx")
    assert "# 某某办法" in text
    assert "100001 | 禁止违规开展金融相关经营活动" in text


def test_pdf_with_text_layer(tmp_path):
    text = read_text(make_pdf(tmp_path / "a.pdf", ARTICLES.strip().split("\n")), "a.pdf")
    assert "第二条 本条例自2024年8月1日起施行" in text


def test_html_structure(tmp_path):
    html = "<html><head><style>p{}</style></head><body><h1>外商投资法</h1><p>第一条 为了进一步扩大对外开放，制定本法。</p>" \
           "<p>第二条 在中华人民共和国境内的外商投资，适用本法。</p><script>alert(1)</script></body></html>"
    (tmp_path / "a.html").write_text(html, encoding="gbk")
    text = read_text(tmp_path / "a.html", "a.html")
    assert "# 外商投资法" in text and "第二条 在中华人民共和国境内" in text and "alert" not in text


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.md", b"", "空文件"),
        ("junk.docx", b"\x00\x01binary junk" * 50, "不是有效的 .docx"),
        ("junk.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "不是有效的 PDF"),
        ("binary.txt", b"\x00\x00\x01\x02" * 100, "二进制"),
        ("blank.md", b"\n\n   \n", "没有可提取的文字"),
    ],
)
def test_bad_files_give_one_clear_reason(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(LoadError) as info:
        read_text(tmp_path / name, name)
    assert reason in info.value.reason and info.value.file == name


def test_truncated_docx(tmp_path):
    good = make_docx(tmp_path / "good.docx", ["第一条 内容。"] * 50).read_bytes()
    (tmp_path / "cut.docx").write_bytes(good[: len(good) // 2])
    with pytest.raises(LoadError, match="损坏或不完整"):
        read_text(tmp_path / "cut.docx", "cut.docx")


def test_zip_that_is_not_a_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("photo.jpg", b"fake")
    (tmp_path / "x.docx").write_bytes(buf.getvalue())
    with pytest.raises(LoadError, match="word/document.xml"):
        read_text(tmp_path / "x.docx", "x.docx")


def test_blank_scanned_pdf_is_refused_after_ocr(tmp_path):
    with pytest.raises(LoadError, match="OCR 未识别出文字"):
        read_text(make_pdf(tmp_path / "scan.pdf", None), "scan.pdf")


def test_encrypted_pdf(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", ARTICLES.strip().split("\n"), encrypt="secret")
    with pytest.raises(LoadError, match="加密"):
        read_text(path, "locked.pdf")


def test_size_limit_and_unknown_extension(tmp_path):
    (tmp_path / "big.txt").write_bytes(ARTICLES.encode() * 2000)
    with pytest.raises(LoadError, match="文件过大"):
        read_text(tmp_path / "big.txt", "big.txt", max_mb=0.01)
    (tmp_path / "a.pptx").write_bytes(b"PK")
    with pytest.raises(SkipFile, match="不支持的文件类型 .pptx"):
        read_text(tmp_path / "a.pptx", "a.pptx")


def test_manifest_date_field_forms():
    assert parse_dates("2024-06-06公布；2024-08-01施行") == {"published": "2024-06-06", "effective": "2024-08-01"}
    assert parse_dates("2016-01-01至2017-12-31") == {"published": "2016-01-01", "effective": "2016-01-01", "expires": "2017-12-31"}
    assert parse_dates("2019-01-01起执行（暂定三年）")["expires"] == "2021-12-31"
    assert parse_dates("2016（政策期限2016-2018）") == {"effective": "2016-01-01", "expires": "2018-12-31"}
    assert parse_dates("2024年底印发，2025-01公开（来源页标注2025-06-23转载）") == {"published": "2025-01-01"}


def test_docx_automatic_numbering_is_kept(tmp_path):
    """Word list numbering (第%1条 in 中文数字, %1.) is rendered into the text, so 条 stay addressable."""
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_paragraph("为了规范招商引资工作，制定本办法。", style="List Number")
    d.add_paragraph("本办法适用于本区招商引资项目。", style="List Number")
    root = d.part.numbering_part.element
    num_id = d.styles["List Number"].element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    abstract_id = next(n.find(qn("w:abstractNumId")).get(qn("w:val")) for n in root.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    lvl = next(a for a in root.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id).find(qn("w:lvl"))
    lvl.find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
    lvl.find(qn("w:lvlText")).set(qn("w:val"), "第%1条")
    d.save(str(tmp_path / "n.docx"))
    text = read_text(tmp_path / "n.docx", "n.docx")
    assert "第一条 为了规范招商引资工作" in text and "第二条 本办法适用于" in text
