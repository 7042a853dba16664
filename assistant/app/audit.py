"""Append-only audit trail in SQLite; each row carries the hash of the previous one, so an edit is detectable.
A head checkpoint outside the table (`<audit>.head`: row count and last hash, HMAC-signed with a server key)
also catches a deleted last row, emptied or dropped table, a missing file and a chain recomputed after an edit.

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


def _server_key() -> bytes:
    """$POLICY_ASSISTANT_AUDIT_KEY, else a random key kept (0600) in the cache folder, apart from the audit file."""
    import os
    import secrets

    env = os.environ.get("POLICY_ASSISTANT_AUDIT_KEY", "").strip()
    if env:
        return env.encode("utf-8")
    from ..config import cache_dir

    path = cache_dir() / "audit.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


class AuditLog:
    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None and not create and not self.path.exists():
            raise FileNotFoundError(str(path))
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        if create:
            self.db.executescript(SCHEMA)
        self.lock = threading.Lock()
        self._key: bytes | None = None

    @property
    def head_path(self) -> Path | None:
        return self.path.with_name(self.path.name + ".head") if self.path is not None else None

    def _sign(self, count: int, head: str) -> str:
        import hmac

        if self._key is None:
            self._key = _server_key()
        return hmac.new(self._key, f"{count}:{head}".encode(), hashlib.sha256).hexdigest()

    def _write_head(self, count: int, head: str) -> None:
        if self.head_path is None:
            return
        tmp = self.head_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"count": count, "head": head, "hmac": self._sign(count, head)}), encoding="utf-8")
        tmp.replace(self.head_path)

    def checkpoint(self) -> dict | None:
        """The signed head checkpoint {count, head, hmac}, or None when there is none."""
        if self.head_path is None or not self.head_path.exists():
            return None
        try:
            return json.loads(self.head_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}

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
            count = self.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
            self._write_head(count, h)
            return h

    def rows(self, since: str | None = None) -> list[dict]:
        cur = self.db.execute(f"SELECT id, {', '.join(FIELDS)}, row_hash FROM audit "
                              + ("WHERE ts >= ? " if since else "") + "ORDER BY id", (since,) if since else ())
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def verify(self) -> tuple[bool, int | None]:
        """(True, None) when every row matches its hash and chains to the previous one and the signed checkpoint
        agrees with the row count and last hash; else (False, first bad id, or 0 when the log as a whole was cut)."""
        ok, bad, _ = self.check()
        return ok, bad

    def check(self) -> tuple[bool, int | None, str]:
        """Like verify, with a Chinese reason."""
        import hmac

        prev, count = GENESIS, 0
        try:
            rows = self.rows()
        except sqlite3.DatabaseError as exc:
            return False, 0, f"审计表无法读取（{exc}）：可能被删除或损坏"
        for row in rows:
            if row["prev_hash"] != prev or _row_hash(row) != row["row_hash"]:
                return False, row["id"], f"第 {row['id']} 条记录被改动或断链"
            prev, count = row["row_hash"], count + 1
        if self.head_path is None:
            return True, None, "完整"
        head = self.checkpoint()
        if head is None:
            if count:
                return False, 0, "检查点文件缺失：无法确认记录是否被截断"
            return True, None, "完整（尚无记录）"
        if not head or not hmac.compare_digest(str(head.get("hmac", "")), self._sign(int(head.get("count", -1)), str(head.get("head")))):
            return False, 0, "检查点签名无效：检查点或服务器密钥被改动"
        if head["count"] != count or head["head"] != prev:
            return False, 0, f"记录数或末条哈希与签名检查点不符（检查点 {head['count']} 条，现有 {count} 条）：记录被删除、截断或整链重算"
        return True, None, "完整"

    def export(self, since: str | None = None, fmt: str = "jsonl") -> str:
        rows = self.rows(since)
        if fmt == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["id", *FIELDS, "row_hash"])
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
