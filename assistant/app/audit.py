"""Append-only audit trail in SQLite; each row carries the hash of the previous one, so an edit is detectable.

>>> log = AuditLog(":memory:")
>>> _ = log.record("张三", "经办人员", "ask", question="能否返还税收", clause_ids=["fcr#第十条"])
>>> log.verify()
(True, None)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,
    action TEXT NOT NULL, input_hash TEXT, clause_ids TEXT NOT NULL, index_snapshot TEXT, answer_hash TEXT,
    model TEXT, prompt_version TEXT, detail TEXT, prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
"""
FIELDS = ("ts", "user", "role", "action", "input_hash", "clause_ids", "index_snapshot", "answer_hash", "model",
          "prompt_version", "detail", "prev_hash")
GENESIS = "0" * 64


def sha(text: str | bytes | None) -> str | None:
    if text is None:
        return None
    return hashlib.sha256(text if isinstance(text, bytes) else text.encode("utf-8")).hexdigest()


def _row_hash(values: dict) -> str:
    return hashlib.sha256(json.dumps([values[f] for f in FIELDS], ensure_ascii=False).encode("utf-8")).hexdigest()


class AuditLog:
    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def record(self, user: str, role: str, action: str, *, question: str | None = None, input_bytes: bytes | None = None,
               clause_ids=(), index_snapshot: str | None = None, answer: str | None = None, model: str = "extractive",
               prompt_version: str = "none", detail: str = "") -> str:
        """Append one row; returns its hash. The question/profile/draft itself is stored only as a hash."""
        with self.lock, self.db:
            last = self.db.execute("SELECT row_hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            values = {
                "ts": time.strftime("%Y-%m-%dT%H:%M:%S"), "user": user, "role": role, "action": action,
                "input_hash": sha(input_bytes) if input_bytes is not None else sha(question),
                "clause_ids": json.dumps(list(clause_ids), ensure_ascii=False), "index_snapshot": index_snapshot,
                "answer_hash": sha(answer), "model": model, "prompt_version": prompt_version, "detail": detail,
                "prev_hash": last[0] if last else GENESIS,
            }
            h = _row_hash(values)
            self.db.execute(f"INSERT INTO audit ({', '.join(FIELDS)}, row_hash) VALUES ({', '.join('?' * len(FIELDS))}, ?)",
                            [values[f] for f in FIELDS] + [h])
            return h

    def rows(self, since: str | None = None) -> list[dict]:
        cur = self.db.execute(f"SELECT id, {', '.join(FIELDS)}, row_hash FROM audit "
                              + ("WHERE ts >= ? " if since else "") + "ORDER BY id", (since,) if since else ())
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def verify(self) -> tuple[bool, int | None]:
        """(True, None) when every row matches its hash and chains to the previous one; else the first bad id."""
        prev = GENESIS
        for row in self.rows():
            if row["prev_hash"] != prev or _row_hash(row) != row["row_hash"]:
                return False, row["id"]
            prev = row["row_hash"]
        return True, None

    def export(self, since: str | None = None, fmt: str = "jsonl") -> str:
        rows = self.rows(since)
        if fmt == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["id", *FIELDS, "row_hash"])
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
