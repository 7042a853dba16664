"""Chinese amounts with units → canonical numbers (money in 万元, land in 亩, ratios in %)."""

from __future__ import annotations

import re

MONEY = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "元": 0.0001, "千元": 0.1}
LAND = {"亩": 1.0, "公顷": 15.0, "平方米": 0.0015}
NUMBER = r"(\d+(?:\.\d+)?)"


def parse_money_wan(text: str) -> float:
    """'3亿元' → 30000.0; '5000万元' → 5000.0; '50万' → 50.0; a bare number is already in 万元.

    >>> parse_money_wan("1.2亿元"), parse_money_wan("800万元"), parse_money_wan("1000")
    (12000.0, 800.0, 1000.0)
    """
    return _parse(text, MONEY, "万元")


def parse_land_mu(text: str) -> float:
    """'200亩' → 200; '10公顷' → 150."""
    return _parse(text, LAND, "亩")


AREA = {"平方米": 1.0, "平米": 1.0, "㎡": 1.0, "m2": 1.0, "亩": 666.6667, "公顷": 10000.0}


def parse_area_sqm(text: str) -> float:
    """'5000平方米' → 5000; '1.5万平方米' → 15000 (floor area)."""
    s = str(text).strip()
    if s.count("万") == 1 and not s.startswith("万"):
        head, tail = s.split("万", 1)
        return round(_parse(head + tail, AREA, "平方米") * 10000, 6)
    return _parse(s, AREA, "平方米")


def parse_percent(text: str) -> float:
    """'5%' / '5％' / '百分之五' (digits only) / 0.05 given as '0.05' stays 0.05 — callers decide."""
    m = re.fullmatch(r"\s*" + NUMBER + r"\s*[%％]?\s*", str(text))
    if not m:
        raise ValueError(f"不是百分比：{text!r}")
    return float(m.group(1))


def _parse(text: str, table: dict[str, float], canonical: str) -> float:
    s = str(text).strip().replace(",", "").replace("，", "")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")?", s)
    if not m:
        raise ValueError(f"无法识别的数值或单位：{text!r}（应为数字，或带单位如 {'、'.join(table)}）")
    value = float(m.group(1))
    unit = m.group(2) or canonical
    return round(value * table[unit], 6)
