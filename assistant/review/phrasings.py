"""The coverage data (`data/phrasings.yaml`): violating phrasings and lawful look-alikes per 条/项."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("data") / "phrasings.yaml"


@dataclass(frozen=True)
class Phrasing:
    provision: str
    article: str  # 条例 条/项 a finding must cite, e.g. 公平竞争审查条例第十条第二项
    measures: str | None
    text: str
    violating: bool

    @property
    def regulation_article(self) -> str:
        return re.match(r"公平竞争审查条例(第[^第]+条)", self.article).group(1)


@lru_cache(maxsize=1)
def load_phrasings() -> tuple[Phrasing, ...]:
    out = []
    for e in yaml.safe_load(PATH.read_text(encoding="utf-8")):
        for key, violating in (("violating", True), ("lawful", False)):
            out += [Phrasing(e["provision"], e["article"], e.get("measures"), t, violating) for t in e[key]]
    return tuple(out)
