"""The embedder interface: passages and queries are embedded separately (e5 prefixes)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

# The model reads 512 tokens per window and averages windows over longer texts, at a cost linear in length. A
# question never needs more than MAX_QUERY_CHARS; passages (chunks of ≲1,000 characters) are capped defensively.
MAX_QUERY_CHARS = 1000
MAX_PASSAGE_CHARS = 4000


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    Subclasses implement `_embed(texts, is_query)`; heavy models load in `warm_up()`.
    `key` names the model exactly (cache entries are keyed by it).
    """

    name: str = ""
    batch_size: int = 32

    @property
    @abstractmethod
    def key(self) -> str: ...

    def warm_up(self) -> None:
        """Load the model; called lazily before the first embedding."""

    @abstractmethod
    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run([t[:MAX_PASSAGE_CHARS] for t in texts], is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run([t[:MAX_QUERY_CHARS] for t in texts], is_query=True)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        self.warm_up()
        parts = [self._embed(texts[i : i + self.batch_size], is_query) for i in range(0, len(texts), self.batch_size)]
        return normalise(np.vstack(parts))


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
