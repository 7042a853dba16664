"""An index directory: `store.sqlite` (source of truth), `chroma/` (vectors), `index.json` (settings)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from urllib.parse import urlparse

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

    def __init__(self, root: Path, store: Store, embedder: Embedder, spec: str, chroma: str | None = None,
                 collection: str = "chunks") -> None:
        self.root = root
        self.store = store
        self.embedder = embedder
        self.spec = spec
        self.chroma = chroma  # URL of a Chroma server, or None for the embedded store under root/chroma
        self.collection = collection
        self._vectors = None

    @classmethod
    def open(cls, root: str | Path, embedder: str | None = None, create: bool = True, chroma: str | None = None) -> Index:
        """`chroma="http://host:8000"` keeps the vectors in a Chroma server (recorded in index.json at creation;
        POLICY_ASSISTANT_CHROMA_URL overrides the address later, e.g. when the server moves)."""
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
        if settings and chroma and settings.get("chroma") is None:
            raise IndexError_(f"索引 {root} 的向量存放在本地，不能改为 Chroma 服务；请新建索引目录")
        if not settings_path.exists():
            settings = {"embedder": spec, "format": 1}
            if chroma:
                settings.update(chroma=chroma, collection=f"pa-{uuid.uuid4().hex[:16]}")  # one collection per index
            tmp = settings_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
            tmp.replace(settings_path)
        url = None
        if settings.get("chroma"):
            url = os.environ.get("POLICY_ASSISTANT_CHROMA_URL") or chroma or settings["chroma"]
        inner = get_embedder(spec)
        return cls(root, Store(root / "store.sqlite"), CachedEmbedder(inner), spec, url, settings.get("collection", "chunks"))

    @property
    def vectors(self):
        if self._vectors is None:
            from .vectors import VectorStore

            client = None
            if self.chroma:
                client = http_client(self.chroma)
            self._vectors = VectorStore(self.root / "chroma", self.embedder, client=client, collection=self.collection)
        return self._vectors

    def reload_vectors(self) -> None:
        """Drop this process's view of the embedded vector store, so vectors another process wrote become visible
        (chroma keeps one in-memory system per folder)."""
        if self._vectors is not None and not self.chroma:
            from .vectors import release_persistent

            release_persistent(self.root / "chroma")
        self._vectors = None

    def close(self) -> None:
        self.store.close()


def http_client(url: str):
    """A chromadb HttpClient for http(s)://host:port."""
    import chromadb
    from chromadb.config import Settings

    u = urlparse(url if "://" in url else f"http://{url}")
    if not u.hostname:
        raise IndexError_(f"Chroma 服务地址无效：{url}")
    try:
        return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000), ssl=u.scheme == "https",
                                   settings=Settings(anonymized_telemetry=False))
    except Exception as exc:
        raise IndexError_(f"无法连接 Chroma 服务 {url}：{exc}") from exc
