"""Stage 3: query → BM25 + dense candidates → fusion → filtered, cited hits."""

from .filters import Filters
from .fusion import rrf, weighted
from .hybrid import Hit, HybridRetriever

__all__ = ["Filters", "Hit", "HybridRetriever", "rrf", "weighted"]
