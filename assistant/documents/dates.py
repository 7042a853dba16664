"""Dates in policy texts and manifests: 印发, 施行, 试行, 暂定N年, 有效期N年, 自…起施行, and the one expiry rule.

>>> expiry("2023-02-08", 3), expiry("2019-01-01", 3), expiry("2020-02-29", 1)
('2026-02-07', '2021-12-31', '2021-02-28')
>>> text_dates("自2019年1月1日起执行，暂定十年。")
{'effective': '2019-01-01', 'expires': '2028-12-31'}
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..vocab.numerals import NUMBER, digits_to_ascii, to_int

YEAR_CN = "〇○零一二三四五六七八九"
# 2024年8月1日, 2024-08-01, 2024.8.1, 二○○五年三月二十一日
DATE = r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?"
DATE_CN = rf"([{YEAR_CN}]{{4}})年({NUMBER})月({NUMBER})日"
ANY_DATE = re.compile(rf"(?:{DATE})|(?:{DATE_CN})")
VERBS = "公布|发布|通过|修正|修订|印发|施行|起施行|起执行|执行|起"


def iso(y: str, m: str, d: str) -> str:
    return f"{to_int(y):04d}-{to_int(m):02d}-{to_int(d):02d}"


def _iso_match(m: re.Match) -> str:
    g = m.groups()
    return iso(*g[0:3]) if g[0] else iso(*g[3:6])


def expiry(start: str, years: int) -> str:
    """The last day of a period of `years` years starting on `start` (inclusive): start + N years − 1 day."""
    y, m, d = (int(x) for x in start.split("-"))
    try:
        end = date(y + years, m, d)
    except ValueError:  # 29 February into a common year
        end = date(y + years, 3, 1)
    return (end - timedelta(days=1)).isoformat()


PERIOD = re.compile(rf"(?:暂定|有效期(?:为|暂定)?|试行期?(?:为)?|实施期(?:为)?|期限(?:为)?)\s*({NUMBER})\s*年")
YEAR_SPAN = re.compile(r"(?:期限|年限|有效期)(?:为)?\s*(\d{4})\s*年?\s*[-—–至到]\s*(\d{4})\s*年?")


def _period(text: str, start: str | None, out: dict[str, str]) -> None:
    """暂定N年 / 有效期N年 / 有效期至… / 实行年限为2016年至2018年 → expires (and effective for year spans)."""
    until = re.search(r"有效期(?:至|到)\s*(" + ANY_DATE.pattern + ")", text)
    if until:
        out["expires"] = _iso_match(ANY_DATE.search(until.group(1)))
        return
    years = YEAR_SPAN.search(text)
    if years:
        out.setdefault("effective", f"{years.group(1)}-01-01")
        out["expires"] = f"{years.group(2)}-12-31"
        return
    span = PERIOD.search(text)
    start = out.get("effective") or start
    if span and start:
        out["expires"] = expiry(start, to_int(span.group(1)))


def parse_dates(value: str) -> dict[str, str]:
    """A manifest date field: '2024-06-06公布；2024-08-01施行' → published/effective; 至, 起执行, 暂定N年, 政策期限.

    >>> parse_dates("2019-01-01起执行（暂定三年）")
    {'effective': '2019-01-01', 'expires': '2021-12-31'}
    """
    out: dict[str, str] = {}
    value = digits_to_ascii(re.sub(r"[（(][^）)]*(?:转载|标注|公开|来源|据)[^）)]*[)）]", "", value))
    if not re.search(DATE, value):
        month = re.search(r"(\d{4})-(\d{1,2})(?!\d)\s*(公布|发布|公开|印发)", value)
        if month:
            out["published"] = iso(month.group(1), month.group(2), "1")
    for match in re.finditer(DATE + rf"\s*({VERBS})?", value):
        day = iso(*match.group(1, 2, 3))
        verb = match.group(4) or ""
        out.setdefault("effective" if ("施行" in verb or "执行" in verb or verb == "起") else "published", day)
    span = re.search(DATE + r"\s*至\s*" + DATE, value)
    if span:
        out["effective"] = iso(*span.group(1, 2, 3))
        out["expires"] = iso(*span.group(4, 5, 6))
    years = re.search(r"(?:期限|年限)\s*(\d{4})\s*[-—–至]\s*(\d{4})", value)
    if years:
        out.setdefault("effective", f"{years.group(1)}-01-01")
        out["expires"] = f"{years.group(2)}-12-31"
    if "expires" not in out and out.get("effective"):
        _period(value, None, out)
    return out


def text_dates(text: str) -> dict[str, str]:
    """published / effective / expires as the document itself states them.

    >>> text_dates("（2023年2月8日）\\n……本政策自发布之日起施行，暂定三年有效期。")
    {'published': '2023-02-08', 'effective': '2023-02-08', 'expires': '2026-02-07'}
    >>> text_dates("现予发布，从2005年4月1日起施行。\\n二○○五年三月二十一日\\n第一条 ……")
    {'effective': '2005-04-01', 'published': '2005-03-21'}
    """
    text = digits_to_ascii(text)
    out: dict[str, str] = {}
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    eff = re.search(r"(?:自|从|于)\s*(" + ANY_DATE.pattern + r")\s*(?:起|开始)?\s*(?:正式)?(?:施行|执行|实施|试行)", text)
    if eff:
        out["effective"] = _iso_match(ANY_DATE.search(eff.group(1)))
    head = "\n".join(lines[:15])
    pub = re.search(r"[（(]\s*(" + ANY_DATE.pattern + r")\s*[)）]", head)
    # a date alone on a line (发布令, 落款), or followed by 印发/发布
    alone = [m for l in lines[:15] + lines[-6:] if (m := re.fullmatch(r"(" + ANY_DATE.pattern + r")\s*(?:印发|发布|公布)?", l))]
    if pub:
        out["published"] = _iso_match(ANY_DATE.search(pub.group(1)))
    elif alone:
        out["published"] = _iso_match(ANY_DATE.search(alone[0].group(1)))
    if "effective" not in out and "published" in out and re.search(r"自(?:印发|发布|颁布|公布)之日起(?:开始)?(?:施行|执行|实施)", text):
        out["effective"] = out["published"]
    _period(text, out.get("published"), out)
    return out


__all__ = ["ANY_DATE", "DATE", "expiry", "iso", "parse_dates", "text_dates"]
