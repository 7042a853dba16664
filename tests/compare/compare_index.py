"""A small fast index for the compare tests: the 柳河/临港 policies, the fair-competition rules and the negative
list from ../shared, the sample corpus, and one county policy without rules (given its metadata at test time)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_FILES = ("liuhe-county-key-industries-support-opinions-2023.md", "shanghai-lingang-industry-supporting-policies-2016.md",
                "shanghai-lingang-intelligent-manufacturing-supporting-policies.md", "fair-competition-review-regulation-2024.md",
                "fair-competition-review-implementation-measures-2025.md", "market-access-negative-list-2025-partial.md",
                "MANIFEST.tsv")
COUNTY = "guizhou-panxian-zhaoshang-youhui-banfa.md"
LIUHE, LINGANG, DEMO = date(2024, 6, 1), date(2017, 6, 1), date(2025, 6, 1)
PROJECT = {"name": "动力电池项目", "industry": "新能源汽车动力电池制造", "chain": "新能源汽车", "chain_link": "中游",
           "fixed_asset_investment_wan": "3亿元", "total_investment_wan": "3.5亿元", "land_mu": 100, "annual_tax_wan": 2000,
           "local_fiscal_contribution_wan": 800, "rd_investment_wan": 1500, "chain_role": "补链"}


def rule_dirs() -> list[Path]:
    from assistant.match.service import DEFAULT_RULE_DIRS

    return [Path(d) if Path(d).is_absolute() else REPO / d for d in DEFAULT_RULE_DIRS]


def build(root: Path, shared_corpus: Path):
    from assistant.documents.source import load_overrides
    from assistant.index import Index
    from assistant.index.ingest import ingest

    src = root / "src"
    src.mkdir(parents=True)
    for name in SHARED_FILES:
        shutil.copy(shared_corpus / name, src / name)
    county = shared_corpus.parent / "eval" / "county-policies" / COUNTY
    body = county.read_text(encoding="utf-8")
    (root / "county").mkdir()
    (root / "county" / COUNTY).write_text(
        "---\ntitle: 盘县招商引资优惠办法（试行）\nlevel: county\nregion: 贵州省盘县\nkind: local_policy\n---\n" + body, encoding="utf-8")
    index = Index.open(root / "idx", embedder="fake")
    report = ingest([src, root / "county", REPO / "corpus"], index, show_progress=False,
                    overrides=load_overrides(REPO / "eval" / "shared-metadata.yaml"))
    assert not report.failed, [(r.file, r.detail) for r in report.results if r.status == "failed"]
    return index
