"""The optional /rerank client against a small TEI-style server of our own on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.documents.model import Chunk, DocMeta
from assistant.errors import AssistantError
from assistant.retrieve.hybrid import Hit
from assistant.retrieve.rerank import RerankSettings, rerank


class _Rerank(BaseHTTPRequestHandler):
    style = "tei"

    def do_POST(self):  # score = how many characters of the query the text contains
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/rerank" and body["texts"] == body["documents"]
        s = [(i, float(sum(ch in t for ch in body["query"]))) for i, t in enumerate(body["texts"])]
        if type(self).style == "tei":
            out = [{"index": i, "score": v} for i, v in sorted(s, key=lambda x: -x[1])]
        elif type(self).style == "jina":
            out = {"results": [{"index": i, "relevance_score": v} for i, v in s]}
        else:
            out = {"results": [{"index": 0, "relevance_score": 1.0}]}  # incomplete
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Rerank)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _hits(texts):
    return [Hit(rank=i, score=1.0 / i, chunk=Chunk(f"d#第{i}条", "d", "d.md", "示例", None, f"第{i}条", (), t, i, meta=DocMeta(title="示例")))
            for i, t in enumerate(texts, 1)]


@pytest.mark.parametrize("style", ["tei", "jina"])
def test_rerank_reorders_by_the_service(server, style):
    _Rerank.style = style
    hits = _hits(["与问题无关的条款", "土地出让金返还", "土地"])
    out = rerank(RerankSettings(url=server), "返还土地出让金", hits)
    assert [h.chunk.chunk_id for h in out] == ["d#第2条", "d#第3条", "d#第1条"] and [h.rank for h in out] == [1, 2, 3]


def test_bad_reply_and_dead_server_raise_one_line(server):
    _Rerank.style = "broken"
    with pytest.raises(AssistantError, match="没有为每个候选条款返回分数"):
        rerank(RerankSettings(url=server), "q", _hits(["a", "b"]))
    with pytest.raises(AssistantError, match="重排序服务不可用"):
        rerank(RerankSettings(url="http://127.0.0.1:9", timeout=1), "q", _hits(["a", "b"]))


def test_settings_from_env():
    assert RerankSettings.from_env({}) is None
    s = RerankSettings.from_env({"POLICY_ASSISTANT_RERANK_URL": "http://127.0.0.1:8080/", "POLICY_ASSISTANT_RERANK_TIMEOUT": "3"})
    assert s.url == "http://127.0.0.1:8080" and s.timeout == 3.0
    with pytest.raises(AssistantError):
        RerankSettings.from_env({"POLICY_ASSISTANT_RERANK_URL": "x", "POLICY_ASSISTANT_RERANK_TIMEOUT": "soon"})
