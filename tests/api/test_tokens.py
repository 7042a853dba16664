"""API tokens in the users file (only sha256 stored) and the per-user knowledge bases."""

from __future__ import annotations

import io

import pytest

from assistant.app.users import Users, add_user, hash_password
from assistant.cli.main import main
from assistant.errors import AssistantError


def test_users_token_cli_prints_once_and_stores_only_a_hash(tmp_path, monkeypatch, capsys):
    path = tmp_path / "u.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert main(["users", "add", "zhao", "--role", "经办人员", "--file", str(path), "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["users", "token", "zhao", "--file", str(path)]) == 0
    token = capsys.readouterr().out.strip()
    text = path.read_text(encoding="utf-8")
    assert token.startswith("pa_") and token not in text and "token_hashes" in text
    assert Users.load(path).by_token(token) == "zhao" and Users.load(path).by_token(token[:-1]) is None
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-pw\n"))  # a new password keeps the tokens
    assert main(["users", "add", "zhao", "--role", "审查人员", "--file", str(path), "--password-stdin"]) == 0
    assert Users.load(path).by_token(token) == "zhao"
    assert main(["users", "token", "zhao", "--revoke", "--file", str(path)]) == 0
    assert "1 个令牌" in capsys.readouterr().out and Users.load(path).by_token(token) is None
    assert main(["users", "token", "nobody", "--file", str(path)]) == 1


def test_bases_default_is_safe_and_grants_are_exact():
    h = hash_password("pw")
    users = Users({"admin": {"password_hash": h, "role": "管理员"}, "jing": {"password_hash": h, "role": "经办人员"},
                   "dept": {"password_hash": h, "role": "审查人员", "bases": ["部门内部库", "不存在的库"]},
                   "none": {"password_hash": h, "role": "管理员", "bases": []}})
    served = ["全县政策库", "审查参考库", "部门内部库"]
    assert users.bases("admin", served) == served
    assert users.bases("jing", served) == ["全县政策库"]  # absent: only the default (first) base
    assert users.bases("dept", served) == ["部门内部库"]
    assert users.bases("none", served) == [] and users.bases("ghost", served) == []
    with pytest.raises(AssistantError, match="bases"):
        Users({"x": {"password_hash": h, "role": "管理员", "bases": "全县政策库"}})


def test_add_user_keeps_bases(tmp_path):
    path = tmp_path / "u.yaml"
    add_user(path, "li", "经办人员", "long-enough-pw")
    text = path.read_text(encoding="utf-8").replace("role: 经办人员", "role: 经办人员\n  bases: [审查参考库]")
    path.write_text(text, encoding="utf-8")
    add_user(path, "li", "经办人员", "other-long-pw")
    assert Users.load(path).entries["li"]["bases"] == ["审查参考库"]


def test_api_limits_from_the_environment_are_checked(monkeypatch):
    from assistant.app.server import _env_number

    monkeypatch.setenv("POLICY_ASSISTANT_API_RATE", "5")
    assert _env_number("POLICY_ASSISTANT_API_RATE", 2.0) == 5.0
    monkeypatch.setenv("POLICY_ASSISTANT_API_RATE", "快")
    with pytest.raises(AssistantError, match="POLICY_ASSISTANT_API_RATE"):
        _env_number("POLICY_ASSISTANT_API_RATE", 2.0)
    monkeypatch.delenv("POLICY_ASSISTANT_API_RATE")
    assert _env_number("POLICY_ASSISTANT_API_RATE", 2.0) == 2.0
