"""Users file (YAML): {username: {password_hash: <bcrypt>, role: 经办人员|审查人员|管理员, bases: [知识库名, ...],
token_hashes: [<sha256 of an API token>, ...]}}. No plain passwords, no plain tokens.

`bases` absent: a 管理员 reads every knowledge base, anyone else only the default one (the first served)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import AssistantError

ROLES = {"经办人员": {"ask", "match"}, "审查人员": {"ask", "match", "review"}, "管理员": {"ask", "match", "review", "admin"}}


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


_DUMMY: list[bytes] = []  # one bcrypt hash for unknown users, so they cost what known ones do
LOCK_AFTER = 5  # failures in a row before a user is locked out
LOCK_BASE_S, LOCK_MAX_S = 30.0, 900.0  # lockout doubles with every further failure, up to 15 minutes
VERIFIED_TTL_S = 600.0  # a good password re-entered within 10 minutes is checked without bcrypt


def _dummy_hash() -> bytes:
    if not _DUMMY:
        _DUMMY.append(hash_password("unknown-user-dummy").encode("ascii"))
    return _DUMMY[0]


class Users:
    """>>> users = Users({"li": {"password_hash": hash_password("pw"), "role": "审查人员"}})
    >>> users.authenticate("li", "pw"), users.authenticate("li", "bad")
    (True, False)
    """

    path: Path | None = None
    _mtime: float | None = None

    def __init__(self, entries: dict[str, dict]) -> None:
        import threading

        _dummy_hash()  # made now, so the first unknown name costs no more than a known one
        self._failures: dict[str, tuple[int, float]] = {}  # name → (failures in a row, locked until)
        self._verified: dict[str, tuple[bytes, float]] = {}  # name → (keyed digest of the last good password, until)
        self._salt = __import__("os").urandom(32)  # per process: the digests are useless outside it
        self._fail_lock = threading.Lock()
        for name, e in entries.items():
            if e.get("role") not in ROLES:
                raise AssistantError(f"用户 {name} 的角色无效：{e.get('role')!r}（可选 {'、'.join(ROLES)}）")
            if not str(e.get("password_hash", "")).startswith("$2"):
                raise AssistantError(f"用户 {name} 缺少 bcrypt 密码哈希（password_hash），不接受明文密码")
            if e.get("bases") is not None and not isinstance(e.get("bases"), list):
                raise AssistantError(f"用户 {name} 的 bases 应为知识库名称列表，例如 [全县政策库]")
        self.entries = entries

    @classmethod
    def load(cls, path: str | Path) -> Users:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise AssistantError(f"用户文件 {path} 无法读取：{exc}") from exc
        if not isinstance(data, dict):
            raise AssistantError(f"用户文件 {path} 应为 用户名 → {{password_hash, role}} 的映射")
        users = cls(data)
        users.path, users._mtime = Path(path), Path(path).stat().st_mtime
        return users

    def reload_if_changed(self) -> None:
        """Re-read the users file when it changed on disk: a removed user is out at the next request."""
        if self.path is None:
            return
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self.entries = {}  # the file is gone: nobody may act until it is back
            return
        if mtime != self._mtime:
            try:
                self.entries = Users.load(self.path).entries
            except AssistantError:
                self.entries = {}  # a broken file locks everyone out rather than keeping stale rights
            self._mtime = mtime

    def locked_for(self, username: str, now: float | None = None) -> float:
        """Seconds this user is still locked out after repeated wrong passwords (0: not locked)."""
        import time

        _, until = self._failures.get(username, (0, 0.0))
        return max(0.0, until - (now if now is not None else time.time()))

    def authenticate(self, username: str, password: str) -> bool:
        """bcrypt check at the same cost for known and unknown names; after LOCK_AFTER failures in a row the name
        is locked (even the right password is refused) for a time that doubles with each further failure."""
        import time

        import bcrypt

        self.reload_if_changed()
        username = username or ""
        if self.locked_for(username) > 0:
            bcrypt.checkpw(b"x", _dummy_hash())
            return False
        e = self.entries.get(username)
        stored = e["password_hash"].encode("ascii") if e else _dummy_hash()
        ok = self._recently_verified(username, password, stored)
        if not ok:
            ok = bcrypt.checkpw((password or "").encode("utf-8"), stored) and e is not None
            if ok:
                self._verified[username] = (self._digest(username, password, stored), time.time() + VERIFIED_TTL_S)
        with self._fail_lock:
            if ok:
                self._failures.pop(username, None)
            else:
                n = self._failures.get(username, (0, 0.0))[0] + 1
                until = time.time() + min(LOCK_MAX_S, LOCK_BASE_S * 2 ** (n - LOCK_AFTER)) if n >= LOCK_AFTER else 0.0
                self._failures[username] = (n, until)
        return ok

    def _digest(self, username: str, password: str, stored: bytes) -> bytes:
        import hashlib
        import hmac

        return hmac.new(self._salt, b"\0".join([username.encode(), (password or "").encode(), stored]), hashlib.sha256).digest()

    def _recently_verified(self, username: str, password: str, stored: bytes) -> bool:
        """A login repeated within VERIFIED_TTL_S with the same password (and unchanged hash) skips bcrypt, so a
        burst of logins does not queue on the CPU. Wrong passwords always pay the full bcrypt cost."""
        import hmac
        import time

        digest, until = self._verified.get(username, (b"", 0.0))
        return until > time.time() and hmac.compare_digest(digest, self._digest(username, password, stored))

    def role(self, username: str | None) -> str | None:
        self.reload_if_changed()
        e = self.entries.get(username or "")
        return e["role"] if e else None

    def bases(self, username: str | None, served: list[str]) -> list[str]:
        """The served knowledge bases this user may read, in serving order (absent `bases`: see the module doc)."""
        self.reload_if_changed()
        e = self.entries.get(username or "")
        if e is None or not served:
            return []
        granted = e.get("bases")
        if granted is None:
            return list(served) if e["role"] == "管理员" else served[:1]
        granted = {str(b) for b in (granted or [])}
        return [b for b in served if b in granted]

    def by_token(self, token: str | None) -> str | None:
        """The user holding this API token (only its sha256 is stored), else None."""
        import hashlib
        import hmac

        self.reload_if_changed()
        if not token:
            return None
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        found = None
        for name, e in self.entries.items():
            for h in e.get("token_hashes") or []:
                if hmac.compare_digest(str(h), digest):
                    found = name
        return found

    @staticmethod
    def allowed(role: str | None, action: str) -> bool:
        return action in ROLES.get(role or "", set())


def add_user(path: str | Path, name: str, role: str, password: str) -> bool:
    """Add or replace one user in the users file (written atomically); True when the user already existed."""
    name = (name or "").strip()
    if not name or any(c.isspace() or c in ":#{}[]," for c in name):
        raise AssistantError(f"用户名无效：{name!r}（不能为空，不能含空格或 : # {{ }} [ ] ,）")
    if role not in ROLES:
        raise AssistantError(f"角色无效：{role!r}（可选 {'、'.join(ROLES)}）")
    if len(password) < 8:
        raise AssistantError("密码至少 8 个字符")
    path = Path(path)
    entries = Users.load(path).entries if path.exists() else {}
    existed = name in entries
    entries = {**entries, name: {**entries.get(name, {}), "password_hash": hash_password(password), "role": role}}
    _write(path, entries)
    return existed


def entries_with(path: str | Path, name: str) -> dict:
    """The users file's entries, which must hold `name`."""
    path = Path(path)
    entries = Users.load(path).entries if path.exists() else {}
    if name not in entries:
        raise AssistantError(f"用户文件 {path} 中没有用户 {name}（先用 policy-assistant users add 添加）")
    return entries


def remove_user(path: str | Path, name: str) -> None:
    entries = entries_with(path, name)
    _write(Path(path), {k: v for k, v in entries.items() if k != name})


def _write(path: Path, entries: dict) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# 用户文件：用户名 → bcrypt 密码哈希、角色、可读知识库（bases）与 API 令牌哈希。"
                 "用 policy-assistant users add/remove/token 维护。\n")
        yaml.safe_dump(entries, fh, allow_unicode=True, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
