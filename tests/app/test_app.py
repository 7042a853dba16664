"""The app's handlers, login roles and the audit trail; one live server on loopback driven by gradio_client."""

from __future__ import annotations

import sqlite3
import socket
from pathlib import Path

import pytest

from assistant.app.audit import AuditLog
from assistant.app.users import Users, hash_password
from assistant.errors import AssistantError
from assistant.match.service import DEFAULT_RULE_DIRS
from conftest import Req as _Req, two_users

REPO = Path(__file__).resolve().parents[2]


def test_audit_chain_detects_an_edited_row(tmp_path, capsys):
    from assistant.cli.main import main

    path = tmp_path / "audit.sqlite"
    log = AuditLog(path)
    for q in ("能否返还税收", "外资企业能享受政策吗", "柳河县投资奖励"):
        log.record("张三", "经办人员", "ask", question=q, clause_ids=["fair-competition-review-regulation-2024#第十条"])
    assert log.verify() == (True, None)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        log.db.execute("UPDATE audit SET user='李四' WHERE id=2")
    log.db.rollback()
    db = sqlite3.connect(path)  # an attacker with file access drops the trigger and edits a row
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("UPDATE audit SET user='李四' WHERE id=2")
    db.commit()
    assert AuditLog(path).verify() == (False, 2)
    assert main(["audit", "verify", "--audit", str(path)]) == 1
    assert "第 2 条" in capsys.readouterr().out
    assert main(["audit", "export", "--audit", str(path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 4  # header + 3 rows; questions only as hashes
    assert "能否返还税收" not in log.export()


def test_users_roles_and_hashes():
    users = Users({"jing": {"password_hash": hash_password("j-pass"), "role": "经办人员"},
                   "shen": {"password_hash": hash_password("s-pass"), "role": "审查人员"}})
    assert users.authenticate("jing", "j-pass") and not users.authenticate("jing", "wrong") and not users.authenticate("nobody", "x")
    assert Users.allowed("经办人员", "ask") and not Users.allowed("经办人员", "review") and Users.allowed("审查人员", "review")
    with pytest.raises(AssistantError, match="不接受明文密码"):
        Users({"x": {"password_hash": "plain", "role": "管理员"}})


@pytest.fixture(scope="module")
def ctx(real_index, tmp_path_factory):
    from assistant.app.ui import AppContext

    from assistant.app.uploads import Uploads

    users = two_users("j", "s")

    return AppContext(real_index.root, AuditLog(tmp_path_factory.mktemp("audit") / "a.sqlite"), users,
                      rule_dirs=DEFAULT_RULE_DIRS, uploads=Uploads(roots=(tmp_path_factory.mktemp("uploads").resolve(),)))


def test_chat_answers_with_sources_and_audits(ctx):
    from assistant.app.ui import ask

    history, sources = ask(ctx, "外商投资企业能平等适用国家支持企业发展的政策吗", [], request=_Req("jing"))
    assert history[-1]["role"] == "assistant" and "外商投资法" in history[-1]["content"]
    assert "<mark>" in sources and "foreign-investment-law-2019#第九条" in sources
    history, _ = ask(ctx, "那负面清单呢？", history, request=_Req("jing"))
    assert history[-1]["role"] == "assistant"
    rows = ctx.audit.rows()
    assert [r["action"] for r in rows[-2:]] == ["ask", "ask"] and "第九条" in rows[-2]["clause_ids"]
    assert ctx.audit.verify() == (True, None)


def test_roles_are_enforced(ctx, tmp_path):
    from assistant.app.ui import review_draft

    draft = ctx.uploads.roots[0] / "草案.txt"
    draft.write_text("第一条 对在本县注册的企业按其缴纳税收的50%给予奖励。\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    rows, files = review_draft(ctx, str(draft), request=_Req("jing"))
    assert "无权" in rows[0][2] and files == [] and draft.exists()  # refused before the path is touched
    rows, files = review_draft(ctx, str(draft), request=_Req("shen"))
    assert rows[0][1] == "第一条" and "《公平竞争审查条例》第十条第二项" in rows[0][4]
    assert files[0].endswith(".docx") and not draft.exists()
    rows, _ = review_draft(ctx, str(draft), request=_Req("ghost"))
    assert "登录已失效" in rows[0][2]


def test_exe_renamed_docx_is_refused(ctx, tmp_path):
    from assistant.app.ui import review_draft

    fake = ctx.uploads.roots[0] / "setup.docx"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 2000)
    rows, files = review_draft(ctx, str(fake), request=_Req("shen"))
    assert "不是有效的 .docx" in rows[0][2] and files == [] and not fake.exists()


def test_match_tab(ctx):
    import json

    from assistant.app.ui import match_project

    report, files = match_project(ctx, json.dumps({"industry": "医药制造", "region": "柳河县", "fixed_asset_investment_wan": 12000,
                                                   "land_mu": 50}, ensure_ascii=False), "2024-06-01", request=_Req("jing"))
    assert "工业类项目固定资产投资奖励" in report and len(files) == 2
    report, files = match_project(ctx, "{not json", "", request=_Req("jing"))
    assert report.startswith("⚠️") and files == []


@pytest.mark.integration
def test_live_server_on_loopback(ctx):
    """A real Gradio server on 127.0.0.1, queried through gradio_client with a login."""
    from gradio_client import Client

    from assistant.app.ui import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = serve(ctx, "127.0.0.1", port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", auth=("jing", "j"), verbose=False)
        history, sources = client.predict("外商投资企业能平等适用国家支持企业发展的政策吗", [], "", "", "", "", api_name="/ask")
        from assistant.app.ui import _text

        assert "外商投资法" in _text(history[-1]["content"]) and "第九条" in sources
        history, _ = client.predict("那负面清单呢？", history, "", "", "", "", api_name="/ask")
        assert _text(history[-1]["content"]).startswith(("依据", "无法", "不能", "可以", "有条件"))
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own error types
            Client(f"http://127.0.0.1:{port}/", auth=("jing", "wrong"), verbose=False)
    finally:
        app.close()


def test_oversized_upload_is_refused_and_deleted(ctx, tmp_path):
    from assistant.app.ui import review_draft

    big = ctx.uploads.roots[0] / "大文稿.txt"
    big.write_text("第一条 内容。\n" * 200_000, encoding="utf-8")
    limit, ctx.max_upload_mb = ctx.max_upload_mb, 1.0
    try:
        rows, files = review_draft(ctx, str(big), request=_Req("shen"))
    finally:
        ctx.max_upload_mb = limit
    assert "超过 1 MB 上限" in rows[0][2] and files == [] and not big.exists()


def test_denied_and_expired_attempts_are_audited(ctx, tmp_path):
    from assistant.app.ui import ask, review_draft

    f = ctx.uploads.roots[0] / "x.txt"
    f.write_text("第一条 内容。\n第二条 内容。\n", encoding="utf-8")
    review_draft(ctx, str(f), request=_Req("jing"))
    history, _ = ask(ctx, "能否返还税收", [], request=_Req("removed-user"))
    assert "登录已失效" in history[-1]["content"]
    actions = [(r["user"], r["action"]) for r in ctx.audit.rows()[-2:]]
    assert actions == [("jing", "review:denied"), ("removed-user", "session:rejected")]


def test_admin_adds_and_removes_a_document(tmp_path):
    from assistant.app.ui import AppContext, admin_ingest, admin_remove, document_choices, documents
    from assistant.index import Index
    from assistant.index.ingest import ingest

    index = Index.open(tmp_path / "idx", embedder="fake")
    ingest([REPO / "corpus"], index, show_progress=False)
    users = Users({"admin": {"password_hash": hash_password("a"), "role": "管理员"},
                   "jing": {"password_hash": hash_password("j"), "role": "经办人员"}})
    from assistant.app.uploads import Uploads

    ctx = AppContext(tmp_path / "idx", AuditLog(tmp_path / "audit.sqlite"), users, uploads=Uploads(roots=(tmp_path.resolve(),)))
    new = tmp_path / "新办法.md"
    new.write_text("# 某区促进数字经济发展若干措施（示例）\n\n第一条 对新认定的数字经济示范企业给予奖励20万元。\n\n第二条 本措施自发布之日起施行。\n",
                   encoding="utf-8")
    assert admin_ingest(ctx, [str(new)], request=_Req("jing")).startswith("⚠️")
    out = admin_ingest(ctx, [str(new)], request=_Req("admin"))
    assert not new.exists()  # the upload is gone once copied into the knowledge base
    assert "新增：新办法.md" in out and any(r[8] == "新办法.md" for r in documents(ctx))
    row = documents(ctx, "数字经济")[0]  # the table speaks Chinese and can be searched
    assert row[0].startswith("某区促进数字经济") and row[6] == "现行有效" and row[4] in ("地方政策", "通知公告")
    assert documents(ctx, "没有这个文件") == []
    assert ("某区促进数字经济发展若干措施（示例）（新办法.md）", "新办法") in document_choices(ctx)
    assert "确认移除" in admin_remove(ctx, "新办法", request=_Req("admin"), confirmed=False)
    assert any(r[8] == "新办法.md" for r in documents(ctx))  # not confirmed: still there
    assert "已移除：新办法" in admin_remove(ctx, "新办法", request=_Req("admin"))
    assert not any(r[8] == "新办法.md" for r in documents(ctx)) and "新办法#第一条" not in ctx.index.vectors.ids()
    assert "没有文件" in admin_remove(ctx, "新办法", request=_Req("admin"))
    assert admin_ingest(ctx, None, request=_Req("admin")) == "没有变化"  # re-ingest does not bring it back
    assert [r["action"] for r in ctx.audit.rows()] == ["admin:denied", "ingest", "remove", "ingest"]
