"""Embedding cache keyed by (embedder, query/passage, text hash), in SQLite outside the repo."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from collections.abc import Sequence

import numpy as np

from ..config import cache_dir
from .embedders.base import Embedder


class CachedEmbedder(Embedder):
    """Wraps an embedder; only texts never seen before reach the model.

    >>> from assistant.index.embedders.fake import FakeEmbedder
    >>> emb = CachedEmbedder(FakeEmbedder(8), path=":memory:")
    >>> emb.embed_passages(["甲", "甲"]).shape
    (2, 8)
    """

    def __init__(self, inner: Embedder, path: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        if path is None and inner.name == "fake":
            path = ":memory:"  # the test embedder is cheaper than a cache lookup
        if path is None:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in inner.key)
            path = cache_dir() / "embeddings" / f"{safe}.sqlite"
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()  # one SQLite connection and one model instance, shared by app threads

    @property
    def key(self) -> str:
        return self.inner.key

    def warm_up(self) -> None:
        self.inner.warm_up()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover - not used
        return self.inner._embed(texts, is_query)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            return self._run_locked(texts, is_query)

    def _run_locked(self, texts: list[str], is_query: bool) -> np.ndarray:
        keys = [_key(t, is_query) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for k, blob in self._db.execute(f"SELECT k, v FROM emb WHERE k IN ({marks})", chunk):
                found[k] = np.frombuffer(blob, dtype=np.float32)
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            by_key = dict(zip(keys, texts))
            vectors = self.inner._run([by_key[k] for k in todo], is_query)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for k, v in zip(todo, vectors)],
                )
            found.update(zip(todo, vectors))
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def embed_in_batches(self, texts: Sequence[str], batch: int = 64, progress=None) -> np.ndarray:
        """Embed passages in batches so that progress can be shown and partial work is cached."""
        parts = []
        for i in range(0, len(texts), batch):
            parts.append(self.embed_passages(texts[i : i + batch]))
            if progress is not None:
                progress(len(parts[-1]))
        return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def _key(text: str, is_query: bool) -> str:
    return ("q:" if is_query else "p:") + hashlib.sha256(text.encode("utf-8")).hexdigest()
