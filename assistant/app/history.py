"""Conversations per user, kept in SQLite beside the audit log: a conversation list, turns, 👍/👎 feedback, exports.

Feedback exports as JSONL (one line per rated turn: question, resolved question, intent, verdict, cited clause ids,
rating, comment) so an evaluation can read it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, UTC
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id INTEGER PRIMARY KEY, user TEXT NOT NULL, title TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (id INTEGER PRIMARY KEY, conversation INTEGER NOT NULL REFERENCES conversations(id),
    user TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (turn INTEGER PRIMARY KEY REFERENCES turns(id), user TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)), comment TEXT, created TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns(conversation, id);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations(user, updated);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def beside(audit_path: str | Path) -> Path:
    """The history database next to the audit log (indexes/audit.sqlite → indexes/chat-history.sqlite)."""
    return Path(audit_path).with_name("chat-history.sqlite")


class History:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def start(self, user: str, title: str) -> int:
        with self.lock, self.db:
            cur = self.db.execute("INSERT INTO conversations (user, title, created, updated) VALUES (?, ?, ?, ?)",
                                  (user, title[:40] or "新对话", _now(), _now()))
            return int(cur.lastrowid)

    def add(self, conversation: int, user: str, question: str, answer: dict) -> int:
        """Store one turn; `answer` is Answer.to_dict(). Returns the turn id."""
        self._own(conversation, user)
        with self.lock, self.db:
            cur = self.db.execute("INSERT INTO turns (conversation, user, question, answer, created) VALUES (?, ?, ?, ?, ?)",
                                  (conversation, user, question, json.dumps(answer, ensure_ascii=False), _now()))
            self.db.execute("UPDATE conversations SET updated=? WHERE id=?", (_now(), conversation))
            return int(cur.lastrowid)

    def _own(self, conversation: int, user: str) -> None:
        row = self.db.execute("SELECT user FROM conversations WHERE id=?", (conversation,)).fetchone()
        if row is None or row[0] != user:
            raise KeyError(f"对话 {conversation} 不存在或不属于当前用户")

    def conversations(self, user: str) -> list[dict]:
        rows = self.db.execute("SELECT id, title, created, updated FROM conversations WHERE user=? ORDER BY updated DESC, id DESC", (user,))
        return [{"id": r[0], "title": r[1], "created": r[2], "updated": r[3]} for r in rows]

    def turns(self, conversation: int, user: str) -> list[dict]:
        self._own(conversation, user)
        rows = self.db.execute(
            "SELECT t.id, t.question, t.answer, t.created, f.rating, f.comment FROM turns t LEFT JOIN feedback f ON f.turn=t.id "
            "WHERE t.conversation=? ORDER BY t.id", (conversation,))
        return [{"id": r[0], "question": r[1], "answer": json.loads(r[2]), "created": r[3], "rating": r[4], "comment": r[5]}
                for r in rows]

    def rate(self, turn: int, user: str, rating: int, comment: str = "") -> None:
        if rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1. Currently, the rating is {rating!r}")
        row = self.db.execute("SELECT user FROM turns WHERE id=?", (turn,)).fetchone()
        if row is None or row[0] != user:
            raise KeyError(f"回答 {turn} 不存在或不属于当前用户")
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO feedback (turn, user, rating, comment, created) VALUES (?, ?, ?, ?, ?)",
                            (turn, user, rating, (comment or "").strip() or None, _now()))

    def feedback_jsonl(self) -> str:
        """Every rated turn, one JSON object a line (for eval)."""
        rows = self.db.execute("SELECT t.id, t.user, t.question, t.answer, f.rating, f.comment, f.created FROM feedback f "
                               "JOIN turns t ON t.id=f.turn ORDER BY f.turn")
        lines = []
        for tid, user, q, a, rating, comment, created in rows:
            a = json.loads(a)
            lines.append(json.dumps({"turn": tid, "user": user, "question": q, "resolved": a.get("question"),
                                     "intent": a.get("intent"), "verdict": a.get("verdict"), "answerable": a.get("answerable"),
                                     "clause_ids": [c["clause_id"] for c in a.get("citations", [])],
                                     "rating": rating, "comment": comment, "created": created}, ensure_ascii=False))
        return "\n".join(lines) + ("\n" if lines else "")

    def markdown(self, conversation: int, user: str) -> str:
        title = next((c["title"] for c in self.conversations(user) if c["id"] == conversation), "对话")
        out = [f"# {title}", ""]
        for t in self.turns(conversation, user):
            out += [f"## 问：{t['question']}", "", t["answer"].get("answer", ""), ""]
            if t["rating"]:
                out += [f"评价：{'👍' if t['rating'] > 0 else '👎'}{('（' + t['comment'] + '）') if t['comment'] else ''}", ""]
        return "\n".join(out)

    def docx(self, conversation: int, user: str, path: Path) -> Path:
        from docx import Document

        doc = Document()
        for line in self.markdown(conversation, user).splitlines():
            if line.startswith("# "):
                doc.add_heading(line[2:], level=1)
            elif line.startswith("## "):
                doc.add_heading(line[3:], level=2)
            elif line.strip():
                doc.add_paragraph(line)
        doc.save(path)
        return path
