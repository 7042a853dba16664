"""Per-user API tokens: shown once, stored only as sha256 in the user's `token_hashes` in the users file.

>>> token = new_token()
>>> token.startswith("pa_") and len(token) > 40
True
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from ..app.users import entries_with, _write


def new_token() -> str:
    return "pa_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(path: str | Path, name: str) -> str:
    """A new token for `name` (kept beside any earlier ones); returns the plain token, which is not stored."""
    entries = entries_with(path, name)
    token = new_token()
    e = dict(entries[name])
    e["token_hashes"] = [*(e.get("token_hashes") or []), token_hash(token)]
    _write(Path(path), {**entries, name: e})
    return token


def revoke(path: str | Path, name: str) -> int:
    """Drop every token of `name`; returns how many there were."""
    entries = entries_with(path, name)
    e = dict(entries[name])
    n = len(e.pop("token_hashes", None) or [])
    _write(Path(path), {**entries, name: e})
    return n

