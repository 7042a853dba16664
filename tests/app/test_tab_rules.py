"""规则审核 tab handlers without a browser: list, clause with quotes highlighted, form → approved rule that 项目匹配
uses, role check, audit row; and the tab builds inside the app."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "eval"))

import county  # noqa: E402


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    from assistant.app.audit import AuditLog
    from assistant.app.ui import AppContext

    if not (county.COUNTY / "incentives.jsonl").exists():
        pytest.skip(f"county dev set not found at {county.COUNTY}")
    root = tmp_path_factory.mktemp("tab-rules")
    index = county.build_index(root)
    index.close()
    return AppContext(index_dir=root / "index", audit=AuditLog(root / "audit.sqlite"), rule_dirs=())


def test_list_show_highlight_and_approve_then_match(ctx):
    from assistant.app import tab_rules
    from assistant.app.ui import match_project

    rows = tab_rules.candidate_rows(ctx)
    row = next(r for r in rows if r[3] == "二、/（一）/4、")
    html, conds, kind, base, rate, cap, amount, unit, years, rates, quotes, text = tab_rules.show(ctx, row[0])
    assert "<mark>5000万元以上</mark>" in html and "<mark>3%</mark>" in html and "<mark>2000万元</mark>" in html
    assert (kind, base, rate, cap) == ("ratio", "fixed_asset_investment_wan", "3", "2000")
    conds = conds + [["text", "", "", "", "绿色化、智能化、数字化生产类企业", "绿色化、智能化、数字化", "", ""]]
    msg = tab_rules.approve(ctx, row[0], conds, kind, base, rate, cap, amount, unit, years, rates, quotes, text, request=None)
    assert msg.startswith("✅") and "本机用户" in msg
    last = ctx.audit.db.execute("SELECT action, clause_ids FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "rules:approve" and "二、/（一）/4、" in json.loads(last[1])[0]

    profile = {"industry": "智能制造", "description": "新引进数字化生产项目", "region": "信阳经济技术开发区", "fixed_asset_investment_wan": "6000"}
    report, files = match_project(ctx, json.dumps(profile, ensure_ascii=False), "2024-06-01")
    result = json.loads(Path(files[1]).read_text(encoding="utf-8"))
    assert [(e["rule_id"], e["amount_wan"]) for e in result["eligible"]] == [(row[0], 180)]
    assert "180 万元" in report and "待审核规则" in report
    assert row[0] not in {r[0] for r in tab_rules.candidate_rows(ctx)}


def test_form_errors_and_role(ctx):
    from assistant.app import tab_rules
    from assistant.app.users import Users, hash_password
    from assistant.errors import AssistantError

    with pytest.raises(AssistantError, match="比例 应为数字"):
        tab_rules.rule_from_form("x", "t", [], "ratio", "total_investment_wan", "五", "", "", "", "", "", "", "")
    row = next(r for r in tab_rules.candidate_rows(ctx) if r[3] == "（二）/3.第一段")
    shown = tab_rules.show(ctx, row[0])[1:]
    bad = list(shown)
    bad[9] = "9999万元"  # a quote that is not in the clause
    assert "不在条款" in tab_rules.approve(ctx, row[0], *bad)
    ctx.users = Users({"zhang": {"password_hash": hash_password("pw"), "role": "经办人员"}})
    try:
        assert "无权" in tab_rules.approve(ctx, row[0], *shown, request=SimpleNamespace(username="zhang"))
        assert "无权" in tab_rules.reject(ctx, row[0], "重复", request=SimpleNamespace(username="zhang"))
    finally:
        ctx.users = None
    assert tab_rules.reject(ctx, row[0], "与第二段重复").startswith("已驳回")
    assert row[0] in {r[0] for r in tab_rules.candidate_rows(ctx, "rejected")}


def test_tab_builds_in_the_app(ctx):
    from assistant.app.ui import build_app

    app = build_app(ctx)
    names = {getattr(d, "api_name", None) for d in app.fns.values()} if isinstance(app.fns, dict) else {d.api_name for d in app.fns}
    assert {"approve_rule", "reject_rule", "rule_candidates"} <= names
