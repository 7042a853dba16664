"""Embedders behind one small interface, chosen by name from a registry.

>>> from assistant.index.embedders import get_embedder
>>> emb = get_embedder("fake")
>>> emb.embed_queries(["返还税收"]).shape
(1, 64)
"""

from .base import Embedder
from .registry import available, get_embedder, register

__all__ = ["Embedder", "available", "get_embedder", "register"]
