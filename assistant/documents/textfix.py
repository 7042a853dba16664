"""Repairs for text that came from a page layout (PDF text layer, OCR): hard wraps, stray spaces, page furniture."""

from __future__ import annotations

import re
from collections import Counter

CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
_LABEL = re.compile(r"^(第[〇零一二两三四五六七八九十百千\d]+[条章节编]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,3}[.．、](?!\d))")
STARTS_UNIT = re.compile(
    r"^(第[〇零一二两三四五六七八九十百千\d]+[条章节编]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,3}[.．、](?!\d)|[①-⑳]|附件|附表|#|.{0,30}[|])")
ENDS_UNIT = re.compile(r"[。；;：:！？!?」』”]$")
PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―_·•]*(?:第\s*)?[\d一二三四五六七八九十]+\s*(?:页)?(?:\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[\s\-—–－―_·•]*$"
    r"|^[\s\-—–－―]*(?:page|Page|PAGE)\s*\d+.*$")


def fix_spacing(line: str) -> str:
    """Drop spaces extraction puts between CJK and CJK, digits, units and CJK punctuation: 「1 亿元 以上」→「1亿元以上」.
    The space after a leading 第X条 label is kept."""
    head = ""
    m = _LABEL.match(line)
    if m and line[m.end():m.end() + 1] in (" ", "\u3000"):
        head, line = line[: m.end()] + " ", line[m.end():].lstrip(" \u3000")
    line = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}])", "", line)
    line = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t]+(?=[\d%‰.,])", "", line)
    line = re.sub(rf"(?<=[\d%‰])[ \t]+(?=[{CJK}{CJK_PUNCT}])", "", line)
    return head + line


_HALF = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def cjk_punct(line: str) -> str:
    """OCR reads some full-width punctuation as ASCII: 「(试行)」→「（试行）」 where a CJK character is next to it
    (「3:3:4」 and 「1,000」 stay)."""
    out = list(line)
    for i, ch in enumerate(line):
        if ch in _HALF:
            before = line[i - 1] if i else ""
            after = line[i + 1] if i + 1 < len(line) else ""
            if re.match(rf"[{CJK}]", before) or re.match(rf"[{CJK}]", after) or (ch == ")" and "（" in "".join(out[:i])):
                out[i] = _HALF[ch]
    line = "".join(out)
    # the year brackets of a 文号 (〔2011〕) come back half-matched as 〔2011] or [2011〕
    return re.sub(r"[〔\[［(（](\d{4})[〕\]］)）](?=\s*\d+\s*号)", r"〔\1〕", line)


def _cjk_end(a: str, b: str) -> bool:
    return bool(re.search(rf"[{CJK}{CJK_PUNCT}\d%]$", a)) or bool(re.match(rf"[{CJK}{CJK_PUNCT}]", b))


def join_wrapped(lines: list[str], full: list[bool] | None = None) -> list[str]:
    """Join hard-wrapped lines into paragraphs. A line continues into the next when it does not end a sentence,
    reaches the right margin (`full`, or near the page's typical line length) and the next line does not start a
    new numbered unit. CJK joins without a space, Latin with one."""
    lines = [l.strip() for l in lines]
    if full is None:
        lengths = sorted(len(l) for l in lines if len(l) >= 8)
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
        full = [typical >= 12 and len(l) >= typical * 0.8 for l in lines]
    out: list[str] = []
    joinable = False
    for line, is_full in zip(lines, full):
        if not line:
            joinable = False
            continue
        if out and joinable and not STARTS_UNIT.match(line):
            out[-1] += ("" if _cjk_end(out[-1], line) else " ") + line
        else:
            out.append(line)
        joinable = is_full and not ENDS_UNIT.search(line) and "|" not in line
    return out


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def furniture_mask(pages: list[list[str]]) -> list[list[bool]]:
    """False for page numbers (「— 2 —」「-2-」「第 2 页 共 9 页」) and running headers/footers: lines among the first
    or last two of a page whose shape (digits ignored) recurs there on at least two pages and half of them, and never inside a page."""
    edges: Counter = Counter()
    middle: set[str] = set()
    for page in pages:
        body = [l for l in page if l.strip()]
        for shape in set(_shape(x) for x in body[:2] + body[-2:]):
            edges[shape] += 1
        middle.update(_shape(x) for x in body[2:-2])
    # a line that also occurs inside a page is content that happens to repeat (「牵头单位：区经信局」)
    running = {s for s, n in edges.items() if n >= max(2, len(pages) / 2) and s and len(s) <= 60 and s not in middle}
    masks = []
    for page in pages:
        idx = [i for i, l in enumerate(page) if l.strip()]
        edge = set(idx[:2] + idx[-2:])
        masks.append([not (i in edge and (PAGE_NUMBER.match(l.strip()) or _shape(l) in running)) for i, l in enumerate(page)])
    return masks


def layout_text(pages: list[list[str]], full: list[list[bool]] | None = None) -> str:
    """Pages of extracted lines → paragraphs: furniture dropped, spacing fixed, wraps joined across pages.
    `full` marks lines that reach the right margin (from OCR geometry); without it line lengths decide."""
    masks = furniture_mask(pages)
    lines = [fix_spacing(l) for page, mask in zip(pages, masks) for l, keep in zip(page, mask) if keep]
    flags = None
    if full is not None:
        flags = [f for fl, mask in zip(full, masks) for f, keep in zip(fl, mask) if keep]
    return "\n\n".join(join_wrapped(lines, flags))
