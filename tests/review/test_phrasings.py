"""Coverage as data: every violating phrasing is flagged citing its 条/项, every lawful look-alike is left alone."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.review.detect import Detector, provision_catalogue
from assistant.review.draft import DraftClause
from assistant.review.phrasings import load_phrasings
from assistant.review.service import build_detector

PHRASINGS = load_phrasings()


@pytest.fixture(scope="module")
def shipped():
    return build_detector()


@pytest.mark.parametrize("p", [p for p in PHRASINGS if p.violating], ids=lambda p: f"{p.provision}:{p.text[:14]}")
def test_violating_phrasing_cites_its_provision(shipped, p):
    findings = shipped.review_clause(DraftClause(1, "第一条", p.text))
    assert len(findings) == 1, findings  # one clause, one merged finding
    f = findings[0]
    assert p.article in f.articles, (p.text, f.articles)
    assert f.evidence and all(e in p.text for e in f.evidence)  # the triggering span is shown
    assert f.explanation.endswith("。") and f.explanation.count("。") <= 2


@pytest.mark.parametrize("p", [p for p in PHRASINGS if not p.violating], ids=lambda p: f"{p.provision}:{p.text[:14]}")
def test_lawful_look_alike_is_not_flagged(shipped, p):
    assert shipped.review_clause(DraftClause(1, "第一条", p.text)) == []


def test_patterns_alone_cover_every_phrasing():
    """The rule base, not the learned model, carries the coverage (the model was trained on these lines)."""
    det = Detector()
    missed = [p.text for p in PHRASINGS if p.violating and p.article not in {a for f in det.review_clause(DraftClause(1, "x", p.text)) for a in f.articles}]
    assert missed == []


def test_every_reviewed_item_has_enough_phrasings():
    viol = Counter(p.article for p in PHRASINGS if p.violating)
    lawful = Counter(p.article for p in PHRASINGS if not p.violating)
    items = {e["clause_id"].split("#")[1] for e in provision_catalogue() if e["id"].startswith("条例") and e["signals"]}
    for item in items:
        art = f"公平竞争审查条例{item}"
        assert viol[art] >= 5 and lawful[art] >= 3, (art, viol[art], lawful[art])
