"""Batch review: a folder or a zip of drafts → one .docx per draft and one summary .xlsx; a bad draft never stops the rest."""

from __future__ import annotations

import zipfile

import pytest

from assistant.review.batch import SUMMARY_HEADER, review_batch
from assistant.review.service import build_detector

DRAFTS = {
    "甲县办法.txt": "甲县招商办法\n第一条 对在本县注册并纳税的企业，按其缴纳增值税地方留成部分的50%给予奖励。\n第二条 本办法自发布之日起施行。\n",
    "乙县意见.md": "# 乙县意见\n\n一、按其实际缴纳土地出让金的70%予以返还。\n\n二、工业用地依法通过招标、拍卖、挂牌方式出让。\n",
    "坏文件.docx": "not a word file",
}


def _folder(tmp_path):
    src = tmp_path / "drafts"
    src.mkdir()
    for name, text in DRAFTS.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.mark.parametrize("as_zip", [False, True])
def test_batch_reports_and_summary(tmp_path, as_zip):
    from openpyxl import load_workbook

    src = _folder(tmp_path)
    if as_zip:
        z = tmp_path / "drafts.zip"
        with zipfile.ZipFile(z, "w") as zf:
            for p in src.iterdir():
                zf.write(p, p.name)
            zf.writestr("../escape.txt", "第一条 对在本县注册的企业给予奖励。")
        src = z
    out = tmp_path / "out"
    r = review_batch(src, out, build_detector())
    assert sorted(p.name for p in r.reports) == ["乙县意见-审查意见.docx", "甲县办法-审查意见.docx"]
    assert [name for name, _ in r.errors] == ["坏文件.docx"]
    assert not (tmp_path / "escape.txt").exists()
    wb = load_workbook(r.summary)
    rows = list(wb["审查汇总"].iter_rows(values_only=True))
    assert list(rows[0]) == SUMMARY_HEADER
    assert {(row[0], row[1].split("（")[0]) for row in rows[1:]} == {("甲县办法.txt", "1"), ("乙县意见.md", "1")}
    assert all(row[3].startswith("《") and row[4] in ("高", "中") for row in rows[1:])
    assert wb["审查汇总"].column_dimensions["C"].width >= 40
    assert any(row[1] == "失败" for row in wb["文稿"].iter_rows(values_only=True))


def test_cli_batch(tmp_path, capsys):
    from assistant.cli.main import main

    src = _folder(tmp_path)
    assert main(["review", str(src), "-o", str(tmp_path / "out"), "--index", str(tmp_path / "none")]) == 1  # one draft failed
    err = capsys.readouterr().err
    assert "坏文件.docx" in err and "已审查 2 份文稿" in err
    assert (tmp_path / "out" / "审查汇总.xlsx").exists()
