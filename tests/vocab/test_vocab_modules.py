"""The numeral and clause-id vocabularies (doctests hold the examples; these pin the edge cases)."""

from __future__ import annotations

import pytest

from assistant.vocab import clause_id
from assistant.vocab.numerals import to_cn, to_int


@pytest.mark.parametrize("text,n", [("十", 10), ("十一", 11), ("二十", 20), ("一百零五", 105), ("两", 2), ("〇", 0),
                                    ("零", 0), ("三千", 3000), ("１０", 10), ("二〇二四", 2024)])
def test_numerals(text, n):
    assert to_int(text) == n


def test_round_trip():
    assert all(to_int(to_cn(n)) == n for n in range(2000))


def test_clause_ids_round_trip():
    for cid in ("fcr#第十条", "fcr#第十条第二款", "fcr#第十条第二项", "lh#第四条第三项", "op#二、/（六）", "x#第八条~2第一款@3",
                "x#前言第三段", "x#第十条之一第一款第二项"):
        assert str(clause_id.parse(cid)) == cid
    assert clause_id.article_id("fcr#第十条第二款第一项") == "fcr#第十条"
    with pytest.raises(ValueError):
        clause_id.parse("no-hash")
