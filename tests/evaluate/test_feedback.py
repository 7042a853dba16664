"""Officers' 👍/👎: stored by the chat's history, exported by the CLI, read by eval."""

import json
import subprocess
import sys

import pytest

from assistant.app.history import History, beside
from assistant.errors import AssistantError
from assistant.evaluate import feedback


def _rated(tmp_path):
    audit = tmp_path / "audit.sqlite"
    h = History(beside(audit))
    conv = h.start("officer", "t")
    good = h.add(conv, "officer", "公平竞争审查条例何时施行？", {"question": "公平竞争审查条例何时施行？", "intent": "fact",
                                                              "answerable": True, "citations": [{"clause_id": "reg#第二十七条"}]})
    bad = h.add(conv, "officer", "能不能返还税收？", {"question": "能不能返还税收？", "intent": "compliance", "verdict": "可以",
                                                    "answerable": True, "citations": [{"clause_id": "reg#第十条"}]})
    h.rate(good, "officer", 1)
    h.rate(bad, "officer", -1, "应当是不能")
    return audit


def test_export_then_eval_reads_it(tmp_path):
    audit = _rated(tmp_path)
    out = tmp_path / "fb.jsonl"
    r = subprocess.run([sys.executable, "-m", "assistant.cli.main", "history", "feedback", "--audit", str(audit), "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = feedback.load(out)
    s = feedback.summarise(rows)
    assert s["ratings"] == 2 and s["liked_share"] == 0.5
    assert s["per_intent"] == {"compliance": {"n": 1, "liked_share": 0.0}, "fact": {"n": 1, "liked_share": 1.0}}
    assert s["disliked"][0]["comment"] == "应当是不能" and s["disliked"][0]["clause_ids"] == ["reg#第十条"]
    assert "应当是不能" in "\n".join(feedback.markdown(s))


def test_bad_feedback_file_names_the_line(tmp_path):
    f = tmp_path / "fb.jsonl"
    f.write_text(json.dumps({"rating": 1}) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(AssistantError, match="第 2 行不是 JSON"):
        feedback.load(f)
    f.write_text(json.dumps({"rating": 5}) + "\n", encoding="utf-8")
    with pytest.raises(AssistantError, match="第 1 行缺少 rating"):
        feedback.load(f)


def test_export_without_history_says_so(tmp_path):
    r = subprocess.run([sys.executable, "-m", "assistant.cli.main", "history", "feedback", "--audit", str(tmp_path / "none.sqlite")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "找不到对话记录" in r.stderr and "Traceback" not in r.stderr


def test_feedback_suite_without_a_file_is_one_line():
    r = subprocess.run([sys.executable, "-m", "assistant.cli.main", "eval", "feedback", "--history", "none"], capture_output=True, text=True)
    assert r.returncode == 2 and "需要反馈文件" in r.stderr and len(r.stderr.strip().splitlines()) == 1
