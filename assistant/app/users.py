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
