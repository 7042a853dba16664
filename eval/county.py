"""The shared county-policies dev set as an index: the .md files (read by path, copied into a temp folder so the
folder's MANIFEST.tsv level words do not apply) with title/region/kind from MANIFEST.tsv as a metadata overlay.

Used by eval/extraction.py and the match tests; nothing is copied into the repo.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COUNTY = REPO.parent / "shared" / "eval" / "county-policies"


def manifest(folder: Path = COUNTY) -> dict[str, dict]:
    with open(folder / "MANIFEST.tsv", encoding="utf-8") as fh:
        return {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}


def incentives(folder: Path = COUNTY) -> list[dict]:
    return [json.loads(line) for line in (folder / "incentives.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def build_index(root: Path, embedder: str = "fake", folder: Path = COUNTY):
    """Ingest the county policies into a new index at root/index (files copied to root/docs)."""
    from assistant.index import Index
    from assistant.index.ingest import ingest

    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    overrides = {}
    for name, row in manifest(folder).items():
        target = docs / name
        if not target.exists():
            target.write_bytes((folder / name).read_bytes())  # a temp copy: symlinks are refused by the loader
        overrides[name] = {"title": row["title"].replace("（拟题）", ""), "region": row["region"], "kind": "local_policy"}
    index = Index.open(root / "index", embedder=embedder)
    report = ingest([docs], index, show_progress=False, overrides=overrides)
    failed = [r for r in report.results if r.status == "failed"]
    if failed:
        raise RuntimeError(f"county policies failed to ingest: {failed}")
    return index
