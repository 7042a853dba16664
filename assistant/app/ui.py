"""The Gradio 6 app: 政策问答, 项目匹配, 文稿审查, 知识库. Handlers are plain functions (tested without a browser).

No `from __future__ import annotations` here: Gradio injects `gr.Request` by evaluating the annotation.
"""


import inspect
import json
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import AssistantError
from .audit import AuditLog
from .users import Users

OPEN_BANNER = "⚠️ 未配置用户文件：应用以开放模式运行，仅允许本机（127.0.0.1）访问。"


@dataclass
class AppContext:
    """What the handlers share: one index, one retriever, the audit log and the users (None = open mode)."""

    index_dir: Path
    audit: AuditLog
    users: Users | None = None
    rule_dirs: tuple[Path, ...] = (Path("corpus/rules"), Path("eval/rules"))
    max_upload_mb: float = 20.0
    _retriever: object = field(default=None, repr=False)
    _detector: object = field(default=None, repr=False)
    llm: object = None  # LLMSettings: answers through an OpenAI-compatible server, streamed and citation-checked
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # index reads vs. admin writes

    @property
    def index(self):
        return self.retriever.index

    @property
    def retriever(self):
        from ..index import Index
        from ..retrieve import HybridRetriever

        if self._retriever is None:
            self._retriever = HybridRetriever(Index.open(self.index_dir, create=False))
        self._retriever.refresh()
        return self._retriever

    @property
    def detector(self):
        """Built once per app (case base, cached classifier, retrieval of the detailing 实施办法 article)."""
        if self._detector is None:
            from ..review.service import build_detector

            self._detector = build_detector(retriever=self.retriever)
        return self._detector

    def who(self, request) -> tuple[str, str]:
        if self.users is None:
            return "本机用户", "管理员"
        name = getattr(request, "username", None) if request is not None else None
        role = self.users.role(name)
        if role is None:  # session of a user who is no longer in the users file, or no session at all
            self.audit.record(name or "未登录", "无", "session:rejected", detail="登录已失效或用户已被移除")
            raise AssistantError("登录已失效，请重新登录")
        return name, role

    def require(self, request, action: str) -> tuple[str, str]:
        name, role = self.who(request)
        if not Users.allowed(role, action):
            self.audit.record(name, role, f"{action}:denied", detail="角色无此权限")
            raise AssistantError(f"当前角色“{role}”无权使用此功能")
        return name, role


from .tab_chat import _text, ask, ask_stream  # noqa: E402  (the chat tab lives in tab_chat.py)


PROFILE_FORM = [  # (field, label, kind)
    ("name", "项目名称", "text"), ("industry", "行业", "text"), ("description", "项目描述", "text"), ("region", "落地地区（必填）", "text"),
    ("total_investment_wan", "总投资（万元，可写“3亿元”）", "text"), ("fixed_asset_investment_wan", "固定资产投资（万元）", "text"),
    ("land_mu", "用地（亩）", "text"), ("annual_tax_wan", "预计年税收（万元）", "text"),
    ("local_fiscal_contribution_wan", "预计年地方财政贡献（万元）", "text"), ("rd_investment_wan", "年研发投入（万元）", "text"),
    ("enterprise_type", "企业类型", ["", "内资", "外资", "国有", "民营"]), ("chain_role", "链上作用", ["", "延链", "补链", "强链"]),
    ("qualifications", "资质与认定（逗号分隔）", "text"), ("talent", "拟引进人才（逗号分隔，如 博士,硕士）", "text"),
]


def profile_from_form(values) -> dict:
    data = {}
    for (name, _, _), value in zip(PROFILE_FORM, values):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in (None, ""):
            continue
        data[name] = [v.strip() for v in re.split(r"[,，、]", value) if v.strip()] if name in ("qualifications", "talent") else value
    return data


def match_project(ctx: AppContext, profile_json: str, as_of: str = "", request=None):
    """Profile (JSON text, or the form's values turned into JSON) → (Markdown report, [md, json] download paths)."""
    from ..match.profile import parse_profile
    from ..match.report import markdown
    from ..match.service import match
    from ..retrieve import Filters

    try:
        user, role = ctx.require(request, "match")
        data = json.loads(profile_json or "{}")
        data = {k: v for k, v in data.items() if v not in (None, "", [])}
        profile = parse_profile(data)
        with ctx.lock:
            result = match(profile, ctx.index, [d for d in ctx.rule_dirs if d.exists()], as_of=Filters.parse_date(as_of or None),
                           retriever=ctx.retriever if profile.value("is_foreign") else None)
    except json.JSONDecodeError as exc:
        return f"⚠️ 项目信息格式错误：{exc}", []
    except AssistantError as exc:
        return f"⚠️ {exc}", []
    report = markdown(result, profile)
    out = Path(tempfile.mkdtemp(prefix="match-"))
    (out / "匹配报告.md").write_text(report, encoding="utf-8")
    (out / "匹配结果.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    ctx.audit.record(user, role, "match", question=json.dumps(data, ensure_ascii=False, sort_keys=True),
                     clause_ids=[e["clause_id"] for e in result["eligible"]], index_snapshot=ctx.index.store.snapshot(),
                     answer=report)
    return report, [str(out / "匹配报告.md"), str(out / "匹配结果.json")]


def review_draft(ctx: AppContext, upload: str | None, request=None):
    """Uploaded draft → (findings rows, [docx, md] download paths). The upload is deleted after use."""
    from ..review.draft import load_draft
    from ..review.report import build, docx, markdown

    try:
        user, role = ctx.require(request, "review")
        if not upload:
            raise AssistantError("请先上传文稿")
        path = Path(upload)
        if path.stat().st_size > ctx.max_upload_mb * 1024 * 1024:
            raise AssistantError(f"文件超过 {ctx.max_upload_mb:g} MB 上限")
        raw = path.read_bytes()
        draft = load_draft(path, max_mb=ctx.max_upload_mb)
    except AssistantError as exc:
        return [[0, "", f"⚠️ {exc}", "", "", ""]], []
    finally:
        if upload:
            Path(upload).unlink(missing_ok=True)  # drafts are confidential: never kept
    findings = ctx.detector.review(draft)
    with ctx.lock:
        result = build(draft, findings, ctx.index.store)
    out = Path(tempfile.mkdtemp(prefix="review-"))
    docx(result, draft, out / "审查意见.docx")
    (out / "审查意见.md").write_text(markdown(result, draft), encoding="utf-8")
    ctx.audit.record(user, role, "review", input_bytes=raw, clause_ids=sorted({c for f in findings for c in f.provisions}),
                     index_snapshot=ctx.index.store.snapshot(), answer=json.dumps(result["findings"], ensure_ascii=False))
    rows = [[f.clause_index, f.clause_label, f.category, f.severity, "、".join(f.articles), f.suggestion] for f in findings]
    if not rows:
        rows = [[0, "", f"全部 {len(draft.clauses)} 个条款未发现问题", "", "", ""]]
    return rows, [str(out / "审查意见.docx"), str(out / "审查意见.md")]


def documents(ctx: AppContext) -> list[list]:
    from ..documents.model import DocMeta

    status_cn = {"in_force": "现行有效", "repealed": "已废止", "expired": "已失效", "not_yet_effective": "尚未施行"}
    rows = []
    for r in ctx.index.store.doc_rows():
        meta = DocMeta(**r["meta"])
        rows.append([r["doc_id"], meta.title, meta.doc_number or "", meta.level or "", meta.region or "", meta.kind or "",
                     meta.effective or meta.published or "", status_cn[meta.status()], r["n_clauses"], r["ingested_at"]])
    return rows


def admin_ingest(ctx: AppContext, uploads: list[str] | None, request=None) -> str:
    """管理员: add uploaded files to the knowledge base (kept under <index>/uploads), or re-ingest every source."""
    from ..index.ingest import ingest

    try:
        user, role = ctx.require(request, "admin")
    except AssistantError as exc:
        return f"⚠️ {exc}"
    target = ctx.index_dir / "uploads"
    target.mkdir(parents=True, exist_ok=True)
    if uploads:
        for u in uploads:
            shutil.copy(u, target / Path(u).name)
        paths = [target]
    else:  # re-ingest every folder the index was built from
        paths = sorted({Path(r["root"]) for r in ctx.index.store.doc_rows() if Path(r["root"]).exists()})
    with ctx.lock:
        report = ingest(paths, ctx.index, show_progress=False)
    ctx.audit.record(user, role, "ingest", question=json.dumps([str(p) for p in paths], ensure_ascii=False),
                     index_snapshot=ctx.index.store.snapshot(),
                     detail=json.dumps({s: report.count(s) for s in ("added", "updated", "removed", "failed")}))
    lines = [f"{r.status}：{r.file}{('：' + r.detail) if r.detail else ''}" for r in report.results if r.status != "unchanged"]
    return "\n".join(lines) or "没有变化"


def admin_remove(ctx: AppContext, doc_id: str, request=None) -> str:
    from ..index.ingest import remove_document

    try:
        user, role = ctx.require(request, "admin")
    except AssistantError as exc:
        return f"⚠️ {exc}"
    doc_id = (doc_id or "").strip()
    row = next((r for r in ctx.index.store.doc_rows() if r["doc_id"] == doc_id), None)
    with ctx.lock:
        removed = row is not None and remove_document(ctx.index, doc_id)
    if not removed:
        return f"⚠️ 知识库中没有文件 {doc_id!r}"
    uploaded = ctx.index_dir / "uploads" / row["file"]
    if Path(row["root"]) == (ctx.index_dir / "uploads").resolve() and uploaded.exists():
        uploaded.unlink()  # otherwise the next re-ingest would add it back
    ctx.audit.record(user, role, "remove", question=doc_id, index_snapshot=ctx.index.store.snapshot())
    return f"已移除：{doc_id}（{row['file']}）"


def _handler(fn, n_inputs: int, gr):
    """Wrap fn(*values, request) so Gradio passes one value per input and the gr.Request last."""

    if inspect.isgeneratorfunction(fn):  # Gradio streams only from generator functions

        def handler(*args):
            *values, request = args
            yield from fn(*values, request=request)
    else:

        def handler(*args):
            *values, request = args
            return fn(*values, request=request)

    handler.__signature__ = inspect.Signature(
        [inspect.Parameter(f"v{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(n_inputs)]
        + [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)])
    handler.__annotations__ = {"request": gr.Request}  # Gradio reads type hints to inject the request
    return handler


def build_app(ctx: AppContext):
    import gradio as gr

    with gr.Blocks(title="政策法规知识助手") as app:
        gr.Markdown("# 政策法规知识助手\n招商引资政策问答、项目政策匹配、文稿公平竞争审查。每个回答都注明所依据的条款。")
        if ctx.users is None:
            gr.Markdown(OPEN_BANNER)

        from . import tab_chat

        chat_load, chat_outputs = tab_chat.build(ctx, gr, _handler)
        app.load(chat_load, None, chat_outputs)

        with gr.Tab("项目匹配"):
            fields = []
            with gr.Row():
                for _, label, choice in PROFILE_FORM:
                    if isinstance(choice, list):
                        fields.append(gr.Dropdown(choice, value="", label=label, min_width=220))
                    else:
                        fields.append(gr.Textbox(label=label, min_width=220))
            match_as_of = gr.Textbox(label="判断日期（可选，默认计划开工日或今天）")
            match_btn = gr.Button("匹配政策", variant="primary")
            match_report = gr.Markdown()
            match_files = gr.File(label="下载报告", file_count="multiple")

            def run_match(*values, request):
                *form, when = values
                return match_project(ctx, json.dumps(profile_from_form(form), ensure_ascii=False), when, request)

            match_btn.click(_handler(run_match, len(fields) + 1, gr), [*fields, match_as_of], [match_report, match_files],
                            api_name="match")

        with gr.Tab("文稿审查"):
            draft = gr.File(label="上传文稿（.docx .txt .md）", type="filepath")
            review_btn = gr.Button("开始审查", variant="primary")
            findings = gr.Dataframe(headers=["条款序号", "条款", "问题类别", "风险", "依据", "修改建议"], wrap=True)
            review_files = gr.File(label="下载审查意见", file_count="multiple")
            review_btn.click(_handler(lambda f, request: review_draft(ctx, f, request), 1, gr), [draft],
                             [findings, review_files], api_name="review")

        with gr.Tab("知识库"):
            docs = gr.Dataframe(headers=["编号", "标题", "文号", "层级", "地区", "类别", "施行", "状态", "条款数", "导入时间"], wrap=True)
            refresh = gr.Button("刷新")
            refresh.click(lambda: documents(ctx), None, docs, api_name="documents")
            app.load(lambda: documents(ctx), None, docs)
            gr.Markdown("#### 管理（仅管理员）")
            uploads = gr.File(label="添加文件到知识库（不选文件则重新导入全部来源）", file_count="multiple", type="filepath")
            ingest_btn = gr.Button("导入 / 重新导入")
            remove_id = gr.Textbox(label="要移除的文件编号")
            remove_btn = gr.Button("移除文件", variant="stop")
            admin_out = gr.Textbox(label="结果", lines=6)
            ingest_btn.click(_handler(lambda u, request: admin_ingest(ctx, u, request), 1, gr), [uploads], [admin_out],
                             api_name="ingest").then(lambda: documents(ctx), None, docs)
            remove_btn.click(_handler(lambda d, request: admin_remove(ctx, d, request), 1, gr), [remove_id], [admin_out],
                             api_name="remove").then(lambda: documents(ctx), None, docs)
    return app


def serve(ctx: AppContext, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    if ctx.users is None and host not in ("127.0.0.1", "localhost"):
        raise AssistantError("未配置用户文件时只能在 127.0.0.1 上运行；请用 --users 指定用户文件")
    app = build_app(ctx)
    auth = (lambda u, p: ctx.users.authenticate(u, p)) if ctx.users else None
    app.queue(default_concurrency_limit=4)
    app.launch(server_name=host, server_port=port, auth=auth, max_file_size=f"{ctx.max_upload_mb:g}mb",
               prevent_thread_lock=not block, show_error=False)
    return app


__all__ = ["AppContext", "ask", "match_project", "review_draft", "documents", "build_app", "serve"]
