"""The review tab's handlers without a browser: merged findings with 第十二条 hints, and the concession advice."""

from __future__ import annotations

import pytest

from assistant.app.audit import AuditLog
from conftest import Req as _Req, two_users


@pytest.fixture(scope="module")
def ctx(real_index, tmp_path_factory):
    from assistant.app.ui import AppContext
    from assistant.app.uploads import Uploads

    users = two_users("j", "s")
    return AppContext(real_index.root, AuditLog(tmp_path_factory.mktemp("audit") / "a.sqlite"), users,
                      uploads=Uploads(roots=(tmp_path_factory.mktemp("uploads").resolve(),)))


def test_review_rows_show_span_and_article_12_hint(ctx, tmp_path):
    from assistant.app.tab_review import review_draft

    draft = ctx.uploads.roots[0] / "草案.txt"
    draft.write_text("第一条 按其实际缴纳土地出让金的70%予以返还。\n"
                     "第二条 为保护生态环境，辖区内危险废物统一由某环保公司集中处置。\n第三条 本办法自发布之日起施行。\n",
                     encoding="utf-8")
    rows, files = review_draft(ctx, str(draft), request=_Req("shen"))
    assert [r[1] for r in rows] == ["第一条", "第二条"]
    assert "《公平竞争审查条例》第十条第三项" in rows[0][4] and "出让金" in rows[0][5] and rows[0][6] == ""
    assert "第十二条第三项" in rows[1][6] and "实施期限" in rows[1][6]
    assert files[0].endswith(".docx")


def test_concession_handler(ctx):
    from assistant.app.tab_review import review_concession

    md, files = review_concession(ctx, "企业要求按其缴纳税收地方留成的50%返还，连续五年，并以成本价供地", request=_Req("shen"))
    assert "《公平竞争审查条例》第十条第二项" in md and "风险化解方案" in md and "产业基金" in md
    assert [f.rsplit(".", 1)[1] for f in files] == ["docx", "json"]
    assert ctx.audit.rows()[-1]["action"] == "review:concession"
    md, files = review_concession(ctx, "企业要求返还税收", request=_Req("jing"))
    assert "无权" in md and files == []
    md, _ = review_concession(ctx, "  ", request=_Req("shen"))
    assert "⚠️" in md
