"""sentence-transformers with a local model directory (no hub downloads here)."""

from __future__ import annotations

import numpy as np

from ...errors import EmbedderError
from .base import Embedder


class SentenceTransformerEmbedder(Embedder):
    """`sentence-transformers:/path/to/model`; e5-family models get their prefixes.

    >>> SentenceTransformerEmbedder("/models/all-MiniLM-L6-v2").key
    'st:all-MiniLM-L6-v2'
    """

    name = "sentence-transformers"

    def __init__(self, model: str, device: str = "cpu") -> None:
        if not model:
            raise EmbedderError("sentence-transformers 需要模型目录或名称，例如 sentence-transformers:/path/to/model")
        self.model = model
        self.device = device
        self._model = None
        self._e5 = "e5" in model.lower()

    @property
    def key(self) -> str:
        return "st:" + self.model.rstrip("/").split("/")[-1]

    def warm_up(self) -> None:
        if self._model is not None:
            return
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError('未安装 sentence-transformers：请安装 "st" extra（pip install -e ".[st]"）') from exc
        try:
            self._model = SentenceTransformer(self.model, device=self.device)
        except Exception as exc:
            raise EmbedderError(f"无法加载 sentence-transformers 模型 {self.model}：{exc}") from exc

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if self._e5:
            texts = [("query: " if is_query else "passage: ") + t for t in texts]
        return np.asarray(self._model.encode(texts, batch_size=self.batch_size, show_progress_bar=False))
