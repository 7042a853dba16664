"""The installed package runs from any directory: no rules, prompts or data are read relative to the cwd."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import free_port, running

LIUHE = {"name": "中药饮片生产项目", "industry": "医药制造", "region": "柳河县", "fixed_asset_investment_wan": "1.2亿元",
         "land_mu": 50, "annual_tax_wan": 800, "local_fiscal_contribution_wan": 300}


def _cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "assistant.cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow
def test_match_and_ask_from_a_temp_dir(real_index, tmp_path):
    profile = tmp_path / "project.json"
    profile.write_text(json.dumps(LIUHE, ensure_ascii=False), encoding="utf-8")
    out = _cli(["match", str(profile), "--index", str(real_index.root), "--as-of", "2024-06-01", "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    eligible = {e["rule_id"] for e in json.loads(out.stdout)["eligible"]}
    assert "liuhe23-fai-industry" in eligible
    out = _cli(["ask", "外商投资企业能平等适用国家支持企业发展的政策吗", "--index", str(real_index.root), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr and json.loads(out.stdout)["citations"]


@pytest.mark.slow
def test_serve_from_a_temp_dir_matches_liuhe(real_index, tmp_path):
    from gradio_client import Client

    from assistant.app.ui import PROFILE_FORM

    port = free_port()
    cmd = [sys.executable, "-m", "assistant.cli.main", "serve", "--index", str(real_index.root), "--port", str(port),
           "--audit", str(tmp_path / "audit.sqlite")]
    with running(cmd, f"http://127.0.0.1:{port}/", 180, tmp_path / "serve.log"):
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        form = [str(LIUHE.get(name, "")) for name, _, _ in PROFILE_FORM]
        report, _files = client.predict(*form, "2024-06-01", api_name="/match")
    assert "已覆盖的地区：（无）" not in report and "工业类项目固定资产投资奖励" in report, report[:500]


def test_usage_errors_are_one_chinese_line(tmp_path):
    for args in (["search", "x", "-k", "0"], ["search", "x", "--level", "乡镇"], ["search"], ["bogus"]):
        out = _cli(args, tmp_path)
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "参数错误" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
