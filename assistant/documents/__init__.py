"""Stage 1: files → documents (text + metadata) → clause tree → chunks."""

from .model import Chunk, Clause, DocMeta, Document

__all__ = ["Chunk", "Clause", "DocMeta", "Document"]
