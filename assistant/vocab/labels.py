"""Document levels, kinds and validity statuses: the codes stored in the index and their Chinese labels.

>>> LEVEL_LABELS["county"], KIND_LABELS["local_policy"], STATUS_LABELS["repealed"]
('县级', '地方政策', '已废止')
>>> level_code("县级"), level_code("county"), level_code("乡镇")
('county', 'county', None)
"""

from __future__ import annotations

from typing import Literal, get_args

Level = Literal["national", "provincial", "municipal", "county", "park"]
Kind = Literal["law", "regulation", "rule", "negative_list", "catalog", "local_policy", "notice"]
Status = Literal["in_force", "repealed", "expired", "not_yet_effective"]

LEVELS: tuple[str, ...] = get_args(Level)
KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)

LEVEL_LABELS: dict[str, str] = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级",
                                "park": "园区/开发区"}
KIND_LABELS: dict[str, str] = {"law": "法律", "regulation": "行政法规", "rule": "部门规章", "negative_list": "负面清单",
                               "catalog": "产业目录", "local_policy": "地方政策", "notice": "通知公告"}
STATUS_LABELS: dict[str, str] = {"in_force": "现行有效", "repealed": "已废止", "expired": "已失效",
                                 "not_yet_effective": "尚未施行"}
INGEST_LABELS: dict[str, str] = {"added": "新增", "updated": "更新", "unchanged": "未变", "removed": "删除",
                                 "duplicate": "重复", "skipped": "跳过", "failed": "失败"}
assert set(LEVEL_LABELS) == set(LEVELS) and set(KIND_LABELS) == set(KINDS) and set(STATUS_LABELS) == set(STATUSES)


def _code(value: str | None, labels: dict[str, str]) -> str | None:
    if not value:
        return None
    v = value.strip()
    if v in labels:
        return v
    return next((code for code, label in labels.items() if label == v), None)


def level_code(value: str | None) -> str | None:
    """A level code from a code or its Chinese label; None when it is neither."""
    return _code(value, LEVEL_LABELS)


def kind_code(value: str | None) -> str | None:
    return _code(value, KIND_LABELS)


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", code or "")


def level_label(code: str | None) -> str:
    return LEVEL_LABELS.get(code or "", code or "")


def kind_label(code: str | None) -> str:
    return KIND_LABELS.get(code or "", code or "")
