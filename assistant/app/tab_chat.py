"""The 政策问答 tab: routed, cited answers; conversations kept per user (assistant.app.history); 👍/👎; exports.

Handlers are plain functions (tested without a browser). No `from __future__ import annotations`: Gradio reads
the request annotation at run time.
"""

import html
import tempfile
from datetime import date
from pathlib import Path

from ..errors import AssistantError
from ..index.store import ClauseRow
from .history import History, _now, beside

MAX_HISTORY = 2000  # chat messages one request may carry (a long conversation is ~2 per turn)
PREVIOUS_TURNS = 20  # earlier questions the follow-up resolution looks at


def history_store(ctx) -> History:
    """The conversation store next to the audit log (one per app)."""
    if getattr(ctx, "_history", None) is None:
        path = ctx.audit.db.execute("PRAGMA database_list").fetchone()[2]
        ctx._history = History(beside(path) if path else Path(tempfile.mkdtemp()) / "chat-history.sqlite")
    return ctx._history


def _text(content) -> str:
    """Chat message content as plain text (Gradio 6 may send a list of {"type": "text", "text": ...} parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def checked_chatbot(gr, **kwargs):
    """A gr.Chatbot whose incoming history is checked first: a malformed or oversized history sent through Gradio's
    API gets one Chinese error line instead of a traceback with one line per bad entry (#16 defect 20). The check
    sits on the instance (a gr.Chatbot subclass would make Gradio write a .pyi beside this module)."""
    from gradio.components.chatbot import ChatbotDataMessages
    from pydantic import ValidationError

    class CheckedHistory(ChatbotDataMessages):
        @classmethod
        def model_validate(cls, obj, *args, **kw):
            if isinstance(obj, (list, tuple)) and len(obj) > MAX_HISTORY:
                raise gr.Error(f"对话记录过长：{len(obj)} 条，上限 {MAX_HISTORY} 条，请开始新对话", print_exception=False)
            try:
                return super().model_validate(obj, *args, **kw)
            except ValidationError as exc:
                raise gr.Error(f"对话记录格式无效（{exc.error_count()} 处错误），请开始新对话", print_exception=False) from None

    chat = gr.Chatbot(**kwargs)
    chat.data_model = CheckedHistory
    return chat


def sources_markdown(ctx, answer) -> str:
    """Each citation as a collapsible block: label, 文号, status, and the clause in the context of its document."""
    store = ctx.index.store
    out = ["### 引用条款（点击展开，查看条款在原文中的位置）"]
    for i, c in enumerate(answer.citations, 1):
        clause = store.clause(c.clause_id) or ClauseRow(c.clause_id, "", c.article, (), c.quote, "")
        article = c.clause_id.split("#", 1)[0] + "#" + c.article if c.article else c.clause_id
        siblings = store.clauses_of(clause.doc_id) if clause.doc_id else []
        pos = next((k for k, s in enumerate(siblings) if s.clause_id in (c.clause_id, article)), None)
        context = []
        whole = store.clause(article) or clause  # the whole article, its cited 款/项 highlighted
        q = html.escape(c.quote)
        text = html.escape(whole.text)
        text = text.replace(q, f"<mark>{q}</mark>", 1) if q in text else f"<mark>{text}</mark>"
        if pos is not None:  # the neighbouring articles, for context
            before = [s for s in siblings[:pos] if s.article != c.article]
            after = [s for s in siblings[pos + 1:] if s.article != c.article]
            if before:
                context.append(f"<div style='color:#666'>{html.escape(before[-1].text)}</div>")
            context.append(f"<div class='cite-clause'>{text}</div>")
            if after:
                context.append(f"<div style='color:#666'>{html.escape(after[0].text)}</div>")
        else:
            context.append(f"<div class='cite-clause'>{text}</div>")
        body = "\n".join(context).replace("\n", "<br>")
        out.append(f"<details id='cite-{i}' class='citation' data-clause='{html.escape(c.clause_id)}'><summary>[{i}] {html.escape(c.display())}</summary>"
                   f"<p>{body}</p><p><small>条款编号（供核验）：<code>{html.escape(c.clause_id)}</code></small></p></details>")
    return "\n\n".join(out)


def ask_stream(ctx, message: str, history: list, as_of: str = "", region: str = "", request=None, level: str = "",
               kind: str = ""):
    """One chat turn, streamed: with an LLM the draft text appears as it is generated (marked unchecked) and is
    replaced by the citation-checked answer; without one, the routed answer comes at once. The turn is stored in
    the user's current conversation (a new one when the chat is empty)."""
    from ..answer.chat import ChatAnswerer
    from ..answer.extractive import Answer
    from ..retrieve import Filters

    history = [m for m in (history if isinstance(history, list) else [])[-MAX_HISTORY:] if isinstance(m, dict)]
    turn = [{"role": "user", "content": message}]
    try:
        user, role = ctx.require(request, "ask")
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        if not (message or "").strip():
            raise AssistantError("请输入问题")
        filters = Filters(region=region or None, level=level or None, kind=kind or None,
                          as_of=Filters.parse_date(as_of or None) or date.today())
        store = history_store(ctx)
        convs = store.conversations(user)
        conversation = convs[0]["id"] if history and convs else None
        previous = [t["answer"].get("question") or t["question"] for t in store.turns(conversation, user)] if conversation else \
            [_text(m.get("content")) for m in history if m.get("role") == "user"]
        previous = previous[-PREVIOUS_TURNS:]
        answer = None
        from ..answer.intent import classify
        from ..answer.conversation import resolve

        if ctx.llm is not None and classify(resolve(message, previous).question).intent == "fact":
            from ..answer.grounded import GroundedAnswerer

            with ctx.lock:
                retriever = ctx.retriever
            for part in GroundedAnswerer(retriever, ctx.llm, lock=ctx.lock).stream(message, history=previous, filters=filters):
                if isinstance(part, Answer):
                    answer = part
                else:
                    yield history + turn + [{"role": "assistant", "content": part + " ▌\n\n（生成中，完成后将逐句核验引用）"}], ""
        else:
            with ctx.lock:
                if getattr(ctx, "_chat", None) is None or ctx._chat.retriever is not ctx.retriever:
                    ctx._chat = ChatAnswerer(ctx.retriever, rule_dirs=ctx.rule_dirs, detector=ctx._detector)
                answer = ctx._chat.ask(message, history=previous, filters=filters)
    except AssistantError as exc:
        yield history + turn + [{"role": "assistant", "content": f"⚠️ {exc}"}], ""
        return
    detail = "；".join(x for x in (answer.notice, f"删除无依据句子 {answer.unsupported}" if answer.unsupported else "") if x)
    ctx.audit.record(user, role, "ask", question=answer.question, clause_ids=[c.clause_id for c in answer.citations],
                     index_snapshot=ctx.index.store.snapshot(), answer=answer.answer, model=answer.model or "extractive",
                     prompt_version=answer.prompt_version or "none", detail=detail or answer.intent)
    if conversation is None:
        conversation = store.start(user, message.strip())
    store.add(conversation, user, message, answer.to_dict())
    yield history + turn + [{"role": "assistant", "content": answer.answer}], sources_markdown(ctx, answer)


def ask(ctx, message: str, history: list, as_of: str = "", region: str = "", request=None, level: str = "", kind: str = ""):
    """One chat turn → (history with the answer, sources Markdown)."""
    final = None
    for final in ask_stream(ctx, message, history, as_of, region, request, level, kind):
        pass
    return final


def conversation_choices(ctx, request=None) -> list[tuple[str, int]]:
    user, _ = ctx.who(request)
    return [(f"{c['updated'][:16].replace('T', ' ')} {c['title']}", c["id"]) for c in history_store(ctx).conversations(user)]


def load_conversation(ctx, conversation, request=None) -> list:
    """A stored conversation as chat messages; it becomes the user's current one (its next turn is appended to it)."""
    user, _ = ctx.who(request)
    store = history_store(ctx)
    if conversation in (None, ""):
        convs = store.conversations(user)
        if not convs:
            return []
        conversation = convs[0]["id"]
    conversation = int(conversation)
    turns = store.turns(conversation, user)
    with store.lock, store.db:  # make it the current conversation
        store.db.execute("UPDATE conversations SET updated=? WHERE id=?", (_now(), conversation))
    msgs = []
    for t in turns:
        msgs += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"].get("answer", "")}]
    return msgs


def rate(ctx, index: int, liked: bool, comment: str = "", request=None) -> str:
    """👍/👎 on the assistant message at chat position `index` of the current conversation."""
    user, _ = ctx.who(request)
    store = history_store(ctx)
    convs = store.conversations(user)
    if not convs:
        return "⚠️ 没有可评价的回答"
    turns = store.turns(convs[0]["id"], user)
    n = int(index) // 2
    if not 0 <= n < len(turns):
        return "⚠️ 没有可评价的回答"
    store.rate(turns[n]["id"], user, 1 if liked else -1, comment)
    return f"已记录评价：{'👍' if liked else '👎'}"


def export(ctx, fmt: str, request=None) -> str | None:
    """The current conversation as Markdown or Word; returns the file path."""
    user, _ = ctx.who(request)
    store = history_store(ctx)
    convs = store.conversations(user)
    if not convs:
        return None
    out = Path(tempfile.mkdtemp(prefix="chat-"))
    if fmt == "docx":
        return str(store.docx(convs[0]["id"], user, out / "对话记录.docx"))
    path = out / "对话记录.md"
    path.write_text(store.markdown(convs[0]["id"], user), encoding="utf-8")
    return str(path)


def build(ctx, gr, handler):
    """The tab's components and events (called inside gr.Blocks)."""
    from ..vocab.labels import KIND_LABELS, LEVEL_LABELS

    with gr.Tab("政策问答"):
        with gr.Row():
            as_of = gr.Textbox(label="有效日期（YYYY-MM-DD，默认今天）")
            region = gr.Textbox(label="地区（可选）")
            level = gr.Dropdown([("全部", "")] + [(v, k) for k, v in LEVEL_LABELS.items()], value="", label="层级")
            kind = gr.Dropdown([("全部", "")] + [(v, k) for k, v in KIND_LABELS.items()], value="", label="文件类别")
        with gr.Row():
            convs = gr.Dropdown([], label="历史对话", interactive=True, scale=3)
            new_btn = gr.Button("新对话", scale=1)
        chat = checked_chatbot(gr, label="对话", height=420, elem_id="chat")
        question = gr.Textbox(label="问题", placeholder="例如：招商引资时能不能承诺按企业缴纳的税收给予返还？", elem_id="question")
        ask_btn = gr.Button("提问", variant="primary")
        comment = gr.Textbox(label="评价说明（可选，点 👍/👎 时一并记录）")
        feedback = gr.Markdown()
        sources = gr.Markdown(elem_id="sources")
        with gr.Row():
            md_btn = gr.Button("导出 Markdown")
            docx_btn = gr.Button("导出 Word")
        export_file = gr.File(label="对话记录")
        chat_inputs = [question, chat, as_of, region, level, kind]
        if ctx.llm is not None:
            gr.Markdown(f"回答由大模型 `{ctx.llm.model}` 生成，逐句核验引用；核验不通过或服务不可用时改用摘录式回答。")

        def on_ask_fn(m, h, a, r, lv, k, request):
            yield from ask_stream(ctx, m, h, a, r, request, lv, k)

        on_ask = handler(on_ask_fn, len(chat_inputs), gr)
        refresh = handler(lambda request: gr.update(choices=conversation_choices(ctx, request)), 0, gr)
        question.submit(on_ask, chat_inputs, [chat, sources], api_name="ask").then(lambda: "", None, question).then(refresh, None, convs)
        ask_btn.click(on_ask, chat_inputs, [chat, sources], api_name=False).then(lambda: "", None, question).then(refresh, None, convs)
        convs.input(handler(lambda c, request: load_conversation(ctx, c, request), 1, gr), [convs], [chat], api_name=False)
        new_btn.click(lambda: ([], ""), None, [chat, sources], api_name=False)

        def on_like(data: gr.LikeData, text, request: gr.Request):
            return rate(ctx, data.index[0] if isinstance(data.index, (list, tuple)) else data.index, data.liked, text, request)

        chat.like(on_like, [comment], [feedback], api_name=False)
        md_btn.click(handler(lambda request: export(ctx, "md", request), 0, gr), None, export_file, api_name=False)
        docx_btn.click(handler(lambda request: export(ctx, "docx", request), 0, gr), None, export_file, api_name=False)

        def on_load(request: gr.Request):
            return load_conversation(ctx, None, request), gr.update(choices=conversation_choices(ctx, request))

        return on_load, [chat, convs]
