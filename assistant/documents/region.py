"""Issuer, region and level of a local document, from its issuer line, title and text (no gazetteer).

>>> region_and_level("河南省濮阳县人民政府", "", "")
('河南省濮阳县', 'county')
>>> region_and_level(None, "锡林浩特市招商引资优惠政策", "根据国家、自治区有关法律法规及锡林郭勒盟有关规定")
('锡林浩特市', 'county')
>>> region_and_level(None, "内江市招商引资优惠政策规定", "根据国家和省有关规定，结合内江实际")
('内江市', 'municipal')
>>> issuer_of("中共柳河县委 柳河县人民政府关于支持重点产业加快发展的实施意见", "")
'中共柳河县委、柳河县人民政府'
"""

from __future__ import annotations

import re

from .dates import ANY_DATE

PROVINCES = ["北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区"]
CJK = "\u4e00-\u9fa5"
PARK = "经济技术开发区|高新技术产业开发区|开发区|高新区|示范区|新区|园区"
# one administrative unit below the province; the lookahead keeps 广州 from stopping before 市 and 市场 out
UNIT = (rf"(?:[{CJK}]{{1,8}}?(?:自治州|自治县|自治旗)|[{CJK}]{{2,10}}?(?:{PARK})|[{CJK}]{{1,5}}?(?:地区|市|县|区|旗|盟|州))"
        r"(?![市县区旗盟州场])")
NOT_A_NAME = tuple("本我全该各城辖外省市县区新开")
ORG_SUFFIX = (r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|管理委员会|委员会|管委会|领导小组|行政公署|行署|"
              r"总局|政府|局|厅|委|部)")
ORG = rf"[{CJK}（）()]{{2,30}}?{ORG_SUFFIX}"
ORGS = re.compile(rf"^({ORG})(?:[\s、，,]+({ORG}))*$")


def _clean_orgs(text: str) -> str | None:
    m = ORGS.match(text.strip())
    if not m:
        return None
    parts = [p for p in re.split(r"[\s、，,]+", text.strip()) if p]
    return "、".join(parts)


def issuer_of(title: str, text: str) -> str | None:
    """From 「××人民政府关于…」, an issuer line above 「关于…」, a 发布令, the 落款 before the closing date, or 由××负责解释."""
    m = re.match(r"^(.{2,40}?)关于", title)
    if m and (org := _clean_orgs(m.group(1))):
        return org
    lines = [l.strip().lstrip("# ").strip() for l in text.splitlines() if l.strip()]
    for i, line in enumerate(lines[:8]):
        if i + 1 < len(lines) and lines[i + 1].startswith("关于") and (org := _clean_orgs(line)):
            return org
        order = re.fullmatch(rf"({ORG})令", line)
        if order:
            return order.group(1)
    tail = lines[-6:]
    for i, line in enumerate(tail):
        if i and re.fullmatch(r"(?:" + ANY_DATE.pattern + r")\s*(?:印发|发布|公布)?", line):
            org = _clean_orgs(tail[i - 1])
            if org:
                return org
    m = re.search(rf"由({ORG})(?:[^。；]{{0,12}}?并)?负责解释", text)
    if m and _units(m.group(1)):
        return m.group(1)
    return None


def _units(who: str, at_start: bool = False) -> list[str]:
    """Administrative units in order: 吉林省 柳河县; a title only counts units at its start (盘县招商…)."""
    who = re.sub(r"中共|[（）()]", " ", who)
    parts: list[str] = []
    for prov in PROVINCES:
        if prov in who:
            parts.append(prov)
            who = who.replace(prov, " ")
    if at_start:
        who = re.sub(r"^\s*关于", "", who)
        m = re.match(rf"\s*((?:{UNIT})(?:[、和与及]?(?:{UNIT}))*)", who)
        found = re.findall(UNIT, m.group(1)) if m else []
    else:
        found = re.findall(UNIT, who)
    for name in found:
        if name.startswith(NOT_A_NAME) or name in parts:
            continue
        parts.append(name)
    return parts


def _level(unit: str, text: str) -> str:
    if re.search(rf"(?:{PARK})$", unit) or "临港" in unit:
        return "park"
    if unit in PROVINCES:
        return "provincial"
    if re.search(r"(?:县|旗)$", unit) or (unit.endswith("区") and not unit.endswith("地区")):
        return "county"
    if unit.endswith("市") and _under_a_city(text, unit):
        return "county"  # a county-level city: its text names the 市/盟/州 above it
    return "municipal"


def _under_a_city(text: str, unit: str) -> bool:
    head = text[:1500]
    for m in re.finditer(rf"(?:国家|中央)[^。；]{{0,4}}?(?:省|自治区)[^。；]{{0,10}}?([、和及]市|[{CJK}]{{2,5}}(?:市|盟|州|地区))", head):
        if unit not in m.group(1):
            return True
    return False


def region_and_level(issuer: str | None, title: str, text: str) -> tuple[str | None, str | None]:
    """(region, level) from the issuer first, then the title's leading place, then 我县/本市 in the text."""
    units = _units(issuer or "") or _units(title, at_start=True)
    if "临港" in title and not any("临港" in u for u in units):
        units.append("临港地区")  # a policy for the 临港 area (existing rule)
    if not units:
        # 我县 / 本市, or a bare-level department (县财政局, 牵头单位：区经信局)
        local = re.search(rf"(?:我|本)(县|旗|市|区)(?![场级])|(?<![{CJK}])(县|旗|区)[{CJK}]{{1,3}}(?:局|委)(?![{CJK}])", text[:3000])
        return None, ({"县": "county", "旗": "county", "区": "county", "市": "municipal"}[local.group(1) or local.group(2)] if local else None)
    if units[0] not in PROVINCES:
        named = {p for p in PROVINCES if p in text}
        if len(named) == 1:
            units.insert(0, named.pop())
    level = _level(units[-1], text)
    return "".join(dict.fromkeys(units)), level


__all__ = ["PROVINCES", "issuer_of", "region_and_level"]
