"""文稿审查 tab: upload a draft → merged findings with 第十二条 hints and a Word 审查意见; paste a requested special deal
(一事一议) → red lines, lawful routes and 风险化解方案. Plain handlers, tested without a browser."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..errors import AssistantError

HEADERS = ["条款序号", "条款", "问题类别", "风险", "依据", "触发表述", "第十二条提示", "修改建议"]


def review_draft(ctx, upload: str | None, request=None):
    """Uploaded draft → (findings rows, [docx, md] download paths). The upload is deleted after use."""
    from ..review.draft import load_draft
    from ..review.report import build, citations, docx, markdown

    try:
        user, role = ctx.require(request, "review")  # before the path is touched
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        if not upload:
            raise AssistantError("请先上传文稿")
        with ctx.uploads.claim(upload, ctx.max_upload_mb) as path:  # private copy; the upload goes after its last use
            raw = path.read_bytes()
            draft = load_draft(path, max_mb=ctx.max_upload_mb)
    except AssistantError as exc:
        return [[0, "", f"⚠️ {exc}", "", "", "", "", ""]], []
    findings = ctx.detector.review(draft)
    with ctx.lock:
        result = build(draft, findings, ctx.index.store)
    out = Path(tempfile.mkdtemp(prefix="review-"))
    docx(result, draft, out / "审查意见.docx")
    (out / "审查意见.md").write_text(markdown(result, draft), encoding="utf-8")
    ctx.audit.record(user, role, "review", input_bytes=raw, clause_ids=sorted({c for f in findings for c in f.provisions}),
                     index_snapshot=ctx.index.store.snapshot(), answer=json.dumps(result.to_dict()["findings"], ensure_ascii=False))
    rows = [[f.clause_index, f.clause_label, f.category, f.severity, "、".join(citations(f)), "；".join(f.evidence),
             _hint(f.exception_hint), f.suggestion] for f in result.findings]
    if not rows:
        rows = [[0, "", f"全部 {len(draft.clauses)} 个条款未发现问题", "", "", "", "", ""]]
    return rows, [str(out / "审查意见.docx"), str(out / "审查意见.md")]


def _hint(hint: dict | None) -> str:
    """The 第十二条 hint, short enough for a table cell (the Word report has it in full)."""
    if not hint:
        return ""
    items = "、".join(i["item"].replace("公平竞争审查条例", "") + f"（{i['purpose']}）" for i in hint["items"])
    return f"可能适用{items}；须说明不可或缺、没有影响更小的替代方案，并明确实施期限或终止条件"


def review_concession(ctx, request_text: str, request=None):
    """A requested special deal → (Markdown advice, [docx, json] download paths)."""
    from ..review import concession

    try:
        user, role = ctx.require(request, "review")
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        if not (request_text or "").strip():
            raise AssistantError("请粘贴企业提出的具体优惠诉求")
        advice = concession.advise(request_text, ctx.detector)
    except AssistantError as exc:
        return f"⚠️ {exc}", []
    with ctx.lock:
        data = advice.to_dict(ctx.index.store)
    out = Path(tempfile.mkdtemp(prefix="concession-"))
    concession.docx(data, out / "一事一议审查意见.docx")
    (out / "一事一议审查意见.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    ctx.audit.record(user, role, "review:concession", question=request_text,
                     clause_ids=sorted({c for r in data["routes"] for c in r["basis"]}),
                     index_snapshot=ctx.index.store.snapshot(), answer=json.dumps(data["red_lines"], ensure_ascii=False))
    return concession.markdown(data), [str(out / "一事一议审查意见.docx"), str(out / "一事一议审查意见.json")]


def build(ctx, gr, handler) -> None:
    with gr.Tab("文稿审查"):
        draft = gr.File(label="上传文稿（.docx .txt .md）", type="filepath")
        review_btn = gr.Button("开始审查", variant="primary")
        findings = gr.Dataframe(headers=HEADERS, wrap=True)
        review_files = gr.File(label="下载审查意见", file_count="multiple")
        review_btn.click(handler(lambda f, request: review_draft(ctx, f, request), 1, gr), [draft],
                         [findings, review_files], api_name="review")
        gr.Markdown("#### 一事一议诉求审查（事中监督）")
        deal = gr.Textbox(label="企业诉求", lines=3, placeholder="例如：企业要求按其缴纳税收地方留成的50%返还，连续五年，并以成本价供地")
        deal_btn = gr.Button("审查诉求")
        advice = gr.Markdown()
        deal_files = gr.File(label="下载诉求审查意见", file_count="multiple")
        deal_btn.click(handler(lambda t, request: review_concession(ctx, t, request), 1, gr), [deal],
                       [advice, deal_files], api_name="concession")
