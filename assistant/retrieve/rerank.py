"""Optional reranker behind a `/rerank` endpoint (TEI, or the Jina/Cohere/vLLM style), for sites that run one on a GPU.

    export POLICY_ASSISTANT_RERANK_URL=http://gpu-host:8080   # POST {url}/rerank
    # optional: POLICY_ASSISTANT_RERANK_MODEL, POLICY_ASSISTANT_RERANK_API_KEY, POLICY_ASSISTANT_RERANK_TIMEOUT (s, default 10)

The request carries both spellings ({"query", "texts"} for TEI; {"model", "query", "documents"} for the others); the
reply may be a list of {"index", "score"} (TEI) or {"results": [{"index", "relevance_score"}]}. Any failure leaves the
order as it was (the caller gets a notice), never a partial reorder.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, replace

from ..errors import AssistantError


@dataclass(frozen=True)
class RerankSettings:
    url: str
    model: str = "default"
    api_key: str | None = None
    timeout: float = 10.0
    top: int = 20  # how many of the first-stage hits are sent

    @classmethod
    def from_env(cls, env=os.environ) -> RerankSettings | None:
        url = env.get("POLICY_ASSISTANT_RERANK_URL", "").strip()
        if not url:
            return None
        try:
            timeout = float(env.get("POLICY_ASSISTANT_RERANK_TIMEOUT", "10"))
        except ValueError as exc:
            raise AssistantError(f"重排序设置有误（POLICY_ASSISTANT_RERANK_TIMEOUT 须为数字）：{exc}") from exc
        return cls(url=url.rstrip("/"), model=env.get("POLICY_ASSISTANT_RERANK_MODEL", "default"),
                   api_key=env.get("POLICY_ASSISTANT_RERANK_API_KEY") or None, timeout=timeout)


def scores(settings: RerankSettings, query: str, texts: list[str]) -> list[float]:
    """One relevance score per text, in the texts' order. Raises AssistantError on any failure."""
    url = settings.url if settings.url.endswith("/rerank") else settings.url + "/rerank"
    body = json.dumps({"model": settings.model, "query": query, "texts": texts, "documents": texts,
                       "return_documents": False}, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=settings.timeout) as resp:
            data = json.loads(resp.read().decode("utf-8"))
        rows = data["results"] if isinstance(data, dict) else data
        out = [None] * len(texts)
        for r in rows:
            out[int(r["index"])] = float(r.get("relevance_score", r.get("score")))
    except Exception as exc:  # noqa: BLE001 - network, HTTP, JSON or shape errors all mean: keep the first-stage order
        raise AssistantError(f"重排序服务不可用或返回格式不对（{url}）：{exc}") from exc
    if any(s is None for s in out):
        raise AssistantError(f"重排序服务没有为每个候选条款返回分数（{url}）")
    return out  # type: ignore[return-value]


def rerank(settings: RerankSettings, query: str, hits: list) -> list:
    """The first `settings.top` hits reordered by the service's scores (ranks renumbered); the rest follow unchanged."""
    head, tail = hits[: settings.top], hits[settings.top:]
    if len(head) < 2:
        return hits
    s = scores(settings, query, [h.chunk.passage() for h in head])
    order = sorted(range(len(head)), key=lambda i: (-s[i], i))
    ranked = [replace(head[i], score=s[i]) for i in order] + tail
    return [replace(h, rank=r) for r, h in enumerate(ranked, 1)]
