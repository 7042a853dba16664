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
from pathlib import Path

from ..errors import AssistantError
from . import tab_review
from .tab_review import review_draft  # noqa: F401 - re-exported
from .audit import AuditLog
from .uploads import Uploads
from .users import Users

OPEN_BANNER = "⚠️ 未配置用户文件：应用以开放模式运行，仅允许本机（127.0.0.1）访问。"


@dataclass
class AppContext:
    """What the handlers share: one index, one retriever, the audit log and the users (None = open mode)."""

    index_dir: Path
    audit: AuditLog
    users: Users | None = None
    rule_dirs: tuple[Path, ...] = ()  # empty: the packaged rules (match.service.DEFAULT_RULE_DIRS)
    max_upload_mb: float = 20.0
    _retriever: object = field(default=None, repr=False)
    _detector: object = field(default=None, repr=False)
    llm: object = None  # LLMSettings: answers through an OpenAI-compatible server, streamed and citation-checked
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # index reads vs. admin writes
    uploads: Uploads = field(default_factory=Uploads, repr=False)  # only our own uploads, private copies, purged
    name: str = "默认知识库"  # this knowledge base's name (users file `bases`)
    bases: dict = field(default_factory=dict, repr=False, compare=False)  # name → AppContext when several bases are served
    _choice: dict = field(default_factory=dict, repr=False, compare=False)  # Gradio session → chosen base

    @classmethod
    def serving(cls, bases: dict, audit: AuditLog, users: Users | None = None, **shared) -> "AppContext":
        """One context per knowledge base (own index, retriever, lock), sharing audit, users and uploads; the
        first base is the default and the returned root."""
        items = list(bases.items())
        root = cls(Path(items[0][1]), audit, users, name=items[0][0], **shared)
        root.bases = {root.name: root}
        for name, path in items[1:]:
            root.bases[name] = cls(Path(path), audit, users, name=name, uploads=root.uploads, **shared)
        return root

    def served(self) -> list[str]:
        return list(self.bases) or [self.name]

    def readable(self, user: str | None) -> list[str]:
        """The bases this user may read (open mode: all)."""
        return self.served() if self.users is None else self.users.bases(user, self.served())

    def for_request(self, request, base: str | None = None) -> "AppContext":
        """The context of the base this request may use: `base`, else the session's choice, else the user's first.
        A base the user may not read is refused (and audited) exactly like a missing one."""
        user, role = self.who(request)
        allowed = self.readable(user)
        chosen = base or self._choice.get(getattr(request, "session_hash", None)) or (allowed[0] if allowed else None)
        if chosen not in allowed:
            self.audit.record(user, role, "base:denied", detail=f"知识库 {chosen or '（无）'}")
            raise AssistantError(f"无权访问知识库“{chosen}”" if chosen else "当前用户没有可读的知识库")
        return self.bases.get(chosen, self)

    def choose(self, request, base: str) -> str:
        """The 知识库 selector: remembers the session's base after checking the user may read it."""
        self.for_request(request, base or None)
        self._choice[getattr(request, "session_hash", None)] = base
        return f"当前知识库：{base}"

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


from .tab_chat import _text, ask, ask_stream  # noqa: E402,F401 - re-exported (the chat tab lives in tab_chat.py)


PROFILE_FORM = [  # (field, label, kind)
    ("name", "项目名称", "text"), ("industry", "行业", "text"), ("description", "项目描述", "text"), ("region", "落地地区（必填）", "text"),
    ("total_investment_wan", "总投资（万元，可写“3亿元”）", "text"), ("fixed_asset_investment_wan", "固定资产投资（万元）", "text"),
    ("land_mu", "用地（亩）", "text"), ("annual_tax_wan", "预计年税收（万元）", "text"),
    ("local_fiscal_contribution_wan", "预计年地方财政贡献（万元）", "text"), ("rd_investment_wan", "年研发投入（万元）", "text"),
    ("enterprise_type", "企业类型", ["", "内资", "外资", "国有", "民营"]), ("chain_role", "链上作用", ["", "延链", "补链", "强链"]),
    ("qualifications", "资质与认定（逗号分隔）", "text"), ("talent", "拟引进人才（逗号分隔，如 博士,硕士）", "text"),
]


def profile_fields(gr, form=PROFILE_FORM) -> list:
    """One input per profile field, in a row (a select where the field has fixed choices); call inside a layout."""
    fields = []
    with gr.Row():
        for _, label, choice in form:
            if isinstance(choice, list):
                fields.append(gr.Dropdown(choice, value="", label=label, min_width=220))
            else:
                fields.append(gr.Textbox(label=label, min_width=220))
    return fields


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
    from ..match.service import DEFAULT_RULE_DIRS, match
    from ..retrieve import Filters

    try:
        user, role = ctx.require(request, "match")
        ctx = ctx.for_request(request)
        data = json.loads(profile_json or "{}")
        data = {k: v for k, v in data.items() if v not in (None, "", [])}
        profile = parse_profile(data)
        with ctx.lock:
            result = match(profile, ctx.index, [d for d in (ctx.rule_dirs or DEFAULT_RULE_DIRS) if d.exists()], as_of=Filters.parse_date(as_of or None),
                           retriever=ctx.retriever if profile.value("is_foreign") else None)
    except json.JSONDecodeError as exc:
        return f"⚠️ 项目信息格式错误：{exc}", []
    except AssistantError as exc:
        return f"⚠️ {exc}", []
    report = markdown(result, profile)
    out = Path(tempfile.mkdtemp(prefix="match-"))
    (out / "匹配报告.md").write_text(report, encoding="utf-8")
    (out / "匹配结果.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    ctx.audit.record(user, role, "match", question=json.dumps(data, ensure_ascii=False, sort_keys=True),
                     clause_ids=[e.clause_id for e in result.eligible], index_snapshot=ctx.index.store.snapshot(),
                     answer=report)
    return report, [str(out / "匹配报告.md"), str(out / "匹配结果.json")]


DOC_HEADERS = ["标题", "文号", "层级", "地区", "类别", "施行", "状态", "条款数", "文件", "导入时间"]


def documents(ctx: AppContext, query: str = "", request=None) -> list[list]:
    """The knowledge-base table with Chinese labels; `query` keeps the rows whose title, 文号, region or file holds it."""
    from ..documents.model import DocMeta
    from ..vocab.labels import kind_label, level_label, status_label

    try:
        ctx = ctx if request is None else ctx.for_request(request)  # None: a direct call, the default base
    except AssistantError:
        return []
    rows, q = [], (query or "").strip()
    for r in ctx.index.store.doc_rows(effective=True):  # with supersede applied: 已废止 shows here too
        meta = DocMeta(**r["meta"])
        row = [meta.title, meta.doc_number or "", level_label(meta.level), meta.region or "", kind_label(meta.kind),
               str(meta.effective or meta.published or ""), status_label(meta.status()), r["n_clauses"], r["file"],
               str(r["ingested_at"])[:16]]
        if not q or any(q in str(v) for v in (meta.title, meta.doc_number, meta.region, r["file"], r["doc_id"])):
            rows.append(row)
    return rows


def document_choices(ctx: AppContext, request=None) -> list[tuple[str, str]]:
    """(label, doc_id) pairs for the removal picker."""
    from ..documents.model import DocMeta

    try:
        ctx = ctx if request is None else ctx.for_request(request)  # None: a direct call, the default base
    except AssistantError:
        return []
    return [(f"{DocMeta(**r['meta']).title}（{r['file']}）", r["doc_id"]) for r in ctx.index.store.doc_rows()]


def admin_ingest(ctx: AppContext, uploads: list[str] | None, request=None) -> str:
    """管理员: add uploaded files to the knowledge base (kept under <index>/uploads), or re-ingest every source."""
    from ..index.ingest import ingest

    try:
        user, role = ctx.require(request, "admin")
        ctx = ctx.for_request(request)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    target = ctx.index_dir / "uploads"
    target.mkdir(parents=True, exist_ok=True)
    if uploads:
        try:
            for u in uploads:
                with ctx.uploads.claim(u, ctx.max_upload_mb) as path:
                    shutil.copy(path, target / path.name)  # .name: no folder part survives from the upload
        except AssistantError as exc:
            return f"⚠️ {exc}"
        paths = [target]
    else:  # re-ingest every folder the index was built from
        paths = sorted({Path(r["root"]) for r in ctx.index.store.doc_rows() if Path(r["root"]).exists()})
    with ctx.lock:
        report = ingest(paths, ctx.index, show_progress=False)
    ctx.audit.record(user, role, "ingest", question=json.dumps([str(p) for p in paths], ensure_ascii=False),
                     index_snapshot=ctx.index.store.snapshot(),
                     detail=json.dumps({s: report.count(s) for s in ("added", "updated", "removed", "failed")}))
    from ..vocab.labels import INGEST_LABELS

    lines = [f"{INGEST_LABELS.get(r.status, r.status)}：{r.file}{('：' + r.detail) if r.detail else ''}"
             for r in report.results if r.status != "unchanged"]
    return "\n".join(lines) or "没有变化"


def admin_remove(ctx: AppContext, doc_id: str, request=None, confirmed: bool = True) -> str:
    from ..index.ingest import remove_document

    try:
        user, role = ctx.require(request, "admin")
        ctx = ctx.for_request(request)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    if not confirmed:
        return "⚠️ 请先勾选“确认移除”：移除后该文件的条款不再可检索"
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


def _handler(fn, n_inputs: int, gr, audit: AuditLog | None = None):
    """Wrap fn(*values, request) so Gradio passes one value per input and the gr.Request last. A handler that
    crashes is recorded in the audit log (user, action, error type) before the error goes back to Gradio."""

    def crashed(request, exc: Exception) -> None:
        if audit is not None:
            user = getattr(request, "username", None) or "未登录"
            audit.record(user, "无", f"{getattr(fn, '__name__', 'handler')}:error", detail=type(exc).__name__)

    if inspect.isgeneratorfunction(fn):  # Gradio streams only from generator functions

        def handler(*args):
            *values, request = args
            try:
                yield from fn(*values, request=request)
            except Exception as exc:
                crashed(request, exc)
                raise
    else:

        def handler(*args):
            *values, request = args
            try:
                return fn(*values, request=request)
            except Exception as exc:
                crashed(request, exc)
                raise

    handler.__signature__ = inspect.Signature(
        [inspect.Parameter(f"v{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(n_inputs)]
        + [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)])
    handler.__annotations__ = {"request": gr.Request}  # Gradio reads type hints to inject the request
    return handler


def build_app(ctx: AppContext):
    import functools

    import gradio as gr

    from . import tab_chat, tab_compare, tab_kb_upload, tab_rules

    handler = functools.partial(_handler, audit=ctx.audit)  # crashes are audited

    with gr.Blocks(title="政策法规知识助手") as app:
        gr.Markdown("# 政策法规知识助手\n招商引资政策问答、项目政策匹配、文稿公平竞争审查。每个回答都注明所依据的条款。")
        if ctx.users is None:
            gr.Markdown(OPEN_BANNER)
        if len(ctx.served()) > 1:  # 知识库 selector: only the bases this user may read
            base = gr.Dropdown(choices=[], label="知识库", interactive=True)
            base_note = gr.Markdown()
            app.load(handler(lambda request: gr.Dropdown(choices=ctx.readable(ctx.who(request)[0]),
                                                         value=(ctx.readable(ctx.who(request)[0]) or [None])[0]), 0, gr),
                     None, base)

        chat_load, chat_outputs = tab_chat.build(ctx, gr, handler)
        app.load(chat_load, None, chat_outputs)

        with gr.Tab("项目匹配"):
            fields = profile_fields(gr)
            match_as_of = gr.Textbox(label="判断日期（可选，默认计划开工日或今天）")
            match_btn = gr.Button("匹配政策", variant="primary")
            match_report = gr.Markdown()
            match_files = gr.File(label="下载报告", file_count="multiple")

            def run_match(*values, request):
                *form, when = values
                return match_project(ctx, json.dumps(profile_from_form(form), ensure_ascii=False), when, request)

            match_btn.click(handler(run_match, len(fields) + 1, gr), [*fields, match_as_of], [match_report, match_files],
                            api_name="match")

        tab_rules.build(ctx, gr, handler)
        tab_compare.build(ctx, gr, handler)
        tab_review.build(ctx, gr, handler)

        with gr.Tab("知识库"):
            with gr.Row():
                doc_query = gr.Textbox(label="查找文件（标题、文号、地区或文件名）", scale=4)
                refresh = gr.Button("刷新", scale=1)
            docs = gr.Dataframe(headers=DOC_HEADERS, wrap=True, max_height=420,
                                column_widths=["26%", "12%", "7%", "8%", "8%", "9%", "7%", "6%", "10%", "7%"])
            table = handler(lambda q, request: documents(ctx, q, request), 1, gr)
            refresh.click(table, [doc_query], docs, api_name="documents")
            doc_query.submit(table, [doc_query], docs, api_name=False)
            app.load(handler(lambda request: documents(ctx, "", request), 0, gr), None, docs)
            gr.Markdown("#### 管理（仅管理员）")
            uploads = gr.File(label="添加文件到知识库（不选文件则重新导入全部来源）", file_count="multiple", type="filepath")
            ingest_btn = gr.Button("导入 / 重新导入")
            with gr.Row():
                remove_id = gr.Dropdown(choices=[], label="要移除的文件", scale=4)
                remove_ok = gr.Checkbox(label="确认移除", value=False, scale=1)
            remove_btn = gr.Button("移除文件", variant="stop")
            app.load(handler(lambda request: gr.Dropdown(choices=document_choices(ctx, request)), 0, gr), None, remove_id)
            admin_out = gr.Textbox(label="结果", lines=6)
            ingest_btn.click(handler(lambda u, request: admin_ingest(ctx, u, request), 1, gr), [uploads], [admin_out],
                             api_name="ingest").then(handler(lambda request: documents(ctx, "", request), 0, gr), None, docs)
            remove_btn.click(handler(lambda d, ok, request: admin_remove(ctx, d, request, confirmed=bool(ok)), 2, gr),
                             [remove_id, remove_ok], [admin_out], api_name="remove").then(
                handler(lambda request: (documents(ctx, "", request), gr.Dropdown(choices=document_choices(ctx, request),
                                                                                  value=None), False), 0, gr), None,
                [docs, remove_id, remove_ok])
        if len(ctx.served()) > 1:  # switching base refreshes the knowledge-base table and the removal picker
            base.change(handler(lambda b, request: ctx.choose(request, b), 1, gr), [base], [base_note], api_name=False).then(
                handler(lambda request: (documents(ctx, "", request),
                                         gr.Dropdown(choices=document_choices(ctx, request), value=None)), 0, gr),
                None, [docs, remove_id])
        tab_kb_upload.build(ctx, gr, handler)
    return app


from .sessions import SESSION_HOURS, check_host, login, reap_sessions, serve  # noqa: E402,F401 - re-exported


__all__ = ["AppContext", "ask", "match_project", "review_draft", "documents", "build_app", "serve"]
