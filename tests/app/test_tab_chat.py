"""The chat tab's handlers: routed answers, conversations kept per user across reloads, 👍/👎, exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.app.audit import AuditLog
from assistant.app.history import History
from assistant.app.users import Users, hash_password
from assistant.match.service import DEFAULT_RULE_DIRS

REPO = Path(__file__).resolve().parents[2]


class _Req:
    def __init__(self, username):
        self.username = username


def test_history_store_is_per_user_and_exports_feedback(tmp_path):
    h = History(tmp_path / "chat-history.sqlite")
    c = h.start("jing", "返还税收")
    t = h.add(c, "jing", "能不能返还税收？", {"answer": "不能。", "question": "能不能返还税收", "intent": "compliance",
                                            "verdict": "不能", "citations": [{"clause_id": "fcr#第十条第二项"}]})
    with pytest.raises(KeyError):
        h.add(c, "shen", "x", {})
    assert h.conversations("shen") == [] and h.conversations("jing")[0]["title"] == "返还税收"
    h.rate(t, "jing", -1, "应引用实施办法")
    with pytest.raises(ValueError):
        h.rate(t, "jing", 0)
    row = json.loads(History(tmp_path / "chat-history.sqlite").feedback_jsonl().splitlines()[0])  # survives reopening
    assert row["rating"] == -1 and row["comment"] == "应引用实施办法" and row["clause_ids"] == ["fcr#第十条第二项"]
    assert "## 问：能不能返还税收？" in h.markdown(c, "jing") and "👎" in h.markdown(c, "jing")
    from docx import Document

    assert any("不能" in p.text for p in Document(h.docx(c, "jing", tmp_path / "x.docx")).paragraphs)


@pytest.mark.slow
def test_conversation_survives_reload_and_follow_up_changes_the_answer(real_index, tmp_path):
    from assistant.app import tab_chat
    from assistant.app.ui import AppContext

    users = Users({"jing": {"password_hash": hash_password("j"), "role": "经办人员"},
                   "li": {"password_hash": hash_password("l"), "role": "经办人员"}})
    ctx = AppContext(real_index.root, AuditLog(tmp_path / "audit.sqlite"), users,
                     rule_dirs=DEFAULT_RULE_DIRS)
    history, sources = tab_chat.ask(ctx, "招商引资时能不能承诺按企业缴纳的税收给予返还？", [], request=_Req("jing"))
    first = history[-1]["content"]
    assert first.startswith("不能") and "《公平竞争审查条例》第十条第二项" in first
    assert "<details id='cite-1'" in sources and "<mark>" in sources and "现行有效" in sources
    history, _ = tab_chat.ask(ctx, "那土地出让金呢？", history, request=_Req("jing"))
    assert history[-1]["content"] != first and "第十条第三项" in history[-1]["content"]
    assert (tmp_path / "chat-history.sqlite").exists()
    # a reload: a fresh context on the same files shows the same conversation
    ctx2 = AppContext(real_index.root, AuditLog(tmp_path / "audit.sqlite"), users)
    msgs = tab_chat.load_conversation(ctx2, None, request=_Req("jing"))
    assert [m["content"] for m in msgs[::2]] == ["招商引资时能不能承诺按企业缴纳的税收给予返还？", "那土地出让金呢？"]
    assert tab_chat.load_conversation(ctx2, None, request=_Req("li")) == []  # per user
    assert tab_chat.rate(ctx2, 3, False, "想看实施办法", request=_Req("jing")).startswith("已记录")
    line = json.loads(tab_chat.history_store(ctx2).feedback_jsonl().splitlines()[-1])
    assert line["rating"] == -1 and "土地出让金" in line["resolved"]
    assert Path(tab_chat.export(ctx2, "md", request=_Req("jing"))).read_text(encoding="utf-8").count("## 问：") == 2
    assert tab_chat.export(ctx2, "docx", request=_Req("jing")).endswith(".docx")
    # a new chat (empty history) starts a new conversation and inherits nothing
    history, _ = tab_chat.ask(ctx2, "今天中午吃什么？", [], request=_Req("jing"))
    assert history[-1]["content"].startswith("无法从现有文件中确认")
    assert len(tab_chat.conversation_choices(ctx2, request=_Req("jing"))) == 2
