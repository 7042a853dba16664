"""The one place that knows the matcher's result structure: match() per region (a MatchResult) → frozen RegionResult."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..documents.model import DocMeta
from ..errors import AssistantError
from ..match import service
from ..match.profile import ProjectProfile
from ..match.result import MatchResult, RuleMatch
from ..match.rules import Rule, RuleFile, load_rule_file
from . import terms as T
from .cite import citation
from .model import DOC_STATUS_CN, Condition, Lapsed, Offer, RedFlag, RegionResult, Screening


@dataclass(frozen=True)
class Source:
    """The rule files of one region (as their `region:` says), with what is wrong with them."""

    region: str
    files: tuple[RuleFile, ...]
    paths: tuple[Path, ...]  # what to hand to match(): files from the given rule folders
    unindexed: tuple[str, ...] = ()  # policies whose document is not in the index
    reviewed: int = 0  # reviewed rule files whose document is indexed (given folders and the index's approved ones)


def region_match(asked: str, region: str | None) -> bool:
    return service._region_match(asked, region)  # the matcher's own notion of "this region"


def discover(index, rule_dirs, candidates: bool = True) -> tuple[list[Source], list[str]]:
    """Rule files grouped by region (reviewed files, the index's approved ones, and candidates when the matcher
    keeps them), and one line per file that could not be read."""
    indexed = set(index.store.doc_hashes())
    dirs = [Path(d) for d in rule_dirs]
    extra = [Path(d) for d in service.rule_dirs_for(index, dirs) if Path(d) not in dirs]
    by_region: dict[str, list[tuple[RuleFile, Path | None]]] = {}
    notes: list[str] = []
    for d in dirs + extra:
        if not d.exists():
            notes.append(f"规则目录不存在：{d}")
            continue
        paths = sorted(p for p in d.glob("*.yaml") if not p.name.endswith(".proposed.yaml")) if d.is_dir() else [d]
        for p in paths:
            try:
                rf = _load(p)
            except AssistantError as exc:
                notes.append(f"规则文件无法读取，已跳过：{exc}")
                continue
            by_region.setdefault(rf.region or "（未注明地区）", []).append((rf, p if d in dirs else None))
    for rf in _pending(index, [rf for group in by_region.values() for rf, _ in group]) if candidates else ():
        by_region.setdefault(rf.region or "（未注明地区）", []).append((rf, None))
    sources = []
    for region, group in sorted(by_region.items()):
        sources.append(Source(region, tuple(rf for rf, _ in group), tuple(p for rf, p in group if p and rf.policy in indexed),
                              tuple(sorted({rf.policy for rf, _ in group if rf.policy not in indexed})),
                              sum(1 for rf, _ in group if rf.policy in indexed and not all(r.pending for r in rf.rules))))
    return sources, notes


_PARSED: dict[tuple[str, int, int], RuleFile] = {}  # YAML parsing is most of a comparison's time


def _load(path: Path) -> RuleFile:
    """load_rule_file, remembered while the file is unchanged (same path, mtime and size)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _PARSED:
        if len(_PARSED) > 1024:
            _PARSED.clear()
        _PARSED[key] = load_rule_file(path)
    return _PARSED[key]


def _pending(index, reviewed: list[RuleFile]) -> list[RuleFile]:
    from ..match.candidates import pending_rule_files  # the matcher's candidate rules

    return list(pending_rule_files(index.root, index.store, reviewed))


def run(profile: ProjectProfile, index, source: Source, as_of: date | None, retriever=None, candidates: bool = True) -> MatchResult:
    """match() on this region's files only (so one region's bad file does not stop the others)."""
    return service.match(profile.model_copy(update={"region": source.region}), index, list(source.paths),
                         as_of=as_of, retriever=retriever, candidates=candidates)


def region_result(result: MatchResult, source: Source, store, titles: dict[str, str], as_of: date) -> RegionResult:
    rules: dict[str, Rule] = {r.id: r for rf in source.files for r in rf.rules}
    metas = {r["doc_id"]: DocMeta(**r["meta"]) for r in store.doc_rows()}
    flags: dict[str, list[RedFlag]] = {}
    for f in result.flags:
        if f.kind == "red_flag" and f.clause_id:
            flags.setdefault(f.clause_id, []).append(RedFlag(f.issue, f.rule, f.severity or "", f.clause_id))
    offers = []
    entries = [(e, e.status, e.pending) for e in result.eligible + result.unknown + result.ineligible + result.pending]
    for e, status, candidate in entries:
        offers.append(_offer(e, status, candidate, rules.get(e.rule_id), source.region,
                             tuple(flags.get(e.clause_id, ())), titles, metas, as_of))
    s = result.summary
    lapsed = tuple(Lapsed(p.title, DOC_STATUS_CN.get(p.status, p.status),
                          (metas[p.policy].effective or metas[p.policy].published) if p.policy in metas else None,
                          p.expires, p.repealed) for p in s.inactive_policies)
    counted = [o for o in offers if o.in_total]
    lawful = sum(o.amount_wan for o in counted if o.lawful and o.amount_wan is not None)
    flagged = sum(o.amount_wan for o in counted if o.red_flagged and o.amount_wan is not None)
    spans = [o.amount_range_wan for o in counted if o.lawful and o.amount_range_wan]
    return RegionResult(
        region=source.region, offers=tuple(offers), lapsed=lapsed,
        policies=tuple(titles.get(p, p) for p in s.policies),
        lawful_wan=round(lawful, 4), flagged_wan=round(flagged, 4),
        lawful_range_wan=(round(lawful + sum(a for a, _ in spans), 4), round(lawful + sum(b for _, b in spans), 4)),
    )


def _offer(e: RuleMatch, status: str, candidate: bool, rule: Rule | None, region: str, red: tuple[RedFlag, ...],
           titles: dict[str, str], metas: dict[str, DocMeta], as_of: date) -> Offer:
    doc = e.clause_id.partition("#")[0]
    meta = metas.get(doc)
    scope = {c.label or "行业与项目描述" for c in (rule.conditions if rule else ()) if c.field == "text"}
    conds = tuple(Condition(c.label, c.status, c.reason, "validity" if c.label == "政策有效期" else "scope" if c.label in scope else "")
                  for c in e.conditions)
    if e.red_flag and not red:
        red = (RedFlag("该条款存在公平竞争风险", "", "", e.clause_id),)
    return Offer(
        region=region, rule_id=e.rule_id, title=e.title,
        kind=T.kind_of(rule, red) if rule else T.kind_from_text(e.title, e.benefit, red),
        status=status, citation=citation(e.clause_id, titles), clause_id=e.clause_id,
        doc_status=DOC_STATUS_CN[meta.status(as_of)] if meta else "未导入", benefit=e.benefit,
        calculation=e.calculation, amount_wan=e.amount_wan,
        amount_range_wan=e.amount_range_wan, counted=e.counted or status != "eligible", red_flags=red,
        candidate=candidate, conditions=conds, terms=T.terms_of(rule) if rule else T.Terms(), notes=e.notes,
    )


def screening(result: MatchResult, titles: dict[str, str]) -> tuple[Screening, ...]:
    return tuple(Screening(f.kind, f.issue, f.rule, citation(f.clause_id, titles) if f.clause_id else "")
                 for f in result.flags if f.kind != "red_flag")
