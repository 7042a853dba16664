"""The clause-id grammar, parsed and formatted in one place (parse, retrieve, answer, evaluate, review, match).

    clause_id := doc_id "#" unit ["~" dup] ["第" N ("款"|"段")] ["第" N "项"] ["@" part]
    unit      := "第" N "条" ["之" N]          an article
               | heading ("/" heading)*        policy headings: 二、/（六）, 一、/（一）/1.
               | 序言 | 前言                    text before the first heading

`dup` numbers a repeated unit in one document, `part` a hard split of an over-long paragraph.

>>> ref = parse("fair-competition-review-regulation-2024#第十条第二项")
>>> ref.doc, ref.unit, ref.item, ref.article_no
('fair-competition-review-regulation-2024', '第十条', 2, 10)
>>> str(ref) == "fair-competition-review-regulation-2024#第十条第二项"
True
>>> article_id("fcr#第十条第二款"), article_id("op#二、/（六）@2"), unit_id("op#二、/（六）第一段")
('fcr#第十条', 'op#二、/（六）', 'op#二、/（六）')
>>> label("fcr#第十条第二款第一项"), label("op#二、/（六）")
('第十条第二款第一项', '二、（六）')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .numerals import NUMBER, to_cn, to_int

ARTICLE_UNIT = re.compile(rf"^第({NUMBER})条(?:之({NUMBER}))?$")
_KEY = re.compile(
    rf"^(?P<unit>.+?)(?:~(?P<dup>\d+))?(?:第(?P<para>{NUMBER})(?P<kind>[款段]))?(?:第(?P<item>{NUMBER})项)?(?:@(?P<part>\d+))?$"
)
# an article reference inside running text: 第十条, 第10条, 第十条之一, 第十条第二款第三项
ARTICLE_REF = re.compile(rf"第({NUMBER})条(?:之({NUMBER}))?(?:第({NUMBER})款)?(?:第({NUMBER})项)?")


@dataclass(frozen=True)
class ClauseRef:
    """A parsed clause id. `para_kind` is 款 inside an article, 段 (paragraph) elsewhere."""

    doc: str
    unit: str
    dup: int | None = None
    para: int | None = None
    para_kind: str = "款"
    item: int | None = None
    part: int | None = None

    @property
    def is_article(self) -> bool:
        return ARTICLE_UNIT.match(self.unit) is not None

    @property
    def article_no(self) -> int | None:
        m = ARTICLE_UNIT.match(self.unit)
        return to_int(m.group(1)) if m else None

    @property
    def key(self) -> str:
        out = self.unit + (f"~{self.dup}" if self.dup else "")
        if self.para is not None:
            out += f"第{to_cn(self.para)}{self.para_kind}"
        if self.item is not None:
            out += f"第{to_cn(self.item)}项"
        return out + (f"@{self.part}" if self.part else "")

    def __str__(self) -> str:
        return f"{self.doc}#{self.key}"


def parse(clause_id: str) -> ClauseRef:
    """Split a clause id into its parts; raises ValueError when it has no '#'.

    >>> parse("lh#第四条第三项").item, parse("x#第八条~2第一款@3").part, parse("x#前言第三段").para_kind
    (3, 3, '段')
    """
    doc, sep, key = clause_id.partition("#")
    if not sep:
        raise ValueError(f"条款编号应为 文件#条款：{clause_id!r}")
    m = _KEY.match(key)
    if not m:  # an empty key: the whole document
        return ClauseRef(doc, key)
    return ClauseRef(
        doc=doc,
        unit=m.group("unit"),
        dup=int(m.group("dup")) if m.group("dup") else None,
        para=to_int(m.group("para")) if m.group("para") else None,
        para_kind=m.group("kind") or "款",
        item=to_int(m.group("item")) if m.group("item") else None,
        part=int(m.group("part")) if m.group("part") else None,
    )


def article_key(n: int, sub: int | None = None) -> str:
    """An article's unit key.

    >>> article_key(10), article_key(3, 1)
    ('第十条', '第三条之一')
    """
    return f"第{to_cn(n)}条" + (f"之{to_cn(sub)}" if sub else "")


def normalise_key(key: str) -> str:
    """Arabic or full-width numbers in an article key → the Chinese form the ids use.

    >>> normalise_key("第2条"), normalise_key("第10条第2款"), normalise_key("第十条之一")
    ('第二条', '第十条第二款', '第十条之一')
    """
    return re.sub(rf"第({NUMBER})(条|款|项|段)|之({NUMBER})",
                  lambda m: f"第{to_cn(to_int(m.group(1)))}{m.group(2)}" if m.group(1) else f"之{to_cn(to_int(m.group(3)))}", key)


def sub_id(base: str, kind: str, n: int) -> str:
    """A 款/段/项 below a unit.

    >>> sub_id("fcr#第十条", "项", 2)
    'fcr#第十条第二项'
    """
    return f"{base}第{to_cn(n)}{kind}"


def article_id(clause_id: str) -> str:
    """The article a clause belongs to ('doc#第十条第二款' → 'doc#第十条'); other units keep their 段/项, lose '@part'."""
    try:
        ref = parse(clause_id)
    except ValueError:
        return clause_id.split("@", 1)[0]
    if ref.is_article:
        return str(ClauseRef(ref.doc, ref.unit, ref.dup))
    return str(replace(ref, part=None))


def unit_id(clause_id: str) -> str:
    """The unit without 款/段/项 and part: clauses of one article or section count once."""
    try:
        ref = parse(clause_id)
    except ValueError:
        return clause_id
    return str(ClauseRef(ref.doc, ref.unit, ref.dup))


def doc_of(clause_id: str) -> str:
    return clause_id.partition("#")[0]


def is_within(a: str, b: str) -> bool:
    """One id is the other or a part of it at an id boundary ('doc#' is the whole document).

    >>> is_within("d#第十条", "d#第十条第一项"), is_within("d#第十条", "d#第十一条"), is_within("d#三、", "d#三、/（一）")
    (True, False, True)
    """
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if not long_.startswith(short):
        return False
    return short.endswith("#") or long_[len(short)] in "第/@~"


def label(clause_id: str) -> str:
    """The clause as printed in a citation (without the document title): 第十条第二项, 二、（六）第一项."""
    ref = parse(clause_id)
    unit = ref.unit if ref.is_article else ref.unit.replace("/", "")
    return ClauseRef("", unit, None, ref.para, ref.para_kind, ref.item).key


def split_citation(text: str) -> tuple[str, str] | None:
    """'公平竞争审查条例第十条第二项' → ('公平竞争审查条例', '第十条第二项'); None without an article.

    >>> split_citation("公平竞争审查条例实施办法第十九条第四项")
    ('公平竞争审查条例实施办法', '第十九条第四项')
    """
    m = re.search(rf"(第{NUMBER}条(?:之{NUMBER})?(?:第{NUMBER}[款项])*)$", text)
    if not m:
        return None
    return text[: m.start()].strip("《》 "), normalise_key(m.group(1))


def find_articles(text: str) -> list[int]:
    """Article numbers referred to in running text, in order (第十条、第10条 → 10).

    >>> find_articles("违反《反垄断法》第三十九条、第四十一条和第10条")
    [39, 41, 10]
    """
    return [to_int(m.group(1)) for m in ARTICLE_REF.finditer(text)]


__all__ = [
    "ARTICLE_REF",
    "ARTICLE_UNIT",
    "ClauseRef",
    "article_id",
    "article_key",
    "doc_of",
    "find_articles",
    "is_within",
    "label",
    "normalise_key",
    "parse",
    "split_citation",
    "sub_id",
    "unit_id",
]
