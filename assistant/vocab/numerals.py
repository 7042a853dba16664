"""Chinese numerals: the one place that reads and writes them (条/款/项 numbers, 暂定十年, 二〇二三年).

>>> to_int("十"), to_int("十一"), to_int("二十"), to_int("一百零五"), to_int("两"), to_int("三千零一")
(10, 11, 20, 105, 2, 3001)
>>> to_int("二〇二三"), to_int("二○○五"), to_int("１２"), to_int("7")
(2023, 2005, 12, 7)
>>> to_cn(10), to_cn(21), to_cn(105), to_cn(110), to_cn(1058)
('十', '二十一', '一百零五', '一百一十', '一千零五十八')
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
          "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
WAN = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(WAN)
# a character class for regexes: Chinese numerals, ASCII and full-width digits
NUMERAL = f"[{CN_CHARS}0-9０-９]"
NUMBER = f"{NUMERAL}+"
_OUT = "零一二三四五六七八九"


def is_numeral(text: str) -> bool:
    """True when the whole text is one number in any supported form.

    >>> is_numeral("二十一"), is_numeral("２１"), is_numeral("二十一条")
    (True, True, False)
    """
    return bool(text) and re.fullmatch(NUMBER, text) is not None


def to_int(text: str) -> int:
    """A number written in Arabic, full-width or Chinese digits, positional (一百零五) or digit by digit (二〇二三).

    >>> to_int("一万二千"), to_int("十万"), to_int("壹佰"), to_int("一亿二千万")
    (12000, 100000, 100, 120000000)
    >>> to_int("第十")
    Traceback (most recent call last):
    ValueError: 不是数字：'第十'
    """
    text = unicodedata.normalize("NFKC", text.strip())
    if text.isdigit():
        return int(text)
    if not is_numeral(text):
        raise ValueError(f"不是数字：{text!r}")
    if not any(ch in UNITS or ch in WAN for ch in text):  # 二〇二三, 一九九五: read digit by digit
        return int("".join(str(DIGITS[ch]) if ch in DIGITS else ch for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch.isdigit():
            digit = digit * 10 + int(ch)
        elif ch in UNITS:
            section += (digit or 1) * UNITS[ch]  # 十 alone is 10, not 0
            digit = 0
        elif ch == "万":
            total += (section + digit or 1) * 10_000
            section, digit = 0, 0
        else:  # 亿 scales everything before it
            total = (total + section + digit or 1) * 100_000_000
            section, digit = 0, 0
    return total + section + digit


def to_cn(n: int) -> str:
    """Legal numbering style: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 1010 → 一千零一十.

    >>> [to_cn(n) for n in (0, 11, 100, 101, 115, 1000, 1001, 1010, 1100)]
    ['零', '十一', '一百', '一百零一', '一百一十五', '一千', '一千零一', '一千零一十', '一千一百']
    """
    if n < 0:
        raise ValueError(f"不能写成中文序数：{n}")
    if n < 10:
        return _OUT[n]
    if n < 20:
        return "十" + (_OUT[n % 10] if n % 10 else "")
    if n < 100:
        return _OUT[n // 10] + "十" + (_OUT[n % 10] if n % 10 else "")
    if n >= 10000:
        return str(n)
    head, unit, rest, size = (n // 1000, "千", n % 1000, 100) if n >= 1000 else (n // 100, "百", n % 100, 10)
    if rest == 0:
        tail = ""
    elif rest < size:  # a gap: 一百零五, 一千零五十八, 一千零一十
        tail = "零" + (_OUT[rest] if rest < 10 else ("一" + to_cn(rest) if rest < 20 else to_cn(rest)))
    else:
        tail = "一" + to_cn(rest) if rest < 20 else to_cn(rest)
    return _OUT[head] + unit + tail


def digits_to_ascii(text: str) -> str:
    """Full-width digits → ASCII, everything else unchanged.

    >>> digits_to_ascii("２０２４年")
    '2024年'
    """
    return re.sub("[０-９]", lambda m: chr(ord(m.group(0)) - 0xFEE0), text)


__all__ = ["CN_CHARS", "NUMBER", "NUMERAL", "digits_to_ascii", "is_numeral", "to_cn", "to_int"]
