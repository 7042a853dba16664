"""Issue #16 loader defects: zip bombs (docx/xlsx/OFD), YAML alias bombs, deep HTML, huge PDFs, NUL bytes after
4 KB, UTF-16 without a BOM. Each bad file gets one Chinese line; the rest of an ingest goes on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.documents.load import decode, read_text
from assistant.documents.meta import split_front_matter
from assistant.errors import LoadError


def _bomb(path: Path, inner: str, mb: int) -> Path:
    """A small zip whose one member inflates to `mb` MB of zeros (deflate ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(inner, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mb):
                fh.write(chunk)
    return path


@pytest.mark.parametrize("name, inner", [("bomb.docx", "word/document.xml"), ("bomb.xlsx", "xl/workbook.xml"),
                                         ("bomb.ofd", "OFD.xml")])
def test_zip_bomb_is_refused_before_inflating(tmp_path, name, inner):
    path = _bomb(tmp_path / name, inner, 125)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(LoadError, match="疑似压缩炸弹"):
        read_text(path, name)


def test_zip_bomb_total_size_over_many_parts(tmp_path):
    from assistant.documents import limits

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(4):
            zf.writestr(f"word/media/{i}.bin", b"\0" * (1024 * 1024))
    with pytest.raises(LoadError, match="解压后总大小 4 MB 超过上限 3 MB"):
        limits.open_zip(buf.getvalue(), "x.docx", ".docx", limits.Limits(max_unzipped_mb=3))


def test_yaml_alias_bomb_in_front_matter_is_refused():
    bomb = "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)) + "title: *i\n---\n第一条 正文。\n"
    assert len(bomb) < 400
    with pytest.raises(LoadError, match="YAML"):
        split_front_matter(bomb, "bomb.md")


def test_front_matter_value_size_and_bad_date_are_one_line():
    with pytest.raises(LoadError, match="超过 4000 个字符"):
        split_front_matter("---\ntitle: " + "长" * 5000 + "\n---\n正文\n", "long.md")
    with pytest.raises(LoadError, match="YAML 头部无效"):
        split_front_matter("---\npublished: 2024-13-45\n---\n正文\n", "date.md")
    assert split_front_matter("---\ntitle: 办法\n---\n正文\n", "ok.md") == ({"title": "办法"}, "正文\n")


def test_deeply_nested_html_is_refused_quickly(tmp_path):
    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 16000 + "第一条 正文" + "</div>" * 16000, encoding="utf-8")
    with pytest.raises(LoadError, match=r"嵌套层级过深（1600\d 层"):
        read_text(tmp_path / "deep.html", "deep.html")
    ok = "<html><body>" + "<div>" * 100 + "<p>第一条 正文内容。</p>" + "</div>" * 100 + "</body></html>"
    (tmp_path / "ok.html").write_text(ok, encoding="utf-8")
    assert "第一条 正文内容。" in read_text(tmp_path / "ok.html", "ok.html")


def test_large_flat_html_is_linear(tmp_path):
    """220 KB of paragraphs (the review-tab case that cost 60 s) loads in one pass."""
    body = "".join(f"<p>第{i}条 对固定资产投资1亿元以上的项目给予奖励。</p>" for i in range(1, 6000))
    (tmp_path / "big.html").write_text(f"<html><body><div>{body}</div></body></html>", encoding="utf-8")
    text = read_text(tmp_path / "big.html", "big.html")
    assert text.count("给予奖励") == 5999


def test_pdf_page_limit(tmp_path, monkeypatch):
    from pypdf import PdfWriter

    from assistant.documents import limits, pdf

    writer = PdfWriter()
    for _ in range(30):
        writer.add_blank_page(width=200, height=200)
    writer.write(tmp_path / "many.pdf")
    monkeypatch.setattr(pdf, "LIMITS", limits.Limits(max_pages=20))
    with pytest.raises(LoadError, match="PDF 共 30 页，超过上限 20 页"):
        read_text(tmp_path / "many.pdf", "many.pdf")


def test_nul_bytes_after_4kb_never_reach_a_clause(tmp_path):
    data = ("第一条 " + "投资奖励。" * 1000 + "\n").encode("utf-8") + b"\0\0\0" + "第二条 附则。\n".encode()
    assert data.index(b"\0") > 4096
    (tmp_path / "nul.txt").write_bytes(data)
    with pytest.raises(LoadError, match="二进制"):
        read_text(tmp_path / "nul.txt", "nul.txt")
    # control characters from any loader are removed before parsing
    from assistant.documents.load import normalise

    assert "\0" not in normalise("第一条\0 正文\x07。")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec):
    mixed = "第一条 为促进投资，制定本办法。\n第二条 投资1亿元以上的项目给予奖励。\n"
    assert decode(mixed.encode(codec), "a.txt") == mixed
    pure = "第三条为促进投资制定本办法第五条投资两亿元以上的项目给予奖励"  # no ASCII: no NUL bytes at all
    assert b"\0" not in pure.encode(codec)
    assert decode(pure.encode(codec), "b.txt") == pure


def test_gbk_is_not_mistaken_for_utf16():
    text = "第一条 为促进投资，制定本办法。第二条 投资奖励。"
    assert decode(text.encode("gbk"), "g.txt") == text
    assert decode(text.replace(" ", "").encode("gbk"), "g.txt") == text.replace(" ", "")


def test_one_bad_file_never_stops_the_rest(tmp_path):
    from assistant.documents.source import load_document, scan

    folder = tmp_path / "in"
    folder.mkdir()
    _bomb(folder / "a-bomb.docx", "word/document.xml", 125)
    (folder / "b-alias.md").write_text("---\nt: &x a\nu: *x\n---\n第一条 正文。\n", encoding="utf-8")
    (folder / "c-deep.html").write_text("<div>" * 3000, encoding="utf-8")
    (folder / "d-good.md").write_text("# 办法\n\n第一条 正文。\n\n第二条 附则。\n", encoding="utf-8")
    lines = []
    for src in scan([folder]):
        try:
            doc = load_document(src, {}, 50)
            lines.append(f"ok {src.rel} {doc.meta.title}")
        except LoadError as exc:
            lines.append(f"failed {exc}")
    assert [l.split()[0] for l in lines] == ["failed", "failed", "failed", "ok"]
    assert all("\n" not in l for l in lines) and lines[-1] == "ok d-good.md 办法"
