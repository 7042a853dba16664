"""One call path for the HTTP API and MCP: who is calling (token), may they (role, base), do it (the same library
functions as the CLI), and write one audit row — denied calls included.

>>> ACTIONS["review"], ACTIONS["search"]
('review', 'ask')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..errors import AssistantError

ACTIONS = {"search": "ask", "ask": "ask", "match": "match", "review": "review", "documents": "ask",
           "clause": "ask", "bases": "ask"}  # endpoint → the UI permission it needs (users.ROLES)
MAX_TEXT = 200_000  # characters of a draft sent for review
MAX_QUESTION = 2_000


class Refused(AssistantError):
    """A call that is not allowed or not possible; `status` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Caller:
    name: str
    role: str


def authenticate(ctx, token: str | None, channel: str, action: str) -> Caller:
    """The user behind a Bearer token; a missing or unknown token is refused (401) and audited."""
    if ctx.users is None:
        ctx.audit.record("未登录", "无", f"{channel}:{action}:unauthorized", detail="未配置用户文件，接口不开放")
        raise Refused(401, "未配置用户文件：接口需要用户令牌（policy-assistant users add / users token）")
    name = ctx.users.by_token((token or "").strip())
    role = ctx.users.role(name) if name else None
    if role is None:
        ctx.audit.record("未登录", "无", f"{channel}:{action}:unauthorized",
                         detail="缺少令牌" if not token else "令牌无效或已吊销")
        raise Refused(401, "缺少或无效的 API 令牌（Authorization: Bearer <令牌>）")
    return Caller(name, role)


def base_context(ctx, caller: Caller, base: str | None, channel: str, action: str):
    """The context of a base this caller may read; an unknown base and a forbidden one look alike (404)."""
    allowed = ctx.users.bases(caller.name, ctx.served()) if ctx.users is not None else ctx.served()
    chosen = base or (allowed[0] if allowed else None)
    if chosen not in allowed:
        ctx.audit.record(caller.name, caller.role, f"{channel}:{action}:denied", detail=f"知识库 {chosen or '（无）'} 无权访问")
        raise Refused(404, f"没有可访问的知识库“{chosen}”" if chosen else "当前用户没有可读的知识库")
    return ctx.bases.get(chosen, ctx)


def call(ctx, caller: Caller, action: str, params: dict, channel: str = "api"):
    """Run one endpoint for an authenticated caller; every outcome is audited."""
    if not type(ctx.users).allowed(caller.role, ACTIONS[action]):
        ctx.audit.record(caller.name, caller.role, f"{channel}:{action}:denied", detail="角色无此权限")
        raise Refused(403, f"当前角色“{caller.role}”无权使用此功能")
    if action == "bases":
        bases = ctx.users.bases(caller.name, ctx.served())
        ctx.audit.record(caller.name, caller.role, f"{channel}:bases")
        return bases
    kb = base_context(ctx, caller, params.get("base"), channel, action)
    try:
        out, audit = _RUN[action](kb, params)
    except Refused as exc:
        ctx.audit.record(caller.name, caller.role, f"{channel}:{action}:refused", detail=str(exc)[:200])
        raise
    except AssistantError as exc:
        ctx.audit.record(caller.name, caller.role, f"{channel}:{action}:refused", detail=str(exc)[:200])
        raise Refused(422, str(exc)) from exc
    ctx.audit.record(caller.name, caller.role, f"{channel}:{action}", index_snapshot=kb.index.store.snapshot(),
                     detail=f"知识库 {kb.name}", **audit)
    return out


def _filters(params: dict):
    from ..retrieve import Filters

    as_of = Filters.parse_date(params.get("as_of") or None) or date.today()
    return Filters(region=params.get("region") or None, level=params.get("level") or None,
                   kind=params.get("kind") or None, as_of=as_of, include_inactive=bool(params.get("include_inactive")))


def _text(params: dict, key: str, limit: int) -> str:
    text = str(params.get(key) or "")
    if not text.strip():
        raise Refused(422, f"缺少 {key}")
    if len(text) > limit:
        raise Refused(413, f"{key} 过长：{len(text)} 字，上限 {limit} 字")
    return text


def _search(kb, params):
    from .contracts import search_json

    k = int(params.get("k") or 10)
    if not 1 <= k <= 200:
        raise Refused(422, f"条数应在 1 到 200 之间：{k}")
    query, filters = _text(params, "query", MAX_QUESTION), _filters(params)
    with kb.lock:
        hits = kb.retriever.search(query, k=k, filters=filters)
    out = search_json(hits, filters.as_of)
    return out, {"question": query, "clause_ids": [h["clause_id"] for h in out]}


def _ask(kb, params):
    from ..answer.extractive import ExtractiveAnswerer
    from .contracts import answer_json

    question, filters = _text(params, "question", MAX_QUESTION), _filters(params)
    history = [str(h)[:MAX_QUESTION] for h in (params.get("history") or [])][-10:]
    with kb.lock:
        retriever = kb.retriever
    if kb.llm is not None:
        from ..answer.grounded import GroundedAnswerer

        answer = GroundedAnswerer(retriever, kb.llm, lock=kb.lock).ask(question, history=history, filters=filters)
    else:
        with kb.lock:
            answer = ExtractiveAnswerer(retriever).ask(question, history=history, filters=filters)
    return answer_json(answer), {"question": question, "clause_ids": [c.clause_id for c in answer.citations],
                                 "answer": answer.answer, "model": answer.model or "extractive",
                                 "prompt_version": answer.prompt_version or "none"}


def _match(kb, params):
    from ..match.profile import parse_profile
    from ..match.service import DEFAULT_RULE_DIRS, match
    from ..retrieve import Filters

    data = params.get("profile")
    if not isinstance(data, dict):
        raise Refused(422, "profile 应为项目信息对象（与 policy-assistant match 的 JSON/YAML 相同）")
    profile = parse_profile({k: v for k, v in data.items() if v not in (None, "", [])})
    with kb.lock:
        result = match(profile, kb.index, [d for d in (kb.rule_dirs or DEFAULT_RULE_DIRS) if d.exists()],
                       as_of=Filters.parse_date(params.get("as_of") or None),
                       retriever=kb.retriever if profile.value("is_foreign") else None)
    return result.to_dict(), {"question": json.dumps(data, ensure_ascii=False, sort_keys=True),
                    "clause_ids": [e.clause_id for e in result.eligible]}


def _review(kb, params):
    from ..review.draft import load_draft
    from ..review.report import build

    text = _text(params, "text", MAX_TEXT)
    draft = load_draft(text, name=str(params.get("name") or "接口文稿")[:100])
    findings = kb.detector.review(draft)
    with kb.lock:
        result = build(draft, findings, kb.index.store).to_dict()
    return result, {"input_bytes": text.encode("utf-8"), "clause_ids": sorted({c for f in findings for c in f.provisions}),
                    "answer": json.dumps(result["findings"], ensure_ascii=False)}


def _documents(kb, params):
    from .contracts import documents_json

    with kb.lock:
        return documents_json(kb.index.store), {}


def _clause(kb, params):
    clause_id = str(params.get("clause_id") or "")
    with kb.lock:
        found = kb.index.store.clause(clause_id)
    if found is None:  # also when the id belongs to a base this caller may not read
        raise Refused(404, f"知识库“{kb.name}”中没有条款 {clause_id}")
    return found.to_dict(), {"question": clause_id, "clause_ids": [clause_id]}


_RUN = {"search": _search, "ask": _ask, "match": _match, "review": _review, "documents": _documents, "clause": _clause}
