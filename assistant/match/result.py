"""What `match()` returns: frozen result types, built once; `to_dict()` (the JSON of `match --json` and the API) is
called only at the CLI, app and API boundary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .matcher import CondResult

Status = Literal["eligible", "ineligible", "unknown"]


@dataclass(frozen=True)
class Flag:
    """A screening result: 负面清单 (prohibited / permit), 外商投资 (foreign_*), or a red flag in an incentive clause."""

    kind: str  # prohibited / permit / red_flag / foreign_access / foreign_equal_treatment / foreign_encouraged
    clause_id: str | None
    file: str | None
    article: str | None
    issue: str
    rule: str  # the provision the flag rests on, as a Chinese citation
    rule_clause_ids: tuple[str, ...] | None = None  # red flags: the 条/项 as clause ids
    severity: str | None = None  # red flags: 高 / 中 / 低
    pending: bool = False  # raised by a rule not yet reviewed

    def to_dict(self) -> dict:
        d: dict = {"kind": self.kind, "clause_id": self.clause_id, "file": self.file, "article": self.article,
                   "issue": self.issue, "rule": self.rule}
        if self.kind == "red_flag":
            d["rule_clause_ids"], d["severity"] = list(self.rule_clause_ids or ()), self.severity
        if self.pending:
            d["pending"] = True
        return d


@dataclass(frozen=True)
class RuleMatch:
    """One rule evaluated for the project: its status, each condition, and the estimated amount."""

    rule_id: str
    clause_id: str
    file: str | None
    article: str | None
    title: str
    policy_title: str
    benefit: str
    calculation: str
    amount_wan: float | None  # None for rules the project fails, and where the amount cannot be computed
    conditions: tuple[CondResult, ...]
    status: Status
    amount_range_wan: tuple[float, float] | None = None
    amount_cap_wan: float | None = None
    quotes: tuple[str, ...] = ()
    reviewer: str | None = None
    reviewed_at: str | None = None
    notes: tuple[str, ...] = ()
    counted: bool = True  # 就高不重复: False for an eligible rule outranked in its group
    pending: bool = False  # a candidate rule (待审核), listed apart and never counted
    red_flag: bool = False  # its clause carries a fair-competition red flag

    @property
    def failed(self) -> tuple[CondResult, ...]:
        return tuple(c for c in self.conditions if c.status == "not_met")

    @property
    def missing(self) -> tuple[str, ...]:
        """What to ask the investor, one line per unknown condition."""
        return tuple(c.ask or c.reason for c in self.conditions if c.status == "unknown")

    def to_dict(self) -> dict:
        d: dict = {
            "rule_id": self.rule_id, "clause_id": self.clause_id, "file": self.file, "article": self.article,
            "title": self.title, "policy_title": self.policy_title, "benefit": self.benefit, "calculation": self.calculation,
            "amount_wan": self.amount_wan, "conditions": [c.to_dict() for c in self.conditions],
        }
        if self.amount_range_wan is not None:
            d["amount_range_wan"] = list(self.amount_range_wan)
        if self.amount_cap_wan is not None:
            d["amount_cap_wan"] = self.amount_cap_wan
        if self.quotes:
            d["quotes"] = list(self.quotes)
        if self.reviewer:
            d["reviewer"], d["reviewed_at"] = self.reviewer, self.reviewed_at
        if self.notes:
            d["notes"] = list(self.notes)
        if self.status == "eligible":
            d["counted"] = self.counted
        if self.status == "ineligible":
            d["failed"] = [c.to_dict() for c in self.failed]
        if self.status == "unknown":
            d["missing"] = list(self.missing)
        if self.pending:
            d["status"], d["pending"] = self.status, True
        if self.red_flag:
            d["red_flag"] = True
        return d


@dataclass(frozen=True)
class InactivePolicy:
    """A chosen policy that is not in force on the date asked."""

    policy: str
    title: str
    status: str  # expired / repealed / not_yet_effective
    expires: str | None
    repealed: str | None
    effective: str | None = None  # start of its life (施行, else 印发): which years it can speak for

    def to_dict(self) -> dict:
        return {"policy": self.policy, "title": self.title, "status": self.status, "expires": self.expires,
                "repealed": self.repealed}


@dataclass(frozen=True)
class MatchSummary:
    region: str
    as_of: str
    policies: tuple[str, ...]
    reviewed_policies: tuple[str, ...]
    pending_policies: tuple[str, ...]
    eligible: int
    ineligible: int
    unknown: int
    estimated_total_wan: float  # the amounts that can be determined, red-flagged clauses left out
    estimated_total_note: str
    estimated_range_wan: tuple[float, float]  # with the ratio spans
    red_flag_total_wan: float
    pending: int
    pending_eligible: int
    hard_stop: bool  # a 负面清单 禁止准入 item may apply
    index_snapshot: str
    inactive_policies: tuple[InactivePolicy, ...]
    skipped_rule_files: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "region": self.region, "as_of": self.as_of, "policies": list(self.policies),
            "reviewed_policies": list(self.reviewed_policies), "pending_policies": list(self.pending_policies),
            "eligible": self.eligible, "ineligible": self.ineligible, "unknown": self.unknown,
            "estimated_total_wan": self.estimated_total_wan, "estimated_total_note": self.estimated_total_note,
            "estimated_range_wan": list(self.estimated_range_wan), "red_flag_total_wan": self.red_flag_total_wan,
            "pending": self.pending, "pending_eligible": self.pending_eligible, "hard_stop": self.hard_stop,
            "index_snapshot": self.index_snapshot, "inactive_policies": [p.to_dict() for p in self.inactive_policies],
            "skipped_rule_files": list(self.skipped_rule_files),
        }


@dataclass(frozen=True)
class MatchResult:
    eligible: tuple[RuleMatch, ...]
    ineligible: tuple[RuleMatch, ...]
    unknown: tuple[RuleMatch, ...]
    flags: tuple[Flag, ...]
    pending: tuple[RuleMatch, ...]  # candidate rules (待审核), evaluated the same way, never counted
    summary: MatchSummary

    def to_dict(self) -> dict:
        return {"eligible": [e.to_dict() for e in self.eligible], "ineligible": [e.to_dict() for e in self.ineligible],
                "unknown": [e.to_dict() for e in self.unknown], "flags": [f.to_dict() for f in self.flags],
                "pending": [e.to_dict() for e in self.pending], "summary": self.summary.to_dict()}


__all__ = ["Flag", "InactivePolicy", "MatchResult", "MatchSummary", "RuleMatch", "Status"]
