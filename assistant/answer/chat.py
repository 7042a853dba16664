"""The officer's chat: read the question, run the engine that can answer it, open with the conclusion, then the clauses.

`ChatAnswerer(retriever).ask("招商引资时能不能承诺按企业缴纳的税收给予返还？")` → Answer(intent="compliance",
verdict="不能", citations=[《公平竞争审查条例》第十条第二项, …]). Routes (assistant.answer.intent):
- compliance: the measure goes through the review engine (assistant.review.service.build_detector);
- incentive: a profile read from the question goes through the matcher (assistant.match.service.match);
- fact: retrieval, quoting the sentence that holds the fact (ExtractiveAnswerer, or GroundedAnswerer with an LLM);
- out_of_scope: 「无法从现有文件中确认」, naming a relevant document that is not in force on the date when there is one.
Every answer rests on indexed clauses; quotes are verbatim.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

from ..errors import AssistantError
from ..match.service import DEFAULT_RULE_DIRS
from ..retrieve import Filters
from ..vocab.labels import STATUS_LABELS
from .answer_type import NAMES as FIGURE_NAMES
from .answer_type import asked, asks_statistics, states
from .cite import best_quote, citation
from .document_names import asks_metadata, best_title, doc_numbers, held, named_documents
from .conversation import resolve as resolve_turn
from .extractive import REFUSAL, Answer, ExtractiveAnswerer
from .verdict_model import evidence as verdict_evidence
from .verdict_model import load as load_verdict_model
from .verdict_model import prohibition_quote
from .intent import COMPLIANCE, FACT, INCENTIVE, INTENT_CN, OUT_OF_SCOPE, classify, extract_profile

YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
TITLE = re.compile(r"《([^》]{2,60})》")
RELATED = 2  # clauses of other documents retrieved for a compliance question, cited after the standard's own
UNKNOWN = re.compile(r"未注明|不详|未知|未见")
FIGURE_HITS = 5  # a how-much question needs a figure of its kind in one of the top clauses (dev2: 3 of 17 answered unanswerable caught, 1 of 38 fact questions lost)
NOW = re.compile(r"现在|目前|当前|现行|最新|新出|新出台|新发布")  # asks what holds today: a lapsed document cannot say


def prefer_named(question: str, hits):
    """Hits from a document the question names (《公平竞争审查条例》 ↔ 「公平竞争审查条例什么时候施行」) first, in order."""
    from ..retrieve.ranker import title_core

    def named(h):
        t = title_core(h.chunk.title)
        return len(t) >= 4 and t in question
    return sorted(hits, key=lambda h: not named(h)) if any(named(h) for h in hits) else hits


def _years_fit(question: str, hits) -> bool:
    """Every year the question names is one its documents speak of: in the text or title, or inside the validity."""
    for y in YEAR.findall(question):
        ok = False
        for h in hits:
            m = h.chunk.meta
            start = (m.effective or m.published or "")[:4]
            end = (m.repealed or m.expires or "9999")[:4]
            if y in h.chunk.text or y in h.chunk.title or (start and start <= y <= end):
                ok = True
                break
        if not ok:
            return False
    return True


class ChatAnswerer:
    def __init__(self, retriever, llm=None, rule_dirs=DEFAULT_RULE_DIRS, detector=None, lock=None, reranker=None) -> None:
        from ..retrieve.rerank import RerankSettings

        self.retriever = retriever
        self.reranker = reranker if reranker is not None else RerankSettings.from_env()
        self.extractive = ExtractiveAnswerer(retriever)
        self.llm = llm
        self.rule_dirs = tuple(Path(d) for d in (rule_dirs or DEFAULT_RULE_DIRS))  # () = the packaged rules
        self._detector = detector
        self.lock = lock

    # ---- shared pieces -------------------------------------------------------------------------------------------
    @property
    def detector(self):
        if self._detector is None:
            from ..review.service import build_detector

            self._detector = build_detector(retriever=self.retriever)
        return self._detector

    def _kb_text(self) -> str:
        snap = self.retriever._snapshot
        if getattr(self, "_kb_snap", None) != snap:
            self._kb = "\n".join({c.title for c in self.retriever.chunks} | {c.meta.region or "" for c in self.retriever.chunks}) \
                + "\n".join(c.text for c in self.retriever.chunks)
            self._kb_snap = snap
        return self._kb

    def _docs(self) -> dict:
        """doc id → its metadata, once per index snapshot."""
        self._refresh_docs()
        return self._doc_meta

    def _titles(self) -> dict:
        """title → the document's first clause (its record: 文号, issuer, dates), once per index snapshot."""
        self._refresh_docs()
        return self._by_title

    def _refresh_docs(self) -> None:
        if getattr(self, "_docs_snap", None) != self.retriever._snapshot:
            self._doc_meta = {c.doc_id: c.meta for c in self.retriever.chunks}
            self._by_title = {}
            for c in self.retriever.chunks:
                self._by_title.setdefault(c.title, c)
            self._numbers = {c.doc_number for c in self.retriever.chunks if c.doc_number}
            self._docs_snap = self.retriever._snapshot

    def _clause_citation(self, clause_id: str, as_of: date | None, question: str = "", whole: bool = False):
        from ..retrieve.hybrid import article_id

        clause = self.retriever.index.store.clause(clause_id)
        idx = self.retriever.by_id.get(clause_id)
        if idx is None:
            rows = self.retriever.by_prefix.get(article_id(clause_id)) or self.retriever.by_prefix.get(clause_id.split("#")[0])
            idx = rows[0] if rows else None
        if clause is None or idx is None:
            return None
        text = clause.text
        quote = text.strip() if whole and len(text) <= 220 else best_quote(text, question)
        return citation(self.retriever.chunks[idx], quote, as_of, clause_id=clause_id)

    def _not_in_kb(self, question: str) -> str | None:
        """A reason to refuse before retrieval: the question names a place, a document or a year the KB does not hold."""
        from .conversation import _pos

        if asks_statistics(question):
            return "政策文件只规定支持措施，不记载执行情况和统计数据"
        kb = self._kb_text()
        for w in _pos().cut(question):
            if w.flag == "ns" and len(w.word) >= 2 and w.word not in kb and w.word[:-1] not in kb:
                return f"知识库中没有关于“{w.word}”的文件"
        titles = self._titles()
        for t in TITLE.findall(question):
            if not held(t, titles, loose=False):  # named but not held (a document the KB only mentions is not held either)
                return f"知识库中没有《{t}》"
        for t in named_documents(question):  # named without 《》
            if not held(t, titles):
                return f"知识库中没有《{t}》"
        for n in doc_numbers(question):
            if not any(n in x or x in n for x in self._numbers):
                return f"知识库中没有文号为{n}的文件"
        return None

    # ---- entry point ---------------------------------------------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None) -> Answer:
        filters = filters or Filters(as_of=date.today())
        turn = resolve_turn(question, history or [])
        q = turn.question
        route = classify(q)
        try:
            if route.intent == COMPLIANCE:
                a = self._compliance(q, route.measure, filters)
            elif route.intent == INCENTIVE and self._not_in_kb(q) is None:
                a = self._incentive(q, filters)
            else:
                a = self._fact(q, filters)
        except AssistantError as exc:  # e.g. a rule file that does not validate: answer from retrieval instead
            a = replace(self._fact(q, filters), notice=str(exc))
        a = replace(a, question=q, follow_up=turn.follow_up)
        return replace(a, answer=f"{a.answer}\n\n〔问题类型：{INTENT_CN[a.intent]}〕")

    # ---- routes --------------------------------------------------------------------------------------------------
    def _fact(self, q: str, filters: Filters) -> Answer:
        reason = self._not_in_kb(q)
        hits = self.retriever.search(q, k=20 if self.reranker else 8, filters=filters)
        notice = None
        if self.reranker is not None:
            from ..retrieve.rerank import rerank

            try:
                hits = rerank(self.reranker, q, hits)
            except AssistantError as exc:
                notice = f"{exc}；已按原检索顺序作答"
        hits = prefer_named(q, hits[:8])
        if reason is None and hits:
            years = YEAR.findall(q)
            if years:  # a year the question names must appear in the clauses found, lapsed documents included
                wide = self.retriever.search(q, k=5, filters=replace(filters, include_inactive=True)) if filters.as_of else hits
                seen = " ".join(h.chunk.text + h.chunk.title + str(h.chunk.meta.effective or h.chunk.meta.published or "")
                                for h in list(hits[:5]) + list(wide))
                missing = [y for y in years if y not in seen]
                if missing:
                    reason = f"现有文件中没有 {missing[0]} 年的相关内容"
        if reason is None and hits and (kind := asked(q)) and not any(states(h.chunk.text, kind) for h in hits[:FIGURE_HITS]):
            reason = f"现有文件的相关条款没有给出所问的{FIGURE_NAMES[kind]}"
        if reason is None and self.llm is not None:
            from .grounded import GroundedAnswerer

            a = GroundedAnswerer(self.retriever, self.llm).ask(q, filters=filters)
            return replace(a, intent=FACT if a.answerable else OUT_OF_SCOPE, conclusion=a.answer.split("\n", 1)[0])
        if reason is None and (fields := asks_metadata(q)):
            meta = self._metadata(q, fields, filters)
            if meta is not None:
                return meta
        if reason is None and filters.as_of is not None:
            lapsed = self._lapsed_named(q, filters)
            if lapsed is not None:
                return lapsed
        ok = reason is None and bool(hits) and self.extractive.answerable(q, hits)
        a = replace(self.extractive.compose(q, hits, ok, as_of=filters.as_of), notice=notice)
        if ok:
            return a
        lines = [f"{REFUSAL}。{reason or '知识库中没有能回答这个问题的条款'}。"]
        inactive = self._inactive(q, filters) if reason is None else None
        if inactive:
            lines.append(inactive["text"])
        body = a.answer.split("\n", 1)[1] if "\n" in a.answer else ""
        return replace(a, answer="\n".join(lines + ([body] if body else [])), intent=OUT_OF_SCOPE, conclusion=lines[0],
                       details={"reason": reason, "inactive": inactive} if (reason or inactive) else None)

    def _metadata(self, q: str, fields: list[tuple[str, str]], filters: Filters) -> Answer | None:
        """文号 / 发文单位 / 印发日期 of a document the question names, from the document's record; a fact the record
        lacks is refused, never guessed from a clause."""
        titles = self._titles()
        title = best_title(q, sorted(titles))
        if title is None:
            return None
        chunk = titles[title]
        m = chunk.meta
        values = {"doc_number": chunk.doc_number, "issuer": m.issuer, "published": m.published}
        values = {k: v for k, v in values.items() if v and not UNKNOWN.search(str(v))}  # 「（发文单位未注明）」 is no value
        known = [(name, values[f]) for f, name in fields if values.get(f)]
        missing = [name for f, name in fields if not values.get(f)]
        c = citation(chunk, best_quote(chunk.text, q), filters.as_of)
        if not known:
            conclusion = f"{REFUSAL}。知识库收录的《{title}》没有记载{'、'.join(missing)}"
            return Answer(f"{conclusion}。", False, (c,), q, intent=OUT_OF_SCOPE, conclusion=conclusion,
                          details={"reason": f"《{title}》未记载{'、'.join(missing)}"})
        said = "；".join(f"{name}：{value}" for name, value in known)
        conclusion = f"《{title}》{said}" + (f"（{'、'.join(missing)}未记载）" if missing else "") + "。"
        lines = [conclusion, "（据知识库收录的文件信息）", "", "依据：", f"1. {c.display()}：「{c.quote}」[1]"]
        return Answer("\n".join(lines), True, (c,), q, intent=FACT, conclusion=conclusion,
                      details={"metadata": dict(known), "missing": missing})

    def _lapsed_named(self, q: str, filters: Filters) -> Answer | None:
        """The question names a place (柳河, 临港 …) and the place's clause that answers it best is out of force on the
        date: answer from the place's documents, opening with their status and dates — never as 现行依据."""
        from ..vocab.regions import place_names as places

        as_of = filters.as_of
        if NOW.search(q):
            return None
        docs = self._docs()
        named = {d for d, m in docs.items() if places(m.region) and places(m.region)[-1] in q}  # the most specific place
        if not named:
            return None
        hits = [h for h in self.retriever.search(q, k=30, filters=replace(filters, include_inactive=True)) if h.chunk.doc_id in named][:8]
        # the place's clause that answers best belongs to a document out of force (others of the place may be in force)
        if not hits or hits[0].chunk.meta.status(as_of) == "in_force":
            return None
        if not _years_fit(q, hits[:5]) or not self.extractive.answerable(q, hits):
            return None
        a = self.extractive.compose(q, hits, True, as_of=as_of)
        m = hits[0].chunk.meta
        state = STATUS_LABELS.get(m.status(as_of), m.status(as_of))
        until = m.repealed or m.expires
        warn = (f"注意：《{hits[0].chunk.title}》在 {as_of} {state}" + (f"（{until}）" if until else "")
                + "，以下是它在有效期内的规定，仅供了解，不能作为现行依据；请向当地确认是否有接续政策。")
        return replace(a, answer=f"{warn}\n{a.answer}", conclusion=warn,
                       details={"inactive": {"doc_id": hits[0].chunk.doc_id, "title": hits[0].chunk.title, "status": m.status(as_of),
                                             "expires": m.expires, "repealed": m.repealed}})

    def _inactive(self, q: str, filters: Filters) -> dict | None:
        """A relevant document that exists but is not in force on the date."""
        if filters.as_of is None:
            return None
        hits = self.retriever.search(q, k=3, filters=replace(filters, include_inactive=True))
        for h in hits:
            m = h.chunk.meta
            if m.status(filters.as_of) != "in_force" and self.extractive.answerable(q, [h]):
                c = citation(h.chunk, best_quote(h.chunk.text, q), filters.as_of)
                return {"clause_id": c.clause_id, "title": c.title, "status": c.status, "effective": c.effective,
                        "expires": c.expires, "repealed": c.repealed,
                        "text": f"相关文件《{c.title}》在 {filters.as_of} {c.status}（{c.display().split('〔')[-1].rstrip('〕')}），不能作为现行依据。"}
        return None

    def _compliance(self, q: str, measure: str, filters: Filters) -> Answer:
        from ..review.detect import standards
        from ..review.draft import split

        findings = self.detector.review(split(measure, "问题"))
        as_of = filters.as_of
        cites, seen = [], set()

        def add(cid, whole=True):
            if cid in seen:
                return
            c = self._clause_citation(cid, as_of, measure, whole=whole)
            if c is not None:
                seen.add(cid)
                cites.append(c)

        if findings:
            for f in findings:
                for cid in f.provisions:
                    add(cid)
            standard_docs = {c.clause_id.split("#")[0] for c in cites}
            # the rules of the field the question is about (浙江细则, 公路指引, 外商投资法…) stand beside the standard
            related = [h for h in self.retriever.search(q, k=5, filters=filters)
                       if h.chunk.doc_id not in standard_docs and h.chunk.chunk_id not in seen and not h.chunk.meta.sample]
            for h in related[:RELATED]:
                seen.add(h.chunk.chunk_id)
                cites.append(citation(h.chunk, best_quote(h.chunk.text, q), as_of))
            f = findings[0]
            first = cites[0] if cites else None
            basis = f"{first.label}：「{first.quote}」" if first else "、".join(f.articles)
            conclusion = f"不能。“{measure}”属于{basis}所列情形（{f.category}）。"
            lines = [conclusion, f"理由：{f.explanation}" if f.explanation else "", f"建议：{f.suggestion}" if f.suggestion else ""]
            if f.exception:
                lines.append(f"例外：{f.exception}")
            verdict = "不能"
            details = {"findings": [x.to_dict() for x in findings]}
        elif (limit := self._limit(q, measure, filters)) is not None:
            h, lim, ok, value = limit
            c = citation(h.chunk, lim.span if lim.span in h.chunk.text else best_quote(h.chunk.text, measure), as_of)
            seen.add(h.chunk.chunk_id)
            cites.append(c)
            shown = f"{value:g}{lim.unit}"
            bound = f"{'不超过' if lim.op == 'max' else '不少于'}{lim.value:g}{lim.unit}"
            if ok:
                verdict = "可以"
                conclusion = f"可以。所述{lim.subject}为{shown}，在{c.label}规定的限度（{bound}）以内：「{c.quote}」。"
            else:
                verdict = "不能"
                conclusion = f"不能。所述{lim.subject}为{shown}，超出{c.label}规定的限度（{bound}）：「{c.quote}」。"
            lines = [conclusion]
            details = {"findings": [], "limit": {"subject": lim.subject, "op": lim.op, "value": lim.value, "unit": lim.unit,
                                                 "stated": value, "clause_id": h.chunk.chunk_id}}
        else:
            lawful = [s for s in standards() if any(p.search(measure) for p in s.patterns) and any(u.search(measure) for u in s.unless)]
            hits = self.retriever.search(q, k=8, filters=filters)
            ev = verdict_evidence(q, hits, self.retriever, getattr(self.detector, "model", None))
            vm = None if lawful else load_verdict_model()
            p = vm.probability(q, ev) if vm is not None else None
            if lawful:  # the measure reads as a standard's lawful look-alike
                for cid in lawful[0].clause_ids:
                    add(cid)
                verdict = "可以"
                conclusion = (f"可以。按所述方式（{measure}）不属于公平竞争审查标准禁止的情形；"
                              f"所依据的是{cites[0].label if cites else '、'.join(lawful[0].articles)}的除外表述。")
            elif vm is not None and p is not None and p >= vm.threshold and ev.prohibiting_id is not None:
                h = next(h for h in hits if h.chunk.chunk_id == ev.prohibiting_id)
                c = citation(h.chunk, prohibition_quote(h.chunk.text, measure), as_of)
                seen.add(c.clause_id)
                cites.append(c)
                verdict = "不能"
                conclusion = (f"不能。审查标准未列出“{measure}”，但它与{c.label}的禁止性规定相抵触：「{c.quote}」。"
                              "（据检索到的条款判断，须人工核实。）")
            else:
                verdict = "有条件可以"
                conclusion = (f"有条件可以：审查标准中未发现“{measure}”所禁止的情形；前提是面向所有符合条件的经营者、"
                              "不以在本地注册纳税等为条件、有法律法规依据，并经公平竞争审查。")
            for h in hits[:3]:
                if h.chunk.chunk_id not in seen:
                    seen.add(h.chunk.chunk_id)
                    cites.append(citation(h.chunk, best_quote(h.chunk.text, q), as_of))
            lines = [conclusion]
            details = {"findings": [], "evidence": asdict(ev), "prohibited_p": None if p is None else round(p, 3)}
        lines = [l for l in lines if l] + ["", "依据："] + [f"{i}. {c.display()}：「{c.quote}」[{i}]" for i, c in enumerate(cites, 1)]
        return Answer("\n".join(lines), True, tuple(cites), q, intent=COMPLIANCE, verdict=verdict, conclusion=conclusion,
                      details=details)

    def _limit(self, q: str, measure: str, filters: Filters):
        """A statutory limit in the clauses retrieved for the question that the measure's own figure can be held to."""
        from .limits import check, limits_in

        for h in self.retriever.search(q, k=5, filters=filters):
            for lim in limits_in(h.chunk.text):
                res = check(lim, measure)
                if res is not None:
                    return h, lim, res[0], res[1]
        return None

    def _regions(self):
        from ..match.service import load_rules
        from ..vocab.regions import region_units

        rule_dirs = [d for d in self.rule_dirs if d.exists()]
        if not rule_dirs:
            return {}
        aliases = {}
        for rf in load_rules(rule_dirs, self.retriever.index.store):
            if not rf.region:
                continue
            for part in region_units(rf.region) + [rf.region]:
                aliases[part] = rf.region
                short = re.sub(r"(?:地区|县|市|区)$", "", part)
                if len(short) >= 2 and not short.endswith("省"):
                    aliases[short] = rf.region
        return aliases

    def _incentive(self, q: str, filters: Filters) -> Answer:
        from ..match.profile import parse_profile
        from ..match.service import match

        if self._not_in_kb(q):
            return self._fact(q, filters)  # a place or document the KB does not hold: the fact route refuses, saying why
        aliases = self._regions()
        profile_data = extract_profile(q, sorted(aliases, key=len, reverse=True))
        if "region" not in profile_data:
            a = self._fact(q, filters)
            covered = "、".join(sorted(set(aliases.values()))) or "（无）"
            note = f"如需测算项目可享政策，请说明项目落地地区（已有激励规则的地区：{covered}）。"
            return replace(a, answer=f"{a.answer}\n{note}", details={**(a.details or {}), "profile": profile_data, "ask": [note]})
        asked_region = profile_data["region"]
        profile_data["region"] = aliases[asked_region]
        profile = parse_profile(profile_data, source="问题")
        rule_dirs = [d for d in self.rule_dirs if d.exists()]
        result = match(profile, self.retriever.index, rule_dirs, as_of=filters.as_of)
        as_of = filters.as_of
        lapsed_note = None
        gone = list(result.summary.inactive_policies)
        if not result.eligible and gone and as_of is not None and not NOW.search(q):
            ends = [date.fromisoformat(str(x)) for p in gone for x in (p.expires, p.repealed) if x]
            last = min(max(ends), as_of) if ends else None
            if last is not None and last < as_of:
                then = match(profile, self.retriever.index, rule_dirs, as_of=last)
                used = {e.clause_id.split("#")[0] for e in then.eligible + then.unknown}
                spans = [p for p in gone if p.policy in used]
                if YEAR.findall(q) and not all(any(str(p.effective or "")[:4] <= y <= str(p.expires or p.repealed or "9999")[:4]
                                                   for p in spans) for y in YEAR.findall(q)):
                    return self._fact(q, filters)  # a year outside the lapsed policy's life: not this policy's answer
                if then.eligible or then.unknown:
                    titles = "、".join(f"《{p.title}》" for p in gone if p.policy in used or not used)
                    lapsed_note = (f"注意：{titles}在 {as_of} 已不在有效期内（截至 {last}），以下按其有效期内的规定测算，"
                                   "仅供了解，不能作为现行依据；请向当地确认是否有接续政策。")
                    result, as_of = then, last
        cites, seen = [], set()
        for e in result.eligible + result.unknown:
            if e.clause_id in seen:
                continue
            c = self._clause_citation(e.clause_id, as_of, e.benefit or q)
            if c is not None:
                seen.add(e.clause_id)
                cites.append(c)
        if not cites:  # nothing applies (e.g. the policy has lapsed): still rest on its clauses, status and dates shown
            for e in result.ineligible:
                if len(cites) >= 5:
                    break
                if e.clause_id not in seen and (c := self._clause_citation(e.clause_id, as_of, e.benefit or q)):
                    seen.add(e.clause_id)
                    cites.append(c)
        eligible = result.eligible
        unknown = result.unknown
        if not eligible and not any(k.endswith("_wan") or k in ("land_mu", "employees") for k in profile_data):
            # nothing about the project's size to compute with (「初次认定国家级企业技术中心能奖多少」): the clause
            # that names the award answers it; the matcher's open list would not
            a = self._fact(q, filters)
            if a.answerable:
                return replace(a, details={**(a.details or {}), "profile": profile_data})

        def amount(e):
            if e.amount_wan is not None:
                return f"{e.amount_wan:g}万元"
            if e.amount_range_wan:
                lo, hi = e.amount_range_wan
                return f"{lo:g}—{hi:g}万元"
            return "金额待定"

        total = result.summary.estimated_total_wan
        if eligible:
            conclusion = (f"按问题所述，{asked_region}的该项目可享受 {len(eligible)} 项支持："
                          + "；".join(f"{e.title}（{amount(e)}）" for e in eligible[:6])
                          + (f"。可确定金额合计约 {total:g} 万元（就高不重复）。" if total else "。"))
        else:
            conclusion = f"按问题所述的信息，{asked_region}暂无可确定享受的支持项目；还需补充信息后判断。"
        lines = [lapsed_note, conclusion] if lapsed_note else [conclusion]
        asks = []
        for e in unknown:
            asks.extend(m for m in e.missing if m and m not in asks)
        if unknown:
            lines.append(f"尚待确认 {len(unknown)} 项：" + "；".join(e.title for e in unknown[:8]) + "。")
        failed = [f"{e.title}（{e.failed[0].reason if e.failed else '条件不满足'}）" for e in result.ineligible[:6]]
        if failed:
            lines.append(f"按所述信息不符合 {len(result.ineligible)} 项：" + "；".join(failed) + "。")
        if asks:
            lines.append("需向投资方了解：" + "；".join(asks[:8]) + "。")
        for fl in result.flags:
            if fl.kind == "red_flag":
                lines.append(f"风险提示：{fl.issue}（{fl.rule}）")
        for p in [] if lapsed_note else result.summary.inactive_policies:
            lines.append(f"注意：《{p.title}》在该日{STATUS_LABELS.get(p.status, p.status)}。")
        if cites:
            lines += ["", "依据："] + [f"{i}. {c.display()}：「{c.quote}」[{i}]" for i, c in enumerate(cites, 1)]
        if lapsed_note:
            conclusion = f"{lapsed_note}{conclusion}"
        details = {"profile": profile_data, "summary": result.summary.to_dict(), "lapsed": lapsed_note,
                   "eligible": [{"rule_id": e.rule_id, "clause_id": e.clause_id, "title": e.title, "amount_wan": e.amount_wan,
                                 "amount_range_wan": list(e.amount_range_wan) if e.amount_range_wan else None} for e in eligible],
                   "unknown": [{"rule_id": e.rule_id, "clause_id": e.clause_id, "missing": list(e.missing)} for e in unknown],
                   "ask": asks}
        return Answer("\n".join(lines), True, tuple(cites), q, intent=INCENTIVE, conclusion=conclusion, details=details)
