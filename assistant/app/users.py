"""Users file (YAML): {username: {password_hash: <bcrypt>, role: 经办人员|审查人员|管理员}}. No plain passwords."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import AssistantError

ROLES = {"经办人员": {"ask", "match"}, "审查人员": {"ask", "match", "review"}, "管理员": {"ask", "match", "review", "admin"}}


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


class Users:
    """>>> users = Users({"li": {"password_hash": hash_password("pw"), "role": "审查人员"}})
    >>> users.authenticate("li", "pw"), users.authenticate("li", "bad")
    (True, False)
    """

    def __init__(self, entries: dict[str, dict]) -> None:
        for name, e in entries.items():
            if e.get("role") not in ROLES:
                raise AssistantError(f"用户 {name} 的角色无效：{e.get('role')!r}（可选 {'、'.join(ROLES)}）")
            if not str(e.get("password_hash", "")).startswith("$2"):
                raise AssistantError(f"用户 {name} 缺少 bcrypt 密码哈希（password_hash），不接受明文密码")
        self.entries = entries

    @classmethod
    def load(cls, path: str | Path) -> "Users":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise AssistantError(f"用户文件 {path} 无法读取：{exc}") from exc
        if not isinstance(data, dict):
            raise AssistantError(f"用户文件 {path} 应为 用户名 → {{password_hash, role}} 的映射")
        return cls(data)

    def authenticate(self, username: str, password: str) -> bool:
        import bcrypt

        e = self.entries.get(username)
        if not e:
            bcrypt.checkpw(b"x", hash_password("y").encode("ascii"))  # same cost for unknown users
            return False
        return bcrypt.checkpw(password.encode("utf-8"), e["password_hash"].encode("ascii"))

    def role(self, username: str | None) -> str | None:
        e = self.entries.get(username or "")
        return e["role"] if e else None

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
    entries = {**entries, name: {"password_hash": hash_password(password), "role": role}}
    _write(path, entries)
    return existed


def remove_user(path: str | Path, name: str) -> None:
    path = Path(path)
    entries = Users.load(path).entries if path.exists() else {}
    if name not in entries:
        raise AssistantError(f"用户文件 {path} 中没有用户 {name}")
    _write(path, {k: v for k, v in entries.items() if k != name})


def _write(path: Path, entries: dict) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# 用户文件：用户名 → bcrypt 密码哈希与角色。用 policy-assistant users add/remove 维护。\n")
        yaml.safe_dump(entries, fh, allow_unicode=True, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
