"""Blind sets (eval/blind/): written by a helper that saw only the source documents, frozen before tuning and never
used to choose a setting. These suites only measure; the CI gate reads their figures as floors.

- `qa_blind.yaml`: officer questions of four kinds (compliance / incentive / fact / unanswerable) with gold clauses.
- `review_blind.yaml`: violating and lawful clauses in county-policy style, with the 条例 article violated.
- `concessions_blind.yaml`: requested 一事一议 deals with the red lines and the lawful routes a reviewer accepts.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..documents.source import slug
from ..match.units import MONEY
from ..vocab.clause_id import normalise_key
from .metrics import matches, mean, score

BLIND = Path(__file__).resolve().parents[2] / "eval" / "blind"
VERDICTS = ("有条件可以", "不能", "可以")  # longest first: 「有条件可以」 also starts with neither of the others


@dataclass(frozen=True)
class BlindQuestion:
    id: str
    kind: str  # compliance / incentive / fact / unanswerable
    question: str
    gold: tuple[str, ...]  # clause ids (article, or article + 项/款)
    verdict: str | None = None
    must_mention: tuple[str, ...] = ()
    amount: tuple[float, float] | None = None  # [min, max] 万元


def gold_id(entry: dict) -> str:
    """{file, article, item|kuan} → our clause id: `doc#第十条第二项`, headings `doc#二、/（六）`."""
    doc = slug(str(entry["file"]))
    article = re.sub(r"\s*/\s*", "/", str(entry["article"]).strip())
    article = re.sub(r"(?<=[^、.])[。；;]$", "", article)  # a run-in heading's lead phrase: our ids drop its full stop
    extra = str(entry.get("item") or entry.get("kuan") or "").strip()
    # 「第2条」 as printed → 「第二条」 as our ids write it (the clause-id grammar, not a per-set fix)
    return normalise_key(f"{doc}#{article}{extra if extra.startswith('第') else ''}")


def load_questions(path: Path = BLIND / "qa_blind.yaml") -> list[BlindQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for q in data["questions"]:
        amount = q.get("amount_wan")
        if isinstance(amount, (int, float)):
            amount = (float(amount), float(amount))
        elif isinstance(amount, list) and len(amount) == 2:
            amount = (float(amount[0]), float(amount[1]))
        else:
            amount = None
        out.append(BlindQuestion(str(q["id"]), str(q["kind"]), str(q["question"]),
                                 tuple(gold_id(g) for g in q.get("gold") or []), q.get("verdict"),
                                 tuple(str(m) for m in q.get("must_mention") or []), amount))
    return out


def _article(clause_id: str) -> str:
    m = re.match(r"^(.*?#第[^条]+条(?:之[一二三四五六七八九十]+)?)", clause_id)
    return m.group(1) if m else clause_id


def _cited_gold(citations, gold: tuple[str, ...]) -> bool:
    return any(matches(_article(c.clause_id), _article(g)) or matches(c.clause_id, g) for c in citations for g in gold)


def _verdict(answer) -> str | None:
    """The answer's verdict; for an answer without one, the verdict its text opens with."""
    if answer.verdict:
        return str(answer.verdict)
    text = str(answer.answer or "").lstrip("【[「 ")
    return next((v for v in VERDICTS if text.startswith(v)), None)


def _amounts(text: str) -> list[float]:
    """万元 figures in an answer (亿元 converted)."""
    out = []
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(万元|亿元|万)", text):
        out.append(float(num) * MONEY[unit])
    return out


def qa(retriever, answerer, questions: list[BlindQuestion], bm25=None) -> dict:
    """Retrieval (gold article in top 5/10, ours vs plain BM25), and the answers per route."""
    answerable = [q for q in questions if q.gold]
    out: dict = {"questions": len(questions), "answerable": len(answerable),
                 "kinds": {k: sum(q.kind == k for q in questions) for k in ("compliance", "incentive", "fact", "unanswerable")}}
    systems = {"ours": lambda q, k: [[h.chunk.chunk_id] for h in retriever.search(q, k=k)]}
    if bm25 is not None:
        systems["bm25"] = bm25
    out["retrieval"] = {}
    for name, rank in systems.items():
        rows = [score(rank(q.question, 10), [_article(g) for g in q.gold], ks=(1, 5, 10)) for q in answerable]
        out["retrieval"][name] = {**mean(rows), "missed_at_5": [q.id for q, r in zip(answerable, rows) if r["R@5"] == 0]}
    per: dict[str, list[dict]] = defaultdict(list)
    latencies = []
    for q in questions:
        t0 = time.perf_counter()
        a = answerer.ask(q.question)
        latencies.append(time.perf_counter() - t0)
        row = {"refused": not a.answerable, "intent": a.intent}
        if q.gold:
            row["cited_gold"] = _cited_gold(a.citations, q.gold)
        if q.kind == "compliance" and q.verdict:
            row["verdict_right"] = _verdict(a) == q.verdict
        if q.must_mention:
            text = str(a.answer or "") + "".join(str(c.quote or "") for c in a.citations)
            row["mentions"] = sum(m in text for m in q.must_mention) / len(q.must_mention)
        if q.amount is not None:
            lo, hi = q.amount
            row["amount_exact"] = any(abs(v - lo) < 1e-6 or abs(v - hi) < 1e-6 for v in _amounts(str(a.answer or "")))
        per[q.kind].append(row)
    out["answers"] = {}
    for kind, rows in per.items():
        figures = {key: round(sum(float(r[key]) for r in rows if key in r) / max(1, sum(key in r for r in rows)), 4)
                   for key in ("refused", "cited_gold", "verdict_right", "mentions", "amount_exact") if any(key in r for r in rows)}
        intents = defaultdict(int)
        for r in rows:
            intents[str(r["intent"])] += 1
        out["answers"][kind] = {**figures, "n": len(rows), "intents": dict(intents)}
    answered = [r for k, rows in per.items() if k != "unanswerable" for r in rows]
    out["answers"]["answerable_all"] = {
        "cited_gold": round(sum(r.get("cited_gold", False) for r in answered) / max(1, len(answered)), 4),
        "refused": round(sum(r["refused"] for r in answered) / max(1, len(answered)), 4), "n": len(answered)}
    latencies.sort()
    out["answers"]["p95_s"] = round(latencies[int(0.95 * (len(latencies) - 1))], 3) if latencies else None
    return out


@dataclass(frozen=True)
class BlindClause:
    id: str
    text: str
    violation: bool
    primary: str | None  # 公平竞争审查条例第十条
    articles: tuple[str, ...]


def load_clauses(path: Path = BLIND / "review_blind.yaml") -> list[BlindClause]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [BlindClause(str(it["id"]), str(it["text"]), it["label"] == "violation", it.get("primary"),
                        tuple(it.get("articles") or [])) for it in data["items"]]


def _article_level(name: str) -> str:
    m = re.match(r"^(.*?第[^条]+条)", name)
    return m.group(1) if m else name


def review(review_text, clauses: list[BlindClause]) -> dict:
    """`review_text(text) -> [Finding]`. Recall, false flags, right article (条 level)."""
    per_primary: dict[str, list[bool]] = defaultdict(list)
    tp = fp = right = right_item = 0
    misses, false_flags, wrong = [], [], []
    latencies = []
    for c in clauses:
        t0 = time.perf_counter()
        findings = review_text(c.text)
        latencies.append(time.perf_counter() - t0)
        cited = {a for f in findings for a in f.articles}
        if c.violation:
            hit = bool(findings)
            per_primary[c.primary or "?"].append(hit)
            if hit:
                tp += 1
                if c.primary and _article_level(c.primary) in {_article_level(a) for a in cited}:
                    right += 1
                else:
                    wrong.append(c.id)
                if c.articles and c.articles[0] in cited:
                    right_item += 1
            else:
                misses.append(c.id)
        elif findings:
            fp += 1
            false_flags.append(c.id)
    n_v = sum(c.violation for c in clauses)
    n_l = len(clauses) - n_v
    latencies.sort()
    return {
        "violations": n_v, "lawful": n_l,
        "recall": round(tp / max(1, n_v), 4),
        "false_flag_rate": round(fp / max(1, n_l), 4),
        "right_article": round(right / max(1, tp), 4),  # of the violations flagged, the 条例 article cited
        "right_item": round(right_item / max(1, tp), 4),  # the first gold 条/项 exactly
        "per_article_recall": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_primary.items())},
        "missed": misses, "false_flags": false_flags, "wrong_article": wrong,
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 4) if latencies else None,
    }


# a helper's route names → our route ids (assistant/review/data/concession_routes.yaml); 「其他」 has no counterpart
ROUTE_IDS = {"普惠性政策": "universal-policy", "固定资产投资补助": "fixed-asset-subsidy", "产业基金股权投资": "industry-fund",
             "贷款贴息": "loan-interest", "人才政策": "talent-policy", "标准厂房租赁": "standard-plant-lease",
             "依法招拍挂供地": "standard-plant-lease", "第十二条例外": "article-12", "政府采购依法进行": "open-procurement"}


@dataclass(frozen=True)
class BlindConcession:
    id: str
    request: str
    red_lines: tuple[str, ...]  # 公平竞争审查条例第十条第二项 …
    routes: tuple[str, ...]  # route names as the author wrote them


def load_concessions(path: Path = BLIND / "concessions_blind.yaml") -> list[BlindConcession]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [BlindConcession(str(it["id"]), str(it["request"]), tuple(it.get("red_lines") or ()),
                            tuple(str(r["route"]) for r in it.get("acceptable_routes") or ())) for it in data["items"]]


def _plain(name: str) -> str:
    return re.sub(r"[《》\s]", "", name)


def concessions(advise, items: list[BlindConcession]) -> dict:
    """`advise(request) -> Advice dict`. Red lines found (条例 article level and exact 条/项), routes the author accepts
    that we propose, our routes that the author accepts, and our routes that carry a resolving citation."""
    rl_art = rl_exact = rl_n = ok_routes = acc_n = prop_ok = prop_n = cited = 0
    rows = []
    for it in items:
        a = advise(it.request)
        ours = {_plain(x) for r in a["red_lines"] for x in [r["article"], *r.get("articles", [])]}
        ours_art = {_article_level(x) for x in ours}
        want = [_plain(x) for x in it.red_lines]
        rl_n += len(want)
        rl_exact += sum(w in ours for w in want)
        rl_art += sum(_article_level(w) in ours_art for w in want)
        accepted = {ROUTE_IDS[r] for r in it.routes if r in ROUTE_IDS}
        proposed = {r["id"] for r in a["routes"]}
        acc_n += len(accepted)
        ok_routes += len(accepted & proposed)
        prop_n += len(proposed)
        prop_ok += len(proposed & accepted) if accepted else 0
        cited += sum(bool(r.get("citations")) and all(a["provisions"].get(c) for c in r["basis"]) for r in a["routes"])
        rows.append({"id": it.id, "red_lines_missed": [w for w in want if _article_level(w) not in ours_art],
                     "routes_missed": sorted(accepted - proposed)})
    return {"deals": len(items), "red_lines": rl_n,
            "red_line_article": round(rl_art / max(1, rl_n), 4), "red_line_exact": round(rl_exact / max(1, rl_n), 4),
            "routes_accepted": acc_n, "routes_found": round(ok_routes / max(1, acc_n), 4),
            "routes_proposed": prop_n, "routes_precision": round(prop_ok / max(1, prop_n), 4),
            "routes_cited": round(cited / max(1, prop_n), 4), "rows": rows}
