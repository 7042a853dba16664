"""The hybrid retriever as a LangChain `BaseRetriever` (needs the "langchain" extra)."""

from __future__ import annotations

from typing import Any

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document as LCDocument
    from langchain_core.retrievers import BaseRetriever
except ImportError as exc:  # pragma: no cover - proven by a sys.modules test
    raise ImportError('LangChain 适配需要 langchain-core：pip install -e ".[langchain]"') from exc

from .filters import Filters
from .hybrid import HybridRetriever


class PolicyRetriever(BaseRetriever):
    """`PolicyRetriever(retriever=HybridRetriever(index), k=5).invoke("返还税收")` → LangChain Documents
    whose metadata carries clause_id, file, title, doc_number, article and path."""

    retriever: Any
    k: int = 10
    filters: Any = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters or Filters())
        out = []
        for hit in hits:
            meta = {k: v for k, v in hit.to_dict().items() if k != "text" and v is not None}
            out.append(LCDocument(page_content=hit.chunk.text, metadata=meta, id=hit.chunk.chunk_id))
        return out


__all__ = ["PolicyRetriever", "HybridRetriever"]
