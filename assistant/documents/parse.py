"""Structure parsing: 编/章/节/条/款/项/目 and policy headings (一、（一）1.（1）) → clauses → chunks.

Two modes. A document with numbered articles (第X条) is cut into articles; headings between them form the
chapter path. A document without articles (opinions, plans, catalogues) is cut by headings and numbered
paragraphs; the nearest heading labels each unit. No unit ever spans two articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..vocab import clause_id as cid
from ..vocab.numerals import CN_CHARS, to_cn, to_int
from .model import Chunk, Clause, Document

CN_NUM = CN_CHARS + "0-9０-９"  # numeral characters for the patterns below
ARTICLE = re.compile(rf"^第([{CN_NUM}]+)条(之[{CN_NUM}]+)?(?:[\s\u3000]+|(?=[^\s]))(.*)$")
STRUCT = re.compile(rf"^第([{CN_NUM}]+)(编|分编|章|节)(?:[\s\u3000]*)(.{{0,40}})$")
MD_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*$")
# policy-style numbering, outermost first
POLICY = [
    re.compile(rf"^([{CN_CHARS}]+)[、.．]\s*"),
    re.compile(rf"^[（(]([{CN_CHARS}]+)[)）]\s*"),
    re.compile(r"^(\d{1,3})[.．、](?!\d)\s*"),
    re.compile(r"^[（(](\d{1,3})[)）]\s*"),
    re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*"),
]
SENTENCE_END = re.compile(r"[。；;：:！？!?]$")
MAX_CHUNK = 700  # characters; longer articles split at 款/项 boundaries

cn_to_int = to_int  # re-exported for callers of the old names
int_to_cn = to_cn


def plain(line: str) -> str:
    """The line without markdown bullets/emphasis, for classification only (text stays verbatim)."""
    return re.sub(r"^(?:[-*+]\s+)?(?:\*\*|__)?", "", line).replace("**", "").strip()


def policy_level(line: str) -> tuple[int, str] | None:
    """(level, marker as printed) for a policy-numbered line, else None."""
    line = plain(line)
    for level, pattern in enumerate(POLICY):
        m = pattern.match(line)
        if m and len(line) > m.end():
            return level, line[: m.end()].strip()
    return None


def is_heading_like(line: str) -> bool:
    line = plain(line)
    return len(line) <= 40 and not SENTENCE_END.search(line) and "，" not in line[-8:]


def _policy_heading(lines: list[str], i: int) -> bool:
    """A short numbered line is a heading unless its next line is a sibling at the same level (a list)."""
    pol = policy_level(lines[i])
    if pol is None or not is_heading_like(lines[i]) or i + 1 >= len(lines):
        return False
    nxt = policy_level(lines[i + 1])
    return nxt is None or nxt[0] != pol[0]


@dataclass
class _Unit:
    label: str  # article label or section marker
    key: str  # clause-id component
    path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    is_article: bool = False
    level: int = -1  # policy numbering level of a numbered paragraph unit


def parse(doc: Document) -> list[_Unit]:
    lines = [l.strip() for l in doc.text.splitlines()]
    lines = [l for l in lines if l]
    first = lines[0].lstrip("# ").strip() if lines else ""
    if lines and (lines[0].startswith("# ") or first == doc.meta.title) and not ARTICLE.match(lines[0]) and not STRUCT.match(first):
        lines = lines[1:]  # the title line (never an article, a draft may start with 第一条; never 第一章 总则)
    article_lines = sum(1 for l in lines if _article_match(l, None))
    return _parse_articles(lines) if article_lines >= 2 else _parse_sections(lines)


def _article_match(line: str, expected: int | None):
    m = ARTICLE.match(line)
    if not m:
        return None
    body = m.group(3)
    # "第十条规定的…" at a line start is a reference, not an article: require a space or the expected number
    spaced = line[m.start(3) - 1 : m.start(3)].isspace() if m.start(3) > 0 else False
    if spaced or not body or (expected is not None and to_int(m.group(1)) == expected):
        return m
    return None


def _parse_articles(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    path: list[tuple[int, str]] = []  # (level, heading)
    current: _Unit | None = None
    expected: int | None = None
    for i, line in enumerate(lines):
        md = MD_HEADING.match(line)
        st = STRUCT.match(line)
        art = _article_match(line, expected)
        if md or (st and is_heading_like(line)):
            level = len(md.group(1)) if md else {"编": 1, "分编": 2, "章": 3, "节": 4}[st.group(2)]
            text = md.group(2) if md else line
            if md and (m2 := ARTICLE.match(text)) and is_heading_like(text):
                art = m2  # "## 第一条 设立产业引导基金"
                line = text
            else:
                path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
                current = None
                continue
        if art:
            n = to_int(art.group(1))
            expected = n + 1
            label = line[: art.start(3)].strip() if art.group(3) else line.strip()
            key = cid.article_key(n, to_int(art.group(2)[1:]) if art.group(2) else None)
            current = _Unit(label=label, key=key, path=tuple(t for _, t in path), is_article=True)
            units.append(current)
            rest = art.group(3).strip()
            if rest:
                current.lines.append(line)  # keep the label in the verbatim text of the first paragraph
            continue
        pol = policy_level(line)
        inside = current is not None and current.is_article and not _heads_next_article(lines, i)
        if pol and _policy_heading(lines, i) and (current is None or not _expects_items(current)) and not inside:
            level = 10 + pol[0]
            path = [(lv, t) for lv, t in path if lv < level] + [(level, line)]
            current = None
            continue
        if current is None:
            # text outside any article (preamble, text under a heading): its own section unit
            current = _Unit(label=path[-1][1] if path else "序言", key=_path_key(path) or "序言", path=tuple(t for _, t in path))
            units.append(current)
        current.lines.append(line)
    return [u for u in units if u.lines]


def _heads_next_article(lines: list[str], i: int) -> bool:
    """A numbered line inside an article is a heading only when headings alone follow it up to the next article."""
    for line in lines[i + 1 :]:
        if ARTICLE.match(line) or ARTICLE.match(line.lstrip("# ")):
            return True
        if not (MD_HEADING.match(line) or STRUCT.match(line) or (policy_level(line) and is_heading_like(line))):
            return False
    return True


RUN_IN = re.compile(r"^([^，。；：:,（）()《》“”\s]{4,24}?)。(?=.{10,})")
NOT_RUN_IN = ("为", "根据", "按照", "依据", "本", "对", "凡", "经", "以上", "其他", "如")


def run_in_heading(line: str) -> str | None:
    """「支持智能制造功能平台建设。鼓励……」 → 支持智能制造功能平台建设 (a short comma-free lead sentence).

    >>> run_in_heading("支持人才集聚。实施临港智能制造人才安居计划，每年安排人才公寓。"), run_in_heading("为加快发展，特制定本办法。")
    ('支持人才集聚', None)
    """
    m = RUN_IN.match(plain(line))
    if not m or m.group(1).startswith(NOT_RUN_IN):
        return None
    return m.group(1)


def _expects_items(unit: _Unit) -> bool:
    return bool(unit.lines) and (unit.lines[-1].endswith(("：", ":")) or policy_level(unit.lines[-1]) is not None)


def _path_key(path: list[tuple[int, str]]) -> str:
    parts = []
    for _, text in path:
        marker = policy_level(text)
        st = STRUCT.match(text)
        if marker:
            parts.append(marker[1])
        elif st:
            parts.append(f"第{st.group(1)}{st.group(2)}")
        else:
            parts.append(re.sub(r"[\s#/]", "", text)[:16])
    return "/".join(parts)


def _parse_sections(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    path: list[tuple[int, str]] = []
    current: _Unit | None = None
    item_level = -1  # numbering level of the list items attached to `current`
    # run-in headings count only where the text is written that way (two or more such paragraphs)
    run_ins = sum(1 for l in lines if not policy_level(l) and run_in_heading(l)) >= 2
    for i, line in enumerate(lines):
        md = MD_HEADING.match(line)
        st = STRUCT.match(line)
        pol = policy_level(line)
        if md or (st and is_heading_like(line)) or (pol and _policy_heading(lines, i)):
            if md:
                level, text = len(md.group(1)), md.group(2)
            elif st:
                level, text = {"编": 1, "分编": 2, "章": 3, "节": 4}[st.group(2)], line
            else:
                level, text = 10 + pol[0], plain(line)
            path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
            current = None
            continue
        if pol:
            opens_list = current is not None and current.lines[-1].endswith(("：", ":"))
            if current is not None and pol[0] > current.level and (opens_list or pol[0] == item_level):
                current.lines.append(line)  # an item of the list the current paragraph introduced
                item_level = pol[0]
                continue
            # a numbered paragraph ("一、……。", catalogue item "12.……") is its own unit
            key = "/".join(p for p in (_path_key(path), pol[1]) if p)
            head = run_in_heading(plain(line)[len(pol[1]) :].lstrip())
            label = pol[1] + head if head else pol[1]  # 「一、加大财政支持。……」 is labelled 一、加大财政支持
            current = _Unit(label=label, key=key, path=tuple(t for _, t in path), level=pol[0])
            item_level = -1
            units.append(current)
            current.lines.append(line)
            continue
        head = run_in_heading(line) if run_ins and current is not None else None
        if head and not current.lines[-1].endswith(("：", ":")):
            # a paragraph led by its own heading is its own clause, addressed and labelled by that heading,
            # below the numbered paragraph it follows (（二）总体要求。… 坚持需求导向。…) or the current heading
            numbered = next((u for u in reversed(units) if u.level >= 0 and u.path == tuple(t for _, t in path)), None)
            base = numbered.key if numbered is not None and current in (numbered, *units[units.index(numbered):]) else _path_key(path)
            key = "/".join(p for p in (base, head) if p)
            current = _Unit(label=head, key=key, path=tuple(t for _, t in path))
            item_level = -1
            units.append(current)
            current.lines.append(line)
            continue
        if current is None:
            label = path[-1][1] if path else "前言"
            current = _Unit(label=label, key=_path_key(path) or "前言", path=tuple(t for _, t in path))
            item_level = -1
            units.append(current)
        current.lines.append(line)
    return [u for u in units if u.lines]


def clauses(doc: Document) -> list[Clause]:
    """The full clause tree, flattened: every unit, and for articles each 款 and 项."""
    out: list[Clause] = []
    seen: dict[str, int] = {}
    for unit in parse(doc):
        key = unit.key
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}~{seen[key]}"
        base = f"{doc.doc_id}#{key}"
        out.append(Clause(clause_id=base, article=unit.label, path=unit.path, text="\n".join(unit.lines)))
        out.extend(_sub_clauses(base, unit))
    return out


def _split_kuan(unit: _Unit) -> list[tuple[str, list[str]]]:
    """Paragraphs grouped into 款: each non-item paragraph opens a 款; item lines (项) follow it."""
    groups: list[tuple[str, list[str]]] = []
    open_item = False  # the last item is a heading-like line whose body follows in its own paragraphs
    for line in unit.lines:
        if policy_level(line) and groups:
            groups[-1][1].append(line)
            open_item = unit.is_article and is_heading_like(line)
        elif open_item:
            groups[-1][1][-1] += "\n" + line
        else:
            groups.append((line, []))
    return groups


def _sub_clauses(base: str, unit: _Unit) -> list[Clause]:
    groups = _split_kuan(unit)
    out: list[Clause] = []
    single = len(groups) == 1
    para = "款" if unit.is_article else "段"
    for k, (lead, items) in enumerate(groups, start=1):
        kuan = cid.sub_id(base, para, k)
        if not single or items:
            out.append(Clause(kuan, unit.label, unit.path, "\n".join([lead, *items])))
        for j, item in enumerate(items, start=1):
            item_id = cid.sub_id(base if single else kuan, "项", j)
            out.append(Clause(item_id, unit.label, unit.path, item, lead=lead))
    return out


def chunk(doc: Document, max_chars: int = MAX_CHUNK) -> list[Chunk]:
    """Index units: whole articles when short, else their 款 (and 项 when a 款 is still too long)."""
    pieces: list[Clause] = []
    tree = clauses(doc)
    children: dict[str, list[Clause]] = {}
    tops: list[Clause] = []
    top_at: dict[str, int] = {}  # clause id → position of its latest top: the parent lookup is one probe per 「第」
    for c in tree:
        cand = [top_at[c.clause_id[:m.start()]] for m in re.finditer("第", c.clause_id) if c.clause_id[:m.start()] in top_at]
        parent = tops[max(cand)] if cand else None  # the latest top whose id + 「第」 starts this one
        if parent is not None and c.article == parent.article and c.path == parent.path:
            children.setdefault(parent.clause_id, []).append(c)
        else:
            top_at[c.clause_id] = len(tops)
            tops.append(c)
    for top in tops:
        subs = children.get(top.clause_id, [])
        if len(top.text) <= max_chars or not subs:
            pieces.extend(_hard_split(top, max_chars))
            continue
        kuans = [s for s in subs if (r := cid.parse(s.clause_id)).para is not None and r.item is None and r.part is None]
        if len(kuans) <= 1:  # single 款 with items: lead-in paragraph, then each 项
            lead = top.text.split("\n", 1)[0]
            para = "款" if ARTICLE.match(plain(top.text)) or top.article.startswith("第") else "段"
            pieces.append(Clause(f"{top.clause_id}第一{para}", top.article, top.path, lead))
            pieces.extend(s for s in subs if s.clause_id.endswith("项"))
            continue
        for kuan in kuans:
            items = [s for s in subs if s.clause_id.startswith(kuan.clause_id + "第")]
            if len(kuan.text) <= max_chars or not items:
                pieces.extend(_hard_split(kuan, max_chars))
            else:
                pieces.append(Clause(kuan.clause_id, kuan.article, kuan.path, kuan.text.split("\n", 1)[0]))
                pieces.extend(items)
    return [
        Chunk(
            chunk_id=p.clause_id,
            doc_id=doc.doc_id,
            file=doc.file,
            title=doc.meta.title,
            doc_number=doc.meta.doc_number,
            article=p.article,
            path=p.path,
            text=p.text,
            lead=p.lead,
            ordinal=i,
            meta=doc.meta,
        )
        for i, p in enumerate(pieces)
    ]


def _hard_split(clause: Clause, max_chars: int) -> list[Clause]:
    """Last resort for a single over-long paragraph: cut at sentence ends, never across articles."""
    if len(clause.text) <= max_chars * 3 // 2:
        return [clause]
    sentences = [s[i:i + max_chars] for s in re.findall(r"[^。；！？\n]+[。；！？]?\n?", clause.text)
                 for i in range(0, len(s), max_chars)]  # a sentence with no end is cut at max_chars too
    parts: list[str] = []
    for s in sentences:
        if parts and len(parts[-1]) + len(s) <= max_chars:
            parts[-1] += s
        else:
            parts.append(s)
    parts = [p.strip("\n") for p in parts if p.strip()]
    return [Clause(f"{clause.clause_id}@{i}", clause.article, clause.path, part, clause.lead) for i, part in enumerate(parts, 1)]
