"""Several knowledge bases in one app: the UI handlers see only the bases the user may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app.audit import AuditLog
from assistant.app.users import Users, hash_password
from assistant.errors import AssistantError

REPO = Path(__file__).resolve().parents[2]


class _Req:
    def __init__(self, username, session_hash="s1"):
        self.username, self.session_hash = username, session_hash


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    from assistant.app.ui import AppContext
    from assistant.index import Index
    from assistant.index.ingest import ingest

    tmp = tmp_path_factory.mktemp("bases")
    ingest([REPO / "corpus"], Index.open(tmp / "a", embedder="fake"), show_progress=False)
    (tmp / "src").mkdir()
    (tmp / "src" / "dept-internal.md").write_text("# 部门内部资料\n\n第一条 内部资料，编号丁戊己。\n", encoding="utf-8")
    ingest([tmp / "src"], Index.open(tmp / "b", embedder="fake"), show_progress=False)
    h = hash_password("pw")
    users = Users({"jing": {"password_hash": h, "role": "经办人员"},
                   "dept": {"password_hash": h, "role": "审查人员", "bases": ["部门内部库"]},
                   "admin": {"password_hash": h, "role": "管理员"}})
    return AppContext.serving({"全县政策库": tmp / "a", "部门内部库": tmp / "b"}, AuditLog(tmp / "audit.sqlite"), users)


def test_ui_handlers_only_see_the_users_bases(ctx):
    from assistant.app.ui import ask, documents

    files = lambda req: {row[8] for row in documents(ctx, "", req)}  # noqa: E731
    assert "dept-internal.md" not in files(_Req("jing")) and files(_Req("dept")) == {"dept-internal.md"}
    with pytest.raises(AssistantError, match="无权访问知识库"):
        ctx.choose(_Req("jing"), "部门内部库")
    assert ctx.audit.db.execute("SELECT count(*) FROM audit WHERE action='base:denied' AND user='jing'").fetchone()[0] == 1
    history, sources = ask(ctx, "编号丁戊己的内部资料", [], request=_Req("jing"))
    assert "丁戊己" not in sources and "dept-internal" not in sources
    admin = _Req("admin", session_hash="s2")
    assert ctx.choose(admin, "部门内部库") == "当前知识库：部门内部库"
    assert files(admin) == {"dept-internal.md"} and "dept-internal.md" not in files(_Req("admin", session_hash="s3"))
