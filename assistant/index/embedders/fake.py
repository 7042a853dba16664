"""Deterministic character-n-gram hashing embedder for fast unit tests (no model)."""

from __future__ import annotations

import hashlib

import numpy as np

from .base import Embedder


class FakeEmbedder(Embedder):
    """Bag of hashed character bigrams; similar Chinese texts get similar vectors.

    >>> FakeEmbedder(16).embed_passages(["公平竞争"]).shape
    (1, 16)
    """

    name = "fake"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    @property
    def key(self) -> str:
        return f"fake-{self.dim}"

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 1):
                h = hashlib.blake2b(text[i : i + 2].encode("utf-8"), digest_size=4).digest()
                out[row, int.from_bytes(h, "little") % self.dim] += 1.0
        return out
