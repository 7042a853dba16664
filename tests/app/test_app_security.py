"""Login, sessions and the audit trail under attack (#16 defects 12, 13, 14, 23): each case asserts an outcome."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from assistant.app import users as users_mod
from assistant.app.audit import AuditLog, _row_hash
from assistant.app.users import Users, add_user, hash_password, remove_user
from assistant.cli.main import main

pytestmark = pytest.mark.redteam


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users.yaml"
    add_user(path, "li", "审查人员", "correct-horse")
    add_user(path, "wang", "经办人员", "battery-staple")
    return path


@pytest.mark.redteam(row="brute,d13")
def test_unknown_user_costs_one_bcrypt_check_like_a_known_one(users_file, monkeypatch):
    import bcrypt

    users = Users.load(users_file)
    users.authenticate("li", "warm-up")  # the dummy hash is made once
    calls = {"check": 0, "hash": 0}
    real_check, real_hash = bcrypt.checkpw, bcrypt.hashpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *a: calls.__setitem__("check", calls["check"] + 1) or real_check(*a))
    monkeypatch.setattr(bcrypt, "hashpw", lambda *a: calls.__setitem__("hash", calls["hash"] + 1) or real_hash(*a))
    assert not users.authenticate("nobody", "x")
    unknown = dict(calls)
    calls.update(check=0, hash=0)
    assert not users.authenticate("wang", "x")
    assert unknown == calls == {"check": 1, "hash": 0}


@pytest.mark.redteam(row="brute,d13")
def test_fifty_wrong_passwords_lock_the_user_and_are_audited(users_file, tmp_path, monkeypatch):
    from assistant.app.ui import AppContext, login

    monkeypatch.setattr(users_mod, "LOCK_BASE_S", 30.0)
    ctx = AppContext(tmp_path / "idx", AuditLog(tmp_path / "audit.sqlite"), Users.load(users_file))
    monkeypatch.setattr("bcrypt.checkpw", lambda pw, h: pw == b"correct-horse")  # fast: the lock logic is under test
    assert not any(login(ctx, "li", f"guess-{i}") for i in range(50))
    assert not login(ctx, "li", "correct-horse")  # right password, but locked
    assert ctx.users.locked_for("li") > 0 and ctx.users.locked_for("wang") == 0
    failed = [r for r in ctx.audit.rows() if r["action"] == "login:failed"]
    assert len(failed) == 51 and "锁定" in failed[-1]["detail"]
    later = time.time() + users_mod.LOCK_MAX_S + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert login(ctx, "li", "correct-horse")  # the lock runs out; a success resets the count
    assert ctx.users.locked_for("li") == 0


@pytest.mark.redteam(row="brute,d14")
def test_a_removed_user_is_out_at_once(users_file):
    users = Users.load(users_file)
    assert users.role("wang") == "经办人员"
    time.sleep(0.01)
    remove_user(users_file, "wang")
    assert users.role("wang") is None and users.role("li") == "审查人员"


@pytest.mark.redteam(row="brute,d14")
def test_sessions_expire_and_removed_users_lose_their_token(users_file):
    from assistant.app.ui import reap_sessions

    class Server:
        tokens = {"t-old": "li", "t-new": "li", "t-wang": "wang"}

    users, seen = Users.load(users_file), {}
    now = time.time()
    assert reap_sessions(Server, users, seen, now) == []
    seen["t-old"] = now - 9 * 3600
    remove_user(users_file, "wang")
    assert sorted(reap_sessions(Server, users, seen, now + 1)) == ["li", "wang"]
    assert Server.tokens == {"t-new": "li"}


def _tamper(path, *sql):
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS audit_no_update")
    db.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for stmt in sql:
        db.execute(stmt)
    db.commit()
    db.close()


@pytest.fixture
def audit_path(tmp_path):
    path = tmp_path / "audit.sqlite"
    log = AuditLog(path)
    for i in range(5):
        log.record("li", "审查人员", "ask", question=f"问题{i}")
    assert log.verify() == (True, None)
    return path


@pytest.mark.redteam(row="d12")
@pytest.mark.parametrize("attack", ["delete_last", "delete_all", "drop_table", "edit_recompute", "edit_row"])
def test_audit_detects_tampering(audit_path, attack):
    if attack == "delete_last":
        _tamper(audit_path, "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    elif attack == "delete_all":
        _tamper(audit_path, "DELETE FROM audit")
    elif attack == "drop_table":
        _tamper(audit_path, "DROP TABLE audit")
    elif attack == "edit_row":
        _tamper(audit_path, "UPDATE audit SET user = 'x' WHERE id = 2")
    else:  # edit a row, then recompute every hash so the chain looks intact
        _tamper(audit_path, "UPDATE audit SET user = '他人' WHERE id = 2")
        db = sqlite3.connect(audit_path)
        db.row_factory = sqlite3.Row
        prev = "0" * 64
        for row in [dict(r) for r in db.execute("SELECT * FROM audit ORDER BY id")]:
            row["prev_hash"] = prev
            prev = _row_hash(row)
            db.execute("UPDATE audit SET prev_hash = ?, row_hash = ? WHERE id = ?", (row["prev_hash"], prev, row["id"]))
        db.commit()
    ok, _bad, reason = AuditLog(audit_path, create=False).check()
    assert not ok and reason


@pytest.mark.redteam(row="d12")
def test_verify_of_a_missing_log_does_not_create_one(tmp_path, capsys):
    missing = tmp_path / "gone.sqlite"
    assert main(["audit", "verify", "--audit", str(missing)]) == 1
    assert "不存在" in capsys.readouterr().err and not missing.exists()


@pytest.mark.redteam(row="d12")
def test_export_carries_the_signed_checkpoint(audit_path, capsys):
    assert main(["audit", "export", "--audit", str(audit_path)]) == 0
    out = capsys.readouterr()
    assert len(out.out.strip().splitlines()) == 5 and "检查点：共 5 条" in out.err


@pytest.mark.redteam(row="d12,d20")
def test_a_crashing_handler_is_audited(tmp_path):
    import gradio as gr

    from assistant.app.ui import _handler

    log = AuditLog(tmp_path / "audit.sqlite")

    def boom(x, request=None):
        raise ValueError("bad history")

    class Req:
        username = "li"

    with pytest.raises(ValueError):
        _handler(boom, 1, gr, audit=log)("x", Req())
    assert log.rows()[-1]["action"] == "boom:error" and log.rows()[-1]["detail"] == "ValueError"


@pytest.mark.redteam(row="listening,d23")
def test_open_server_on_all_interfaces_refuses_before_printing_an_address(tmp_path, capsys):
    from assistant.index import Index

    Index.open(tmp_path / "idx", embedder="fake")
    rc = main(["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "idx"), "--audit", str(tmp_path / "a.sqlite")])
    err = capsys.readouterr().err
    assert rc == 1 and "127.0.0.1" in err and "应用地址" not in err


@pytest.mark.redteam(row="brute")
def test_users_add_cli_writes_a_bcrypt_hash(tmp_path, monkeypatch, capsys):
    import io

    path = tmp_path / "u.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert main(["users", "add", "zhao", "--role", "管理员", "--file", str(path), "--password-stdin"]) == 0
    users = Users.load(path)
    assert users.role("zhao") == "管理员" and users.entries["zhao"]["password_hash"].startswith("$2")
    assert users.authenticate("zhao", "long-enough-pw") and "long-enough-pw" not in path.read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "zhao", "--role", "管理员", "--file", str(path), "--password-stdin"]) == 1
    assert json.dumps(hash_password("x"))  # hashing still works after the module-level dummy


@pytest.mark.redteam(row="brute,d22")
def test_repeated_good_logins_skip_bcrypt_but_wrong_ones_never_do(users_file, monkeypatch):
    import bcrypt

    users = Users.load(users_file)
    assert users.authenticate("li", "correct-horse")
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *a: calls.append(1) or real(*a))
    assert all(users.authenticate("li", "correct-horse") for _ in range(25)) and calls == []
    assert not users.authenticate("li", "wrong") and calls == [1]
    add_user(users_file, "li", "审查人员", "new-password-1")  # a changed password invalidates the shortcut
    time.sleep(0.01)
    assert not users.authenticate("li", "correct-horse")
