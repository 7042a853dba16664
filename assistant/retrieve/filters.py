"""Metadata filters: region, level, kind, and the date a document must be in force on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..documents.model import DocMeta
from ..errors import AssistantError


@dataclass(frozen=True)
class Filters:
    """`as_of` excludes documents not yet in force, repealed or expired on that date (unless `include_inactive`).

    >>> Filters(region="柳河县").allows(DocMeta(title="x", region="吉林省柳河县"))
    True
    """

    region: str | None = None
    level: str | None = None
    kind: str | None = None
    as_of: date | None = None
    include_inactive: bool = False
    docs: tuple[str, ...] | None = None  # restrict to these document ids

    @staticmethod
    def parse_date(value: str | None) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise AssistantError(f"日期格式应为 YYYY-MM-DD（如 2025-06-01）：{value!r}") from exc

    def allows(self, meta: DocMeta, doc_id: str | None = None) -> bool:
        if self.docs is not None and doc_id not in self.docs:
            return False
        # national documents apply everywhere; local ones must match the asked region
        if self.region and meta.region != "全国" and not (meta.region and (self.region in meta.region or meta.region in self.region)):
            return False
        if self.level and meta.level != self.level:
            return False
        if self.kind and meta.kind != self.kind:
            return False
        return self.as_of is None or self.include_inactive or meta.status(self.as_of) == "in_force"

    @property
    def active(self) -> bool:
        return any((self.region, self.level, self.kind, self.as_of, self.docs is not None))
