"""Uploaded files: only paths inside the upload folder are accepted, each request works on its own private copy,
the shared upload is deleted when its last user is done, and leftovers (uploads, generated reports) are purged on a
timer — drafts are confidential and never kept.

Check the role before calling `claim`: a request that may not act never touches a path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from collections.abc import Iterator

from ..errors import AssistantError

REPORT_PREFIXES = ("review-", "match-", "compare-", "pa-upload-")  # our own temp folders under the temp dir
MAX_AGE_S = 15 * 60


def upload_roots() -> tuple[Path, ...]:
    """Where Gradio stores uploads (GRADIO_TEMP_DIR or <tmp>/gradio)."""
    from gradio.utils import get_upload_folder

    return (Path(get_upload_folder()).resolve(),)


class Uploads:
    """Reference-counted access to uploaded files, shared by the app's request threads."""

    def __init__(self, roots: tuple[Path, ...] | None = None) -> None:
        self._roots = roots
        self._users: dict[Path, int] = {}
        self._private: set[Path] = set()  # private copies in use (never purged)
        self._pending: dict[Path, int] = {}  # uploads received and not yet claimed (identical files share one path)
        self._lock = threading.Lock()

    @property
    def roots(self) -> tuple[Path, ...]:
        return self._roots if self._roots is not None else upload_roots()

    def accept(self, upload: str | os.PathLike) -> Path:
        """The upload's resolved path, if it lies inside an upload folder; else one Chinese line."""
        try:
            path = Path(upload).resolve(strict=True)
        except (OSError, RuntimeError):
            raise AssistantError("上传的文件已不存在，请重新上传") from None
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise AssistantError("只接受本次上传的文件")
        return path

    def expect(self, upload: str | os.PathLike) -> None:
        """An upload request stored (or re-used) this path: keep it until a request has claimed it (the server's
        upload route calls this), so one review finishing never deletes the file another has just uploaded."""
        try:
            path = Path(upload).resolve(strict=True)
        except (OSError, RuntimeError):
            return
        if any(path.is_relative_to(root) for root in self.roots):
            with self._lock:
                self._pending[path] = self._pending.get(path, 0) + 1

    @contextlib.contextmanager
    def claim(self, upload: str | os.PathLike, max_mb: float) -> Iterator[Path]:
        """A private copy of the upload (same file name) for the duration of the block. The shared upload is
        removed once no request is using it, so parallel reviews of identical files do not break each other."""
        path = self.accept(upload)
        with self._lock:
            self._users[path] = self._users.get(path, 0) + 1
            if self._pending.get(path, 0) > 1:
                self._pending[path] -= 1
            else:
                self._pending.pop(path, None)
        private = Path(tempfile.mkdtemp(prefix="pa-upload-")).resolve()
        with self._lock:
            self._private.add(private)
        try:
            if path.stat().st_size > max_mb * 1024 * 1024:
                raise AssistantError(f"文件超过 {max_mb:g} MB 上限")
            copy = private / path.name
            shutil.copyfile(path, copy)
            yield copy
        finally:
            shutil.rmtree(private, ignore_errors=True)
            with self._lock:
                self._private.discard(private)
                left = self._users[path] - 1
                if left:
                    self._users[path] = left
                elif self._pending.get(path):  # uploaded again meanwhile: its request has not claimed it yet
                    del self._users[path]
                else:
                    del self._users[path]
                    path.unlink(missing_ok=True)
                    if path.parent not in self.roots:
                        with contextlib.suppress(OSError):
                            path.parent.rmdir()  # Gradio keeps each upload in a folder of its own

    def purge(self, max_age_s: float = MAX_AGE_S, now: float | None = None) -> int:
        """Delete uploads and our generated report folders older than `max_age_s` that no request holds."""
        now = time.time() if now is None else now
        removed = 0
        with self._lock:
            busy = set(self._users) | self._private
        targets = [p for root in self.roots if root.exists() for p in root.rglob("*") if p.is_file()]
        tmp = Path(tempfile.gettempdir())
        targets += [p for p in tmp.iterdir() if p.is_dir() and p.name.startswith(REPORT_PREFIXES)]
        for p in targets:
            try:
                st = p.stat()  # a copy keeps an old mtime but gets a new ctime: age counts from the later of the two
                if p.resolve() in busy or now - max(st.st_mtime, st.st_ctime) < max_age_s:
                    continue
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink()
                    with self._lock:
                        self._pending.pop(p.resolve(), None)  # never claimed: gone by age
                removed += 1
            except OSError:
                continue
        return removed

    def start_purger(self, every_s: float = 60.0, max_age_s: float = MAX_AGE_S) -> threading.Thread:
        def loop() -> None:
            while True:
                time.sleep(every_s)
                self.purge(max_age_s)

        thread = threading.Thread(target=loop, name="upload-purger", daemon=True)
        thread.start()
        return thread
