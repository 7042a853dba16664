"""The learned linear ranker: features, the shipped weights, and that it changes the order the way its weights say."""

import json

import numpy as np
import pytest

from assistant.index import Index
from assistant.index.ingest import ingest
from assistant.retrieve import HybridRetriever
from assistant.retrieve.ranker import DATA, FEATURES, LinearRanker, feature_matrix, places, title_core


def test_title_core_and_places():
    assert title_core("中华人民共和国招标投标法（2017年修正）") == "招标投标法"
    assert title_core("《公平竞争审查条例》") == "公平竞争审查条例"
    assert places("吉林省柳河县") == ("吉林", "柳河")
    assert places("全国") == () and places(None) == ()


def test_shipped_weights_match_the_feature_set():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and len(data["weights"]) == len(FEATURES)
    assert data["trained_on"] and "blind" not in data["trained_on"]
    assert LinearRanker.load() is not None


def test_weights_for_another_feature_set_fall_back_to_fusion(tmp_path):
    p = tmp_path / "r.json"
    LinearRanker((1.0,) * len(FEATURES)).save(p)
    assert LinearRanker.load(p) is not None
    data = json.loads(p.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    p.write_text(json.dumps(data), encoding="utf-8")
    assert LinearRanker.load(p) is None
    assert LinearRanker.load(tmp_path / "missing.json") is None


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranker")
    src = root / "src"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: 甲山县招商引资优惠办法\nregion: 青川省甲山县\n---\n第一条 对新引进项目给予设备补助。\n第二条 补助资金由县财政列支。\n", encoding="utf-8")
    (src / "b.md").write_text("---\ntitle: 乙江市产业扶持办法\nregion: 青川省乙江市\n---\n第一条 对新引进项目给予设备补助。\n第二条 补助资金由市财政列支。\n", encoding="utf-8")
    index = Index.open(root / "idx", embedder="fake")
    ingest([src], index, show_progress=False)
    return index


def test_features_name_the_document_the_question_names(two_docs):
    r = HybridRetriever(two_docs, ranker=None)
    q = "乙江市对新引进项目有设备补助吗"
    expanded, _, lexical, dense = r.candidate_scores(q, 50)
    ids = sorted(lexical.keys() | dense.keys())
    x = feature_matrix(expanded, ids, r, lexical, dense)
    assert x.shape == (len(ids), len(FEATURES)) and np.isfinite(x).all()
    col = {f: i for i, f in enumerate(FEATURES)}
    for cid, row in zip(ids, x):
        named = cid.startswith("b#")
        assert row[col["region"]] == float(named)
        assert (row[col["title"]] > 0) == named


def test_a_ranker_reorders_by_its_weights(two_docs):
    q = "乙江市对新引进项目有设备补助吗"
    w = [0.0] * len(FEATURES)
    w[FEATURES.index("region")] = 5.0
    w[FEATURES.index("bm25")] = 1.0
    top = HybridRetriever(two_docs, ranker=LinearRanker(tuple(w))).search(q, k=2)
    assert [h.chunk.doc_id for h in top] == ["b", "b"]
    w[FEATURES.index("region")] = -5.0
    top = HybridRetriever(two_docs, ranker=LinearRanker(tuple(w))).search(q, k=2)
    assert top[0].chunk.doc_id == "a"
