"""One writer per index: an advisory lock file (`<index>/.write.lock`) held by ingest and removal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from pathlib import Path
from collections.abc import Iterator

from ..errors import IndexError_

_local = threading.local()  # re-entrant within one thread (ingest → remove_document)


@contextlib.contextmanager
def index_lock(root: str | Path, wait: float = 600.0) -> Iterator[None]:
    """Hold the index's write lock; wait up to `wait` seconds for another writer, then refuse with one line."""
    root = Path(root)
    held = getattr(_local, "held", set())
    key = str(root.resolve())
    if key in held:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".write.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexError_(f"索引 {root} 正由另一个导入进程写入，等待 {wait:g} 秒后仍未结束；请稍后再试") from None
                if not told:
                    print(f"索引 {root} 正由另一个导入进程写入，等待其完成…", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _local.held = held | {key}
        try:
            yield
        finally:
            _local.held = held
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def index_busy(root: str | Path) -> bool:
    """True while some writer (this process or another) holds the index's write lock."""
    path = Path(root) / ".write.lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
