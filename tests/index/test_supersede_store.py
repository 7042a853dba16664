"""A newer same-title local policy repeals the older one for search, match and docs, without an overlay."""

from __future__ import annotations

import json
import shutil
from datetime import date

from assistant.documents.model import DocMeta
from assistant.documents.supersede import supersede
from assistant.index.ingest import ingest
from assistant.index.open import Index
from assistant.retrieve import Filters, HybridRetriever

OLD = "liuhe-county-key-industries-opinions-earlier.md"
NEW = "liuhe-county-key-industries-support-opinions-2023.md"


def test_supersede_rules_and_overlay_wins():
    a = DocMeta(title="某县招商引资优惠办法（2019年版）", region="某省某县", kind="local_policy", effective="2019-01-01")
    b = DocMeta(title="某县招商引资优惠办法（2022年修订）", region="某省某县", kind="local_policy", effective="2022-05-01")
    other = DocMeta(title="某县旅游业发展若干意见", region="某省某县", kind="local_policy", effective="2023-01-01")
    elsewhere = DocMeta(title="某县招商引资优惠办法（2024年版）", region="别省别县", kind="local_policy", effective="2024-01-01")
    out = supersede({"a": a, "b": b, "o": other, "e": elsewhere})
    assert (out["a"].repealed, out["a"].superseded_by) == ("2022-05-01", "b") and "某县招商引资优惠办法" in out["a"].note
    assert out["a"].status(date(2022, 4, 30)) == "in_force" and out["a"].status(date(2022, 5, 1)) == "repealed"
    assert out["b"].repealed is None and out["o"].repealed is None and out["e"].repealed is None
    given = supersede({"a": DocMeta(**{**a.to_dict(), "repealed": "2021-01-01", "note": "见覆盖文件"}), "b": b})
    assert (given["a"].repealed, given["a"].note) == ("2021-01-01", "见覆盖文件")


def test_liuhe_earlier_version_is_repealed_in_search_and_docs(tmp_path, shared_corpus, capsys):
    root = tmp_path / "corpus"
    root.mkdir()
    for name in (OLD, NEW):
        shutil.copy(shared_corpus / name, root / name)  # no MANIFEST, no overlay
    index = Index.open(tmp_path / "idx", embedder="fake")
    ingest([root], index, show_progress=False)
    stored = {r["doc_id"]: r["meta"] for r in index.store.doc_rows()}
    assert stored[OLD[:-3]]["repealed"] is None  # what the file says is kept as stored
    hits = HybridRetriever(index).search("固定资产投资奖励", k=20, filters=Filters(as_of=date(2024, 6, 1)))
    assert hits and all(h.chunk.doc_id == NEW[:-3] for h in hits)
    old_hits = HybridRetriever(index).search("固定资产投资奖励", k=40, filters=Filters(as_of=date(2024, 6, 1), include_inactive=True))
    old_hit = next(h for h in old_hits if h.chunk.doc_id == OLD[:-3]).to_dict(date(2024, 6, 1))
    assert old_hit["status"] == "repealed" and old_hit["superseded_by"] == NEW[:-3] and "2023-02-08" in old_hit["note"]
    from assistant.cli.main import main

    assert main(["docs", "--index", str(tmp_path / "idx"), "--json"]) == 0
    docs = {d["doc_id"]: d for d in json.loads(capsys.readouterr().out)}
    assert docs[OLD[:-3]]["status"] == "repealed" and docs[NEW[:-3]]["superseded_by"] is None
