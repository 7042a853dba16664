"""One project against every competing region's rules: the library entry point used by CLI, app and bench.

>>> # comparison = compare(profile, index, DEFAULT_RULE_DIRS, regions=["柳河县", "临港地区"])
>>> # [(r.rank, r.region, r.lawful_wan, r.flagged_wan) for r in comparison.regions]
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path


from ..documents.model import DocMeta
from ..errors import AssistantError
from ..match.profile import ProjectProfile, parse_profile
from ..match.service import DEFAULT_RULE_DIRS
from . import adapt
from .cite import titles_of
from .model import Comparison, RegionResult

PLACEHOLDER_REGION = "对标地区"  # the profile's own region is not needed to compare


def load_profile(path: str | Path) -> ProjectProfile:
    """The project profile (JSON or YAML); `region` may be left out. Errors name the file, line or field."""
    from ..match.profile import read_profile_data

    return profile_from(read_profile_data(path), str(path))


def profile_from(data: dict, source: str = "项目信息") -> ProjectProfile:
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    data.setdefault("region", PLACEHOLDER_REGION)
    return parse_profile(data, source)


def list_regions(index, rule_dirs=DEFAULT_RULE_DIRS) -> list[dict]:
    """Every region named by a rule file or by a local policy's metadata, with what is there for it."""
    sources, _ = adapt.discover(index, [d for d in rule_dirs if Path(d).exists()])
    out = []
    for s in sources:
        rules = sum(len(rf.rules) for rf in s.files)
        pending = sum(1 for rf in s.files for r in rf.rules if r.pending)
        status = "可对标" if s.reviewed else "仅有待审核规则" if pending else "无可用规则"
        out.append({"region": s.region, "rule_files": len(s.files), "rules": rules, "pending_rules": pending,
                    "policies": sorted({rf.policy for rf in s.files}), "unindexed": list(s.unindexed), "status": status})
    covered = [s.region for s in sources]
    docs: dict[str, list[str]] = {}
    for r in index.store.doc_rows():
        m = DocMeta(**r["meta"])
        if m.kind == "local_policy" and m.region and not any(adapt.region_match(m.region, c) for c in covered):
            docs.setdefault(m.region, []).append(m.title)
    for region, titles in sorted(docs.items()):
        out.append({"region": region, "rule_files": 0, "rules": 0, "pending_rules": 0, "policies": titles, "unindexed": [],
                    "status": "无可用规则"})
    return out


def compare(profile: ProjectProfile, index, rule_dirs=DEFAULT_RULE_DIRS, regions: list[str] | None = None,
            as_of: date | None = None, retriever=None, candidates: bool = True) -> Comparison:
    """`candidates`: also show the 待审核 rules the matcher proposed at ingest (marked, never counted)."""
    as_of = as_of or profile.planned_start or date.today()
    store = index.store
    titles = titles_of(store)
    sources, notes = adapt.discover(index, [d for d in rule_dirs if Path(d).exists()], candidates)
    wanted: list[tuple[str, list[adapt.Source]]] = []
    if regions:
        for asked in dict.fromkeys(r.strip() for r in regions if r.strip()):
            wanted.append((asked, [s for s in sources if adapt.region_match(asked, s.region)]))
    else:
        wanted = [(s.region, [s]) for s in sources]
    done: dict[str, RegionResult] = {}
    first: dict | None = None
    hard_stop = False
    for asked, matched in wanted:
        if not matched:
            done.setdefault(asked, RegionResult(asked, unavailable=_no_rules(asked, store, [s.region for s in sources])))
            continue
        for s in matched:
            if s.region in done:
                continue
            if not s.reviewed and not any(r.pending for rf in s.files for r in rf.rules):
                done[s.region] = RegionResult(s.region, unavailable="无可用规则：规则对应的政策文件未导入知识库：" + "、".join(s.unindexed))
                continue
            result, s, problems = _run_region(profile, index, s, as_of, retriever, candidates)
            if result is None:
                done[s.region] = RegionResult(s.region, unavailable=f"无可用规则：{problems[0]}", problems=tuple(problems))
                continue
            first = first or result
            hard_stop = hard_stop or result.summary.hard_stop
            done[s.region] = replace(adapt.region_result(result, s, store, titles, as_of), problems=tuple(problems))
    return Comparison(project=profile.name or "未命名项目", as_of=as_of.isoformat(), regions=_ranked(done.values()),
                      screening=adapt.screening(first, titles) if first else (), hard_stop=hard_stop,
                      index_snapshot=store.snapshot(), notes=tuple(notes),
                      profile={k: v for k, v in profile.model_dump(mode="json").items()
                               if v not in (None, [], "") and not (k == "region" and v == PLACEHOLDER_REGION)})


def _run_region(profile, index, s: adapt.Source, as_of, retriever, candidates: bool):
    """match() on the region's files; when that fails, file by file, so one bad file leaves out only itself.
    → (result or None, the source actually used, problems)."""
    try:
        return adapt.run(profile, index, s, as_of, retriever, candidates), s, []
    except AssistantError as exc:
        if len(s.paths) < 2:
            return None, s, [str(exc)]
    good, problems = [], []
    for p in s.paths:
        try:
            adapt.run(profile, index, replace(s, paths=(p,)), as_of, retriever, candidates)
            good.append(p)
        except AssistantError as exc:
            problems.append(f"{p.name} 未使用：{exc}")
    if not good:
        return None, s, problems
    kept = tuple(rf for rf in s.files if Path(rf.path) in good or Path(rf.path) not in s.paths)
    used = replace(s, paths=tuple(good), files=kept)
    try:
        return adapt.run(profile, index, used, as_of, retriever, candidates), used, problems
    except AssistantError as exc:
        return None, s, problems + [str(exc)]


def _no_rules(asked: str, store, covered: list[str]) -> str:
    docs = [DocMeta(**r["meta"]).title for r in store.doc_rows()
            if r["meta"].get("kind") == "local_policy" and adapt.region_match(asked, r["meta"].get("region"))]
    if docs:
        return (f"无可用规则：知识库中有该地区的政策文件 {len(docs)} 份（{'、'.join(f'《{t}》' for t in docs[:3])}），"
                "但尚无激励规则；可先用 rules extract 生成待审核规则")
    return f"无可用规则：知识库中没有“{asked}”的政策文件或激励规则；已覆盖的地区：{'、'.join(covered) or '（无）'}"


def _ranked(results) -> tuple[RegionResult, ...]:
    ok = sorted((r for r in results if r.available),
                key=lambda r: (-r.lawful_range_wan[0], -r.lawful_range_wan[1],
                               -sum(1 for o in r.offers if o.status == "eligible" and o.lawful and not o.candidate), r.region))
    return tuple(replace(r, rank=i) for i, r in enumerate(ok, 1)) + tuple(r for r in results if not r.available)


__all__ = ["compare", "list_regions", "load_profile", "profile_from", "DEFAULT_RULE_DIRS"]
