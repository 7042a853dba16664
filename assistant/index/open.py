"""An index directory: `store.sqlite` (source of truth), `chroma/` (vectors), `index.json` (settings)."""

from __future__ import annotations

import json
from pathlib import Path

from ..config import DEFAULT_EMBEDDER
from ..errors import IndexError_
from .cache import CachedEmbedder
from .embedders import get_embedder
from .embedders.base import Embedder
from .store import Store


class Index:
    """Open (or create) an index directory.

    >>> idx = Index.open("indexes/demo", embedder="fake")   # doctest: +SKIP
    >>> idx.store.doc_hashes()                              # doctest: +SKIP
    """

    def __init__(self, root: Path, store: Store, embedder: Embedder, spec: str) -> None:
        self.root = root
        self.store = store
        self.embedder = embedder
        self.spec = spec
        self._vectors = None

    @classmethod
    def open(cls, root: str | Path, embedder: str | None = None, create: bool = True) -> "Index":
        root = Path(root)
        settings_path = root / "index.json"
        settings = {}
        if settings_path.exists():
            try:
                settings = json.loads(settings_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise IndexError_(f"{settings_path} 已损坏：{exc}") from exc
        elif not create:
            raise IndexError_(f"索引 {root} 不存在；请先运行 policy-assistant ingest PATH --index {root}")
        spec = settings.get("embedder") or embedder or DEFAULT_EMBEDDER
        if embedder and settings.get("embedder") and embedder != settings["embedder"]:
            raise IndexError_(f"索引 {root} 使用嵌入模型 {settings['embedder']}，不能用 {embedder} 写入；请换一个索引目录")
        root.mkdir(parents=True, exist_ok=True)
        if not settings_path.exists():
            tmp = settings_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"embedder": spec, "format": 1}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(settings_path)
        inner = get_embedder(spec)
        return cls(root, Store(root / "store.sqlite"), CachedEmbedder(inner), spec)

    @property
    def vectors(self):
        if self._vectors is None:
            from .vectors import VectorStore

            self._vectors = VectorStore(self.root / "chroma", self.embedder)
        return self._vectors

    def close(self) -> None:
        self.store.close()
