"""Propose incentive rules from a clause's Chinese text, for a person to review (never used unreviewed).

A clause is a run of grant units (sentences split at 。；), each 「对/凡 + 条件（…以上的） + 给予/按…的 + 金额」; the
figures of a unit are read by `grammar`. Around that: alternatives joined by 或, a schedule continued after a
semicolon, a lead-in (first part of an article, or a sentence defining a class) whose conditions apply to the grants
after it, and grants by reference (「享受第5条政策」). Every number keeps its verbatim quote, so `rules check` can
verify it. Output: rule dicts in the rule-file format with `review: pending`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grammar import BASES, GRANT, Unit, read_benefit, read_thresholds, split_units

VERSION = "5"  # bump when the grammar changes: candidates of unchanged documents are then proposed again

@dataclass
class Proposal:
    clause_id: str
    title: str
    conditions: list[dict] = field(default_factory=list)
    benefit: dict = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)  # every quote used
    source: str = ""  # the grant unit's text

    def to_rule(self, n: int, prefix: str) -> dict:
        return {"id": f"{prefix}-{n:02d}", "clause_id": self.clause_id, "title": self.title, "review": "pending",
                "conditions": self.conditions, "benefit": self.benefit, "source": self.source}


def is_incentive(text: str) -> bool:
    return bool(GRANT.search(text)) and bool(re.search(r"\d+(?:\.\d+)?\s*(?:万元|亿元|%|％|元)|全额|减半|同等比例|的数额确定", text))


# A policy states once, for all its grants, what it does not cover: 「煤炭采掘、洗选、焦化…等项目不适用本办法」,
# 「（不包括风电、光伏、抽水蓄能项目）」. Those become a `text` exclusion on every proposal of the document.
_EXCLUDED = (re.compile(r"([^。；：:，,]{2,80}?)等?(?:类|类型)?(?:项目|企业|行业)?(?:均|一律)?(?:不适用本|不属于本|不享受本)(?:办法|政策|规定|措施|意见)"),
             re.compile(r"不包括([^）)。；;]{2,60}?)(?:等)?(?:项目|企业|行业)?[）)；;。]"))
# 「本政策所扶持的招商引资项目为…」: a definition of scope, not a grant
SCOPE_DEFINITION = re.compile(r"本(?:政策|办法|规定|措施|意见)(?:所|中)?(?:扶持|支持|鼓励|适用|所称)的[^。；]{0,20}?(?:为|是指|指)")


def exclusions(texts: list[str]) -> tuple[list[str], str]:
    """Kinds of project a document excludes from all its grants, and where it says so."""
    words: list[str] = []
    quotes: list[str] = []
    for text in texts:
        for rx in _EXCLUDED:
            for m in rx.finditer(text):
                span = re.sub(r"^.*?(?:其中|但|对|凡)", "", m.group(1))
                parts = [re.sub(r"^(?:以及|及|和|与|或)|(?:等|项目|企业|行业|类)$", "", w).strip()
                         for w in re.split(r"[、，,]|以及|及|和|与|或", span)]
                parts = [w for w in parts if 2 <= len(w) <= 8]
                if parts and len(parts) >= len(re.split(r"[、，,]", span)) - 1:
                    words += [w for w in parts if w not in words]
                    quotes.append(m.group(0))
    return words, "；".join(quotes)


# words of a subject phrase that name no kind of project: base nouns (thresholds), places, list-makers, fillers
_GENERIC = re.compile(r"^(?:项目|企业|单位|公司|我县|本县|我市|本市|我区|本区|辖区|县内|上年度|年度|当年|具有|符合|列入|"
                      r"投资|新建|发布|联合|相关|有关|规定|要求|标准|条件|国家|省|市|县|区|以上|以下|其中|各类|所有|开展|发展|方向|重点|实施|进行)$")


def subject_scope(piece: str, conditions: list[dict]) -> dict | None:
    """The kind of project a grant unit names as its subject (「对投资300万元以上的技改扩建项目，…」 → 技改、扩建) as a
    `text` condition checked against the profile's industry and description, like a reviewed rule's industry scope."""
    body = re.sub(r"^(第[^条]{1,6}条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])\s*", "", piece)
    m = re.match(r"(?:对于|对|凡)([^，,。；]{2,70}?)(?:的)?(?:项目|企业|单位|机构)[，,]", body) or \
        re.match(r"()([^，,。；]{2,70}?的[^，,。；的]{0,10}(?:项目|企业|单位|机构))(?=将|在|落户|迁入|注册)", body)
    if m and not m.group(1):
        m = re.match(r"([^，,。；]{2,70}?的[^，,。；的]{0,10}(?:项目|企业|单位|机构))", body)
    if not m:
        return None
    phrase = re.sub(r"^(?:对于|对|凡)", "", m.group(0).rstrip("，,"))
    rest = m.group(1)
    for c in conditions:
        rest = rest.replace(c.get("quote") or "\0", " ")
    import jieba.posseg as pseg

    terms: list[str] = []
    for w in pseg.cut(re.sub(r"[\d.%％（）()“”《》、]", " ", rest)):
        word = w.word.strip()
        if len(word) >= 2 and w.flag[:1] in ("n", "v", "a", "j", "l") and not _GENERIC.match(word) and word not in BASES \
                and word not in terms:
            terms.append(word)
    if not terms:
        return None
    return {"field": "text", "any_of": terms[:8], "label": f"适用对象：{phrase[:40]}", "quote": phrase,
            "ask": f"项目是否属于“{phrase[:40]}”？"}


def _title(text: str) -> str:
    head = re.sub(r"^(第[^条]{1,6}条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])\s*", "", text)
    m = re.match(r"([^。；，]{2,20})。", head)
    return m.group(1) if m else head[:20]


def _alternatives(u: Unit) -> list[list[dict]]:
    """Condition sets of a unit. Thresholds joined by 或 are alternatives: on one field they are separate grants
    (「投资额5亿元以上的工业项目，或…10亿元以上的服务业项目」); on different fields one grant with an `alt` group."""
    conds = u.conditions
    if len(conds) < 2:
        return [conds]
    pos = [u.text.find(c["quote"]) for c in conds]
    groups: list[list[int]] = [[0]]
    for i in range(1, len(conds)):
        between = u.text[pos[i - 1]: pos[i]] if pos[i] > pos[i - 1] >= 0 else ""
        if "或" in between and not re.search(r"[。；]", between):
            groups[-1].append(i)
        else:
            groups.append([i])
    alt = [g for g in groups if len(g) > 1]
    if not alt:
        return [conds]
    g = alt[0]
    same_field = len({conds[i]["field"] for i in g}) == 1
    rest = [c for i, c in enumerate(conds) if i not in g]
    if same_field:
        return [rest + [conds[i]] for i in g]
    return [rest + [dict(conds[i], alt="或") for i in g]]


def _merge_schedule(prev: Proposal, ben: dict) -> bool:
    """「两年内按…同等比例…；第三年至第五年按…50%」: a schedule continued in the next unit."""
    b = prev.benefit
    if b.get("kind") != "schedule" or ben.get("kind") != "schedule" or b.get("base") != ben.get("base"):
        return False
    last = max(i for i, r in enumerate(b["rates"]) if r) if any(b["rates"]) else -1
    if any(ben["rates"][: last + 1]) or not any(ben["rates"]):
        return False  # the next unit starts again at year 1: a grant of its own
    rates = list(b["rates"])
    for i, r in enumerate(ben["rates"]):
        if r:
            rates += [0.0] * (i + 1 - len(rates))
            if not rates[i]:
                rates[i] = r
    b["rates"] = rates
    b["quote"] = b["quote"] + [q for q in ben["quote"] if q not in b["quote"]]
    return True


def propose_units(clause_id: str, text: str, context: list[dict] | None = None, default_base: str | None = None) -> list[Proposal]:
    """One proposal per grant unit of the clause. `context`: conditions stated earlier in the article that apply
    to every grant here (a lead-in such as 「凡列入…项目库的」 or 「一次性固定资产投资达到1亿元以上的」)."""
    lead: list[dict] = list(context or [])
    out: list[Proposal] = []
    title = _title(text)
    scope = SCOPE_DEFINITION.search(text)
    scope_end = text.find("。", scope.end()) if scope else -1
    scope_end = len(text) if scope and scope_end < 0 else scope_end
    at = 0
    last_scope = None
    for piece in split_units(text):
        start = text.find(piece, at)
        at = max(at, start + len(piece))
        u = Unit(piece)
        read_thresholds(u)
        further_tier = bool(out) and any(c["op"] == "<" for c in u.conditions) and bool(re.search(r"\d\s*[%％]", piece))
        # 「…的项目为重大产业项目。重大产业项目投资奖励…实行“一事一议”」: a class defined by thresholds, then a grant
        granted_class = len(lead) > len(context or []) and not u.conditions and bool(GRANT.search(piece))
        by_reference = bool(GRANT.search(piece)) and bool(re.search(r"(享受|参照|按照?|适用)第[一二三四五六七八九十百\d]{1,4}条", piece))
        if 0 <= start < scope_end or (not is_incentive(piece) and not further_tier and not granted_class and not by_reference):
            lead += [c for c in u.conditions if c not in lead]  # a unit without a grant states conditions for the next
            continue
        benefit = read_benefit(u, default_base or (out[-1].benefit.get("base") if out else None))
        if out and not u.conditions and _merge_schedule(out[-1], benefit):
            continue
        if out and not u.conditions and benefit.get("kind") == "in_kind" and not benefit.get("cap_wan"):
            out[-1].benefit.setdefault("schedule", re.sub(r"\s+", "", piece))  # 「竣工后奖励30%，达产后奖励70%」
            continue
        scope = subject_scope(piece, u.conditions) or (last_scope if not u.conditions else None)
        last_scope = scope
        for conds in _alternatives(u):
            fields = {x["field"] for x in conds}
            merged = [c for c in lead if c["field"] not in fields] + conds + ([dict(scope)] if scope else [])
            p = Proposal(clause_id, title, merged, dict(benefit, quote=list(benefit.get("quote") or [])), source=piece)
            p.numbers = [c["quote"] for c in merged] + list(benefit.get("quote") or [])
            out.append(p)
    return out


def propose(clause_id: str, text: str, title: str = "") -> Proposal | None:
    """The first grant of a clause (kept for callers that want one proposal per clause)."""
    found = propose_units(clause_id, text)
    if not found:
        return None
    if title:
        found[0].title = title
    return found[0]


CONTAINED_MIN_CHARS = 10  # a part this short (「（一）」, a bare heading) inside another does not make it a container; hand-set


def propose_for_document(store, doc_id: str) -> list[Proposal]:
    """Proposals for the most specific incentive clauses of a document (款/段/项 rather than the whole 条); the
    conditions of an article's first part (its lead-in) carry to the later parts of the same article."""
    clauses = store.clauses_of(doc_id)
    ids = [c.clause_id for c in clauses]
    leaves = [c for c in clauses
              if not any(o != c.clause_id and o.startswith(c.clause_id) and o[len(c.clause_id)] in "第/" for o in ids)]
    # a 款 that holds its 项 verbatim is a container too
    leaves = [c for c in leaves if not any(o is not c and len(o.text) > CONTAINED_MIN_CHARS and len(o.text) < len(c.text)
                                           and o.text in c.text for o in leaves)]
    out: list[Proposal] = []
    context: dict[str, list[dict]] = {}
    for c in leaves:
        parent = _parent(c.clause_id)
        first = parent not in context
        prior = next((p.benefit.get("base") for p in reversed(out) if _parent(p.clause_id) == parent and p.benefit.get("base")), None)
        # a later part with its own subject (「对…」「凡…」) states its own conditions; otherwise the lead-in's apply
        own_subject = bool(re.match(r"\s*(对|凡|符合|投资|企业|各类)", c.text))
        carried = None if own_subject else context.get(parent)
        found = propose_units(c.clause_id, c.text, carried, prior)
        if carried and parent in ids:  # quotes come from two parts: the rule cites the whole article
            for p in found:
                if any(x in p.conditions for x in carried):
                    p.clause_id = parent
        if first:
            u = Unit(c.text)
            read_thresholds(u)
            context[parent] = u.conditions
        out.extend(found)
    excluded, where = exclusions([c.text for c in clauses])
    if excluded:
        cond = {"field": "text", "none_of": excluded, "label": f"不属于本政策排除的项目类型（原文：{where[:40]}{'…' if len(where) > 40 else ''}）",
                "ask": f"项目是否属于{'、'.join(excluded[:6])}等本政策不适用的类型？"}
        for p in out:
            if not any(c.get("none_of") for c in p.conditions):
                p.conditions.append(dict(cond))
    return out


def _parent(clause_id: str) -> str:
    return re.sub(r"(第[一二三四五六七八九十百\d]+(?:款|项|段))+$", "", clause_id)
