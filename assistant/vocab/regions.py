"""Place names inside a region string: '吉林省柳河县' → units ['吉林省', '柳河县'] → names ('吉林', '柳河').

One reading of regions for matching (a profile's region against a rule file's), the ranker's place feature and the
chat's 「the question names this place」.

>>> region_units("新疆维吾尔自治区塔城地区沙湾县"), place_names("上海市临港地区"), place_names("全国")
(['塔城地区', '沙湾县'], ('上海', '临港'), ())
>>> place_names("青川省临江市滨湖经济技术开发区")  # 「滨湖开发区」 in a question
('青川', '临江', '滨湖')
"""

from __future__ import annotations

import re
from functools import lru_cache

AUTONOMOUS = ("内蒙古", "广西", "西藏", "宁夏", "新疆")
_UNIT = re.compile(r"[\u4e00-\u9fa5]{1,8}?(?:自治州|地区|新区|开发区|示范区|省|市|盟|州|县|旗|区)|临港")
_SUFFIX = re.compile(r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新区|自治州|地区|新区|开发区|示范区|省|市|盟|州|县|旗|区)$")


def region_units(region: str) -> list[str]:
    """The administrative units of a region string, widest first (autonomous-region prefixes dropped)."""
    text = re.sub(r"（[^）]*）", "", region).replace("维吾尔", "").replace("壮族", "").replace("回族", "")
    for name in AUTONOMOUS:
        text = text.replace(name + "自治区", "").removeprefix(name)
    return [p for p in _UNIT.findall(text) if len(p) >= 2]


@lru_cache(maxsize=1024)
def place_names(region: str | None) -> tuple[str, ...]:
    """The units without their 省/市/县/区… suffix, as people name them in a question; '全国' and None → ()."""
    if not region or region == "全国":
        return ()
    names = [_SUFFIX.sub("", u) or u for u in region_units(region)]
    return tuple(dict.fromkeys(n for n in names if len(n) >= 2))


__all__ = ["AUTONOMOUS", "place_names", "region_units"]
