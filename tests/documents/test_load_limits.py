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

pytestmark = pytest.mark.redteam


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
@pytest.mark.redteam(row="uploads,d1")
def test_zip_bomb_is_refused_before_inflating(tmp_path, name, inner):
    path = _bomb(tmp_path / name, inner, 125)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(LoadError, match="疑似压缩炸弹"):
        read_text(path, name)


@pytest.mark.redteam(row="d1")
def test_zip_bomb_total_size_over_many_parts(tmp_path):
    from assistant.documents import limits

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(4):
            zf.writestr(f"word/media/{i}.bin", b"\0" * (1024 * 1024))
    with pytest.raises(LoadError, match="解压后总大小 4 MB 超过上限 3 MB"):
        limits.open_zip(buf.getvalue(), "x.docx", ".docx", limits.Limits(max_unzipped_mb=3))


@pytest.mark.redteam(row="uploads,d2")
def test_yaml_alias_bomb_in_front_matter_is_refused():
    bomb = "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)) + "title: *i\n---\n第一条 正文。\n"
    assert len(bomb) < 400
    with pytest.raises(LoadError, match="YAML"):
        split_front_matter(bomb, "bomb.md")


@pytest.mark.redteam(row="d2,d9")
def test_front_matter_value_size_and_bad_date_are_one_line():
    with pytest.raises(LoadError, match="超过 4000 个字符"):
        split_front_matter("---\ntitle: " + "长" * 5000 + "\n---\n正文\n", "long.md")
    with pytest.raises(LoadError, match="YAML 头部无效"):
        split_front_matter("---\npublished: 2024-13-45\n---\n正文\n", "date.md")
    assert split_front_matter("---\ntitle: 办法\n---\n正文\n", "ok.md") == ({"title": "办法"}, "正文\n")


@pytest.mark.redteam(row="d10")
def test_deeply_nested_html_is_refused_quickly(tmp_path):
    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 16000 + "第一条 正文" + "</div>" * 16000, encoding="utf-8")
    with pytest.raises(LoadError, match=r"嵌套层级过深（1600\d 层"):
        read_text(tmp_path / "deep.html", "deep.html")
    ok = "<html><body>" + "<div>" * 100 + "<p>第一条 正文内容。</p>" + "</div>" * 100 + "</body></html>"
    (tmp_path / "ok.html").write_text(ok, encoding="utf-8")
    assert "第一条 正文内容。" in read_text(tmp_path / "ok.html", "ok.html")


@pytest.mark.redteam(row="d10")
def test_large_flat_html_is_linear(tmp_path):
    """220 KB of paragraphs (the review-tab case that cost 60 s) loads in one pass."""
    body = "".join(f"<p>第{i}条 对固定资产投资1亿元以上的项目给予奖励。</p>" for i in range(1, 6000))
    (tmp_path / "big.html").write_text(f"<html><body><div>{body}</div></body></html>", encoding="utf-8")
    text = read_text(tmp_path / "big.html", "big.html")
    assert text.count("给予奖励") == 5999


@pytest.mark.redteam(row="d10")
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


@pytest.mark.redteam(row="d18")
def test_nul_bytes_after_4kb_never_reach_a_clause(tmp_path):
    data = ("第一条 " + "投资奖励。" * 1000 + "\n").encode("utf-8") + b"\0\0\0" + "第二条 附则。\n".encode()
    assert data.index(b"\0") > 4096
    (tmp_path / "nul.txt").write_bytes(data)
    with pytest.raises(LoadError, match="二进制"):
        read_text(tmp_path / "nul.txt", "nul.txt")
    # control characters from any loader are removed before parsing
    from assistant.documents.load import normalise

    assert "\0" not in normalise("第一条\0 正文\x07。")


@pytest.mark.redteam(row="d19")
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec):
    mixed = "第一条 为促进投资，制定本办法。\n第二条 投资1亿元以上的项目给予奖励。\n"
    assert decode(mixed.encode(codec), "a.txt") == mixed
    pure = "第三条为促进投资制定本办法第五条投资两亿元以上的项目给予奖励"  # no ASCII: no NUL bytes at all
    assert b"\0" not in pure.encode(codec)
    assert decode(pure.encode(codec), "b.txt") == pure


@pytest.mark.redteam(row="d19")
def test_gbk_is_not_mistaken_for_utf16():
    text = "第一条 为促进投资，制定本办法。第二条 投资奖励。"
    assert decode(text.encode("gbk"), "g.txt") == text
    assert decode(text.replace(" ", "").encode("gbk"), "g.txt") == text.replace(" ", "")


@pytest.mark.redteam(row="uploads,d9")
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


def _laughs(root: str, levels: int = 9) -> str:
    """Billion laughs: `levels` nested entities of ten each (10^9 'lol's at 9 levels) in a few hundred bytes."""
    ents = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1))
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{ents}]>'


@pytest.mark.redteam(row="uploads")
@pytest.mark.parametrize("kind", [".docx", ".html", ".xhtml.html", ".ofd"])
def test_billion_laughs_xml_is_refused_or_left_unexpanded(tmp_path, kind):
    import resource

    if kind == ".docx":
        import docx

        docx.Document().save(tmp_path / "ok.docx")
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        xml = _laughs("w:document") + f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>第一条 &l9;</w:t></w:r></w:p></w:body></w:document>'
        with zipfile.ZipFile(tmp_path / "ok.docx") as zin, zipfile.ZipFile(tmp_path / "laughs.docx", "w") as zout:
            for info in zin.infolist():
                zout.writestr(info, xml.encode() if info.filename == "word/document.xml" else zin.read(info.filename))
        name = "laughs.docx"
    elif kind == ".ofd":
        with zipfile.ZipFile(tmp_path / "laughs.ofd", "w") as zf:
            zf.writestr("OFD.xml", _laughs("ofd:OFD") + '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">&l9;</ofd:OFD>')
        name = "laughs.ofd"
    else:
        body = "<html><body><p>第一条 &l9;</p></body></html>"
        name = "laughs.html"
        (tmp_path / name).write_text((_laughs("html") if kind == ".html" else _laughs("html", 6)) + body, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        text = read_text(tmp_path / name, name)
    except LoadError as exc:
        assert name in str(exc) and "\n" not in str(exc)
    else:
        assert "lollol" not in text and len(text) < 10_000  # the entities were not expanded
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KB: no expansion in memory


@pytest.mark.redteam(row="d3")
def test_a_huge_line_without_sentence_ends_is_cut_into_bounded_chunks(tmp_path):
    from assistant.documents.parse import MAX_CHUNK, chunk
    from assistant.documents.source import load_document, scan

    (tmp_path / "line.md").write_text("# 长行\n\n第一条 " + "一行没有句末标点的文字" * 200_000 + "\n", encoding="utf-8")
    doc = load_document(next(iter(scan([tmp_path]))), {}, 50)
    pieces = chunk(doc)
    assert len(pieces) > 1000 and max(len(p.text) for p in pieces) <= MAX_CHUNK
    assert len({p.article for p in pieces}) == 1  # one paragraph: never split across articles


@pytest.mark.redteam(row="d10")
def test_chunking_many_articles_is_linear(tmp_path):
    """100k articles: the parent lookup is one probe per 「第」 (it was a scan over every earlier article). The join
    timeout is a hang guard only (quadratic took ~15 min here; linear takes a few seconds)."""
    import threading

    from assistant.documents.parse import chunk
    from assistant.documents.source import load_document, scan

    (tmp_path / "many.md").write_text("# 办法\n\n" + "".join(f"第{i}条 内容{i}。\n\n" for i in range(1, 100_001)), encoding="utf-8")
    doc = load_document(next(iter(scan([tmp_path]))), {}, 50)
    got = []
    t = threading.Thread(target=lambda: got.append(chunk(doc)), daemon=True)
    t.start()
    t.join(240)
    assert got and len(got[0]) == 100_000
