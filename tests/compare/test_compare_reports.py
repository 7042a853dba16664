"""Word / Excel / chart outputs, the CLI and the 「区域对标」 app handler (small index, fake embedder)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from compare_index import LIUHE, PROJECT, build, rule_dirs

from assistant.compare import report_docx, report_md, report_xlsx
from assistant.compare.chain import chain_view
from assistant.compare.chart import bar_chart
from assistant.compare.cite import resolve, titles_of
from assistant.compare.service import compare, profile_from

REGIONS = ["柳河县", "临港地区", "滨湖", "盘县"]


@pytest.fixture(scope="module")
def index(tmp_path_factory, shared_corpus):
    return build(tmp_path_factory.mktemp("compare-reports"), shared_corpus)


@pytest.fixture(scope="module")
def made(index):
    c = compare(profile_from(PROJECT), index, rule_dirs(), regions=REGIONS, as_of=LIUHE)
    return c, chain_view("新能源汽车/动力电池制造/中游", index, rule_dirs(), regions=REGIONS, as_of=LIUHE)


def test_chart_png_opens(made, tmp_path):
    from PIL import Image

    c, _ = made
    png = bar_chart(c, tmp_path / "chart.png")
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size[0] > 800 and im.size[1] > 300
        colours = {im.convert("RGB").getpixel((x, y)) for x in range(0, im.size[0], 7) for y in range(0, im.size[1], 7)}
    assert (192, 0, 0) in colours  # the red-flagged bar of 柳河县 is drawn


def test_workbook_has_one_sheet_per_view(made, index, tmp_path):
    import openpyxl

    c, chain = made
    path = tmp_path / "对标.xlsx"
    report_xlsx.workbook(c, path, chain)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["排名", "条件对照", "明细", "产业链政策清单", "失效政策"]
    ranking = list(wb["排名"].iter_rows(min_row=2, max_row=5, values_only=True))
    assert ranking[0][:6] == (1, "吉林省柳河县", 0, 1500, 6000, 2480)  # numbers an officer can sum
    assert any(r[1] == "盘县" and str(r[10]).startswith("无可用规则") or r[1] == "贵州省盘县" and r[9] for r in ranking)
    titles = titles_of(index.store)
    cells = [str(v) for row in wb["条件对照"].iter_rows(min_row=2, values_only=True) for v in row[1:] if v]
    cites = [m for cell in cells for m in re.findall(r"《[^\n]+》[^（\n]+(?=（)", cell)]
    assert cites and all(resolve(x, index.store, titles) for x in cites)
    listing = list(wb["产业链政策清单"].iter_rows(min_row=3, values_only=True))
    assert listing and all(resolve(r[6], index.store, titles) for r in listing)
    assert any(r[2] == "工业类项目固定资产投资奖励" for r in listing)
    lapsed = list(wb["失效政策"].iter_rows(min_row=2, values_only=True))
    assert ("上海市临港地区", "《关于建设国际智能制造中心的若干配套政策》", "已失效", "2016-01-01", "2020-12-31", "") == \
        tuple(v or "" for v in lapsed[1])


def test_word_report_renders_with_chart_and_chinese_fonts(made, tmp_path):
    import docx

    c, chain = made
    path = tmp_path / "对标.docx"
    report_docx.docx(c, path, chain)
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "竞合区域政策对标报告" in text and "合法估算支持最高的是吉林省柳河县" in text
    assert len(d.inline_shapes) == 1 and len(d.tables) == 5
    assert d.tables[0].rows[1].cells[1].text == "吉林省柳河县"
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice / poppler-utils not installed: rendering not checked")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "对标.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # Chinese text set in a CJK font, not boxes
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    from PIL import Image

    page = next(tmp_path.glob("page*.png"))
    with Image.open(page) as im:
        assert im.size[0] > im.size[1]  # landscape
        assert len(im.convert("L").getcolors(1 << 16) or []) > 20  # text and chart, not a blank page


def test_markdown_report_has_every_view(made):
    c, chain = made
    md = report_md.markdown(c, chain)
    for heading in ("## 一、合法估算支持排名", "## 二、支持条件对照（按支持类型）", "## 已不在有效期内的政策", "## 三、逐项明细",
                    "## 四、产业链政策清单：新能源汽车/动力电池制造/中游"):
        assert heading in md
    assert "#第" not in md  # citations, never raw clause ids


def test_cli(index, tmp_path, capsys):
    from assistant.cli.main import main

    prof = tmp_path / "p.yaml"
    prof.write_text("\n".join(f"{k}: {v}" for k, v in PROJECT.items()), encoding="utf-8")
    base = ["--index", str(index.root), "--rules", *map(str, rule_dirs())]
    assert main(["compare", "--list-regions", *base]) == 0
    out = capsys.readouterr().out
    assert "吉林省柳河县\t可对标" in out and ("贵州省盘县\t无可用规则" in out or "贵州省盘县\t仅有待审核规则" in out)
    for suffix in (".docx", ".xlsx", ".md", ".json"):
        path = tmp_path / f"r{suffix}"
        assert main(["compare", str(prof), *base, "--regions", "柳河县,临港地区", "--as-of", "2024-06-01", "-o", str(path)]) == 0
        assert path.stat().st_size > 1000
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [r["region"] for r in data["regions"]] == ["吉林省柳河县", "上海市临港地区"]
    assert data["chain"]["chain"] == "新能源汽车/新能源汽车动力电池制造/中游"  # from the profile's chain fields
    capsys.readouterr()
    assert main(["compare", str(prof), *base, "-o", str(tmp_path / "r.pdf")]) == 1
    assert "不支持的报告格式" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("industry: 制造\nland_mu: 很多\n", encoding="utf-8")
    assert main(["compare", str(bad), *base]) == 1
    assert "用地（亩）（land_mu）" in capsys.readouterr().err
    assert main(["compare", *base]) == 1
    assert "PROFILE" in capsys.readouterr().err


def test_app_tab_handler(index, tmp_path):
    from assistant.app.audit import AuditLog
    from assistant.app.tab_compare import compare_regions
    from assistant.app.ui import AppContext

    ctx = AppContext(index.root, AuditLog(tmp_path / "a.sqlite"), None, rule_dirs=tuple(rule_dirs()))
    report, files = compare_regions(ctx, json.dumps(PROJECT, ensure_ascii=False), "柳河县，临港地区", "2024-06-01", "")
    assert "竞合区域政策对标" in report and "吉林省柳河县" in report
    names = ["区域对标报告.docx", "区域对标.xlsx", "区域对标报告.md", "区域对标.json", "产业链政策清单.xlsx"]
    assert [f.rsplit("/", 1)[1] for f in files] == names  # the profile names its chain, so the investor list too
    report, files = compare_regions(ctx, "{not json", "", "", "")
    assert report.startswith("⚠️ 项目信息格式错误") and files == []
    report, files = compare_regions(ctx, json.dumps({"land_mu": -1}), "", "", "")
    assert "land_mu" in report and files == []
    assert ctx.audit.verify()[0]


def test_missing_openpyxl_says_what_to_install(made, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match="pip install"):
        report_xlsx.workbook(made[0], tmp_path / "x.xlsx")


def test_app_has_the_tab(index, tmp_path):
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext, build_app

    app = build_app(AppContext(index.root, AuditLog(tmp_path / "a.sqlite"), None, rule_dirs=tuple(rule_dirs())))
    cfg = app.get_config_file() if hasattr(app, "get_config_file") else app.config
    assert "区域对标" in json.dumps(cfg, ensure_ascii=False, default=str)
    assert "compare" in [d.get("api_name") for d in cfg.get("dependencies", [])]


def test_investor_list_leaves_out_red_flags_and_candidates(made, index, tmp_path, capsys):
    import openpyxl

    from assistant.cli.main import main

    c, chain = made
    assert any(i.offer.red_flags for i in chain.items)
    n = report_xlsx.investor_list(chain, c.as_of, tmp_path / "清单.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "清单.xlsx")["产业链政策清单"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == n == sum(1 for i in chain.items if not i.offer.red_flags and not i.offer.candidate) > 0
    assert all("不宜对外承诺" not in str(r[5]) and r[7] == "现行有效" for r in rows)
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps({"fixed_asset_investment_wan": 1000}), encoding="utf-8")  # no chain fields
    base = ["--index", str(index.root), "--rules", *map(str, rule_dirs())]
    assert main(["compare", str(prof), *base, "--chain-list", str(tmp_path / "b.xlsx")]) == 1
    assert "--chain-list 需要产业链" in capsys.readouterr().err
    assert main(["compare", str(prof), *base, "--chain", "新能源汽车/动力电池制造", "--as-of", "2024-06-01",
                 "--chain-list", str(tmp_path / "b.xlsx")]) == 0
    assert "项政策）" in capsys.readouterr().out and (tmp_path / "b.xlsx").exists()
