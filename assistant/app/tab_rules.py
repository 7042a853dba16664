"""规则审核 tab: candidate rules proposed at ingest → the clause with its quotes highlighted, a form for conditions
and amounts, approve (writes the reviewed rule with reviewer and time, and an audit row) or reject.

Handlers are plain functions of (ctx, values…, request) so they are tested without a browser; `build` only lays
out the Gradio components. Approving needs the 审查人员 or 管理员 role (the `review` permission).
"""

import html

from ..errors import AssistantError

COND_HEADERS = ["字段 field", "比较 op", "数值 value", "原文 quote", "说明 label", "关键词 any_of（、分隔）", "排除词 none_of", "须具备 has"]
KINDS = ["fixed", "ratio", "tiers", "per_unit", "schedule", "in_kind"]
STATUS = {"pending": "待审核", "approved": "已通过", "rejected": "已驳回"}


def candidate_rows(ctx, status: str = "pending") -> list[list]:
    from ..match.candidates import list_candidates

    rows = []
    for c in list_candidates(ctx.index_dir, status or "pending"):
        b = c["benefit"]
        rows.append([c["id"], STATUS.get(c["status"], c["status"]), c["policy_title"] or c["policy"], c["clause_id"].split("#", 1)[-1],
                     c["title"], b.get("kind", ""), "；".join(b.get("quote") or [])])
    return rows


def highlight(text: str, quotes) -> str:
    """Clause text as HTML with every quote marked (longest first, so a quote inside another is not split)."""
    spans: list[tuple[int, int]] = []
    for q in sorted({q for q in quotes if q}, key=len, reverse=True):
        start = text.find(q)
        while start >= 0:
            if not any(a < start + len(q) and start < b for a, b in spans):
                spans.append((start, start + len(q)))
            start = text.find(q, start + 1)
    out, pos = [], 0
    for a, b in sorted(spans):
        out += [html.escape(text[pos:a]), "<mark>", html.escape(text[a:b]), "</mark>"]
        pos = b
    out.append(html.escape(text[pos:]))
    return "<div style='line-height:1.8'>" + "".join(out) + "</div>"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return "、".join(_cell(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def show(ctx, rule_id: str):
    """→ (highlighted clause HTML, conditions rows, kind, base, rate, cap, amount, unit amount, years, rates, quotes, text)."""
    from ..match.candidates import get_candidate

    if not (rule_id or "").strip():
        return ("请先在列表中选择一条候选规则", [], "in_kind", "", "", "", "", "", "", "", "", "")
    c = get_candidate(ctx.index_dir, rule_id.strip())
    clause = ctx.index.store.clause(c["clause_id"])
    quotes = [x.get("quote") for x in c["conditions"]] + list(c["benefit"].get("quote") or [])
    head = (f"<p><b>{html.escape(c['policy_title'] or c['policy'])}</b> · <code>{html.escape(c['clause_id'])}</code> · "
            f"{STATUS.get(c['status'], c['status'])}</p>")
    body = highlight(clause.text, quotes) if clause else "<p>⚠️ 索引中已没有该条款（文件可能已更新），请重新导入后再审核</p>"
    rows = [[x.get("field", ""), x.get("op") or "", _cell(x.get("value")), x.get("quote") or "", x.get("label") or "",
             _cell(x.get("any_of")), _cell(x.get("none_of")), x.get("has") or ""] for x in c["conditions"]]
    b = c["benefit"]
    return (head + body, rows, b.get("kind", "in_kind"), b.get("base") or "", _cell(b.get("rate")), _cell(b.get("cap_wan")),
            _cell(b.get("amount_wan")), _cell(b.get("unit_amount_wan")), _cell(b.get("years")), _cell(b.get("rates")),
            "\n".join(b.get("quote") or []), b.get("text") or "")


def _number(text: str, what: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        v = float(text)
    except ValueError as exc:
        raise AssistantError(f"{what} 应为数字，当前为“{text}”") from exc
    return int(v) if v.is_integer() else v


def _numbers(text: str, what: str) -> list:
    return [_number(x, what) for x in str(text or "").replace("，", "、").replace(",", "、").split("、") if x.strip()]


def rule_from_form(rule_id: str, title: str, rows, kind, base, rate, cap, amount, unit_amount, years, rates, quotes, text) -> dict:
    """The reviewer's form → one rule dict (validated again, against the clause, when approved)."""
    if hasattr(rows, "values"):  # a pandas DataFrame from gr.Dataframe
        rows = rows.values.tolist()
    conditions = []
    for i, r in enumerate(rows or [], 1):
        r = [("" if v is None else str(v)).strip() for v in list(r) + [""] * (len(COND_HEADERS) - len(r))]
        field, op, value, quote, label, any_of, none_of, has = r[: len(COND_HEADERS)]
        if not field:
            continue
        cond = {"field": field}
        if op:
            cond["op"] = op
        if value:
            cond["value"] = {"true": True, "false": False}.get(value.lower(), None)
            if cond["value"] is None:
                cond["value"] = _number(value, f"第 {i} 个条件的数值")
        for key, v in (("quote", quote), ("label", label), ("has", has)):
            if v:
                cond[key] = v
        for key, v in (("any_of", any_of), ("none_of", none_of)):
            if v:
                cond[key] = [w.strip() for w in v.replace("，", "、").split("、") if w.strip()]
        conditions.append(cond)
    benefit = {"kind": kind or "in_kind"}
    if base:
        benefit["base"] = base.strip()
    r = _numbers(rate, "比例")
    if r:
        benefit["rate"] = r if len(r) > 1 else r[0]
    for key, v, what in (("cap_wan", cap, "封顶"), ("amount_wan", amount, "金额"), ("unit_amount_wan", unit_amount, "单价"),
                         ("years", years, "年数")):
        n = _number(v, what)
        if n is not None:
            benefit[key] = n
    if (rates or "").strip():
        benefit["rates"] = _numbers(rates, "逐年比例")
    q = [x.strip() for x in (quotes or "").splitlines() if x.strip()]
    if q:
        benefit["quote"] = q
    if (text or "").strip():
        benefit["text"] = text.strip()
    return {"id": rule_id, "title": title, "conditions": conditions, "benefit": benefit}


def approve(ctx, rule_id, rows, kind, base, rate, cap, amount, unit_amount, years, rates, quotes, text, request=None) -> str:
    from ..match.candidates import approve as write
    from ..match.candidates import get_candidate

    try:
        user, role = ctx.require(request, "review")
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        cand = get_candidate(ctx.index_dir, (rule_id or "").strip())
        rule = rule_from_form(cand["id"], cand["title"], rows, kind, base, rate, cap, amount, unit_amount, years, rates, quotes, text)
        for key in ("once", "periods", "schedule", "tiers", "tier_by"):  # not on the form: kept from the candidate
            if key in cand["benefit"] and key not in rule["benefit"]:
                rule["benefit"][key] = cand["benefit"][key]
        with ctx.lock:
            path = write(ctx.index, cand["id"], user, rule, audit=ctx.audit, role=role)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    return f"✅ 已通过：{cand['id']}（审核人 {user}）→ {path}。“项目匹配”将按该规则计算。"


def reject(ctx, rule_id, reason, request=None) -> str:
    from ..match.candidates import reject as write

    try:
        user, role = ctx.require(request, "review")
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        with ctx.lock:
            write(ctx.index, (rule_id or "").strip(), user, reason or "", audit=ctx.audit, role=role)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    return f"已驳回：{rule_id}（审核人 {user}）"


def build(ctx, gr, handler) -> None:
    with gr.Tab("规则审核") as tab:
        gr.Markdown("导入政策时自动提取的候选激励规则（未经审核，仅在匹配报告中列为“待审核规则”）。逐条核对原文、条件与金额，"
                    "通过后写入已审核规则，项目匹配即按其计算；通过与驳回均记入审计日志。")
        with gr.Row():
            status = gr.Dropdown(["pending", "approved", "rejected", "all"], value="pending", label="状态")
            refresh = gr.Button("刷新列表")
        table = gr.Dataframe(headers=["编号", "状态", "政策", "条款", "标题", "类型", "原文引用"],  # filled per request:
                             wrap=True, interactive=False)  # a value here would sit in every page's API description
        rule_id = gr.Textbox(label="候选规则编号（点选列表中的一行或粘贴编号）")
        clause = gr.HTML()
        conds = gr.Dataframe(headers=COND_HEADERS, label="条件（可编辑；数值条件须带原文 quote）", interactive=True, wrap=True)
        with gr.Row():
            kind = gr.Dropdown(KINDS, value="in_kind", label="金额类型")
            base = gr.Textbox(label="计算基数字段（如 fixed_asset_investment_wan）")
            rate = gr.Textbox(label="比例 %（区间用、分隔，如 10、30）")
            cap = gr.Textbox(label="封顶（万元）")
        with gr.Row():
            amount = gr.Textbox(label="固定金额（万元）")
            unit_amount = gr.Textbox(label="单价（万元/单位）")
            years = gr.Textbox(label="年数")
            rates = gr.Textbox(label="逐年比例 %（、分隔）")
        quotes = gr.Textbox(label="金额原文引用（每行一条，须为条款原文）", lines=2)
        text = gr.Textbox(label="支持内容说明")
        with gr.Row():
            approve_btn = gr.Button("审核通过", variant="primary")
            reason = gr.Textbox(label="驳回理由")
            reject_btn = gr.Button("驳回", variant="stop")
        result = gr.Markdown()
        form = [clause, conds, kind, base, rate, cap, amount, unit_amount, years, rates, quotes, text]

        listing = handler(lambda s, request: _rows_for(ctx, s, request), 1, gr)
        refresh.click(listing, [status], [table], api_name="rule_candidates")
        tab.select(listing, [status], [table], api_name=False)

        def pick(evt: gr.SelectData, rows):
            row = rows.values.tolist()[evt.index[0]] if hasattr(rows, "values") else rows[evt.index[0]]
            return row[0]

        table.select(pick, [table], [rule_id])
        rule_id.change(handler(lambda r, request: _safe_show(ctx, r, request), 1, gr), [rule_id], form + [result], api_name=False)
        approve_btn.click(handler(lambda *v, request: approve(ctx, *v, request=request), 12, gr),
                          [rule_id, conds, kind, base, rate, cap, amount, unit_amount, years, rates, quotes, text], [result],
                          api_name="approve_rule").then(listing, [status], [table])
        reject_btn.click(handler(lambda r, why, request: reject(ctx, r, why, request=request), 2, gr), [rule_id, reason], [result],
                         api_name="reject_rule").then(listing, [status], [table])


def _rows_for(ctx, status: str, request=None) -> list[list]:
    """The candidate list of the base this user chose and may read (nothing for a session that is not valid)."""
    try:
        ctx.who(request)
        return candidate_rows(ctx.for_request(request), status)
    except AssistantError:
        return []


def _safe_show(ctx, rule_id: str, request=None):
    try:
        ctx.who(request)
        return (*show(ctx.for_request(request), rule_id), "")
    except AssistantError as exc:
        return ("", [], "in_kind", "", "", "", "", "", "", "", "", "", f"⚠️ {exc}")


__all__ = ["build", "candidate_rows", "show", "rule_from_form", "approve", "reject", "highlight"]
