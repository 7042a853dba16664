"""Stage 2: chunks → clause store (SQLite) + dense vectors (chromadb) + BM25 tokens."""

from .open import Index

__all__ = ["Index"]
