"""Web pages: the article text without the portal chrome, and the portal's info table as metadata hints.

Chrome goes by structure, not by a word list: nav/header/footer/aside/script/form elements; lines whose text is
mostly links or click controls (breadcrumbs, 打印/关闭, share bars, 字号 大中小); lines made only of short bracketed
controls; short text beside an image (二维码 「扫一扫」). The info table (索引号/发布机构/发文日期/文号, the
fields of the government-information-disclosure catalogue) becomes hints, not text.
"""

from __future__ import annotations

import re

from ..errors import LoadError
from .limits import LIMITS, html_depth

DROP = {"script", "style", "nav", "header", "footer", "noscript", "aside", "form", "button", "select", "iframe",
        "object", "template", "svg", "canvas", "head"}
BLOCK = {"p", "div", "li", "section", "article", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "pre", "dl", "dt", "dd", "center", "main", "body", "br", "hr", "td", "th", "caption", "tbody"}
HINT_LABELS = {"索引号": "index_no", "发布机构": "issuer", "发文机关": "issuer", "发文单位": "issuer",
               "成文日期": "issued", "发文日期": "issued", "发布日期": "issued", "印发日期": "issued",
               "文号": "doc_number", "发文字号": "doc_number"}
_LABEL_RE = re.compile(r"(" + "|".join(sorted(HINT_LABELS, key=len, reverse=True)) + r")\s*[:：]?\s*")
CONTROL_LINE = re.compile(r"^(\s*[【\[［〔][^】\]］〕]{1,10}[】\]］〕]\s*)+$")
_PUNCT = re.compile(r"[\s\W_>»›|/\\·•-]+")


def load_html(html: str, display: str) -> tuple[str, dict[str, str]]:
    depth = html_depth(html)
    if depth > LIMITS.max_html_depth:
        raise LoadError(display, f"HTML 嵌套层级过深（{depth} 层，上限 {LIMITS.max_html_depth}），已拒绝")
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(display, f"HTML 无法解析（{exc}）") from exc
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(el)
    for el in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() in DROP]:
        _remove(el)
    hints = _info_table(root)
    lines: list[str] = []
    _render(root, lines)
    return "\n".join(lines), hints


def _remove(el) -> None:
    """Drop an element but keep the text that followed it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _info_table(root) -> dict[str, str]:
    """The smallest elements holding two or more catalogue labels: read label → value, then drop them."""
    hints: dict[str, str] = {}
    candidates, seen = [], set()
    for el in root.iter():  # only near text that holds a label: bounded work on any tree
        if not isinstance(el.tag, str) or not (el.text and _LABEL_RE.search(el.text)):
            continue
        for anc in [el, *list(el.iterancestors())[:4]]:
            if id(anc) in seen or anc.tag in ("html", "body"):
                continue
            seen.add(id(anc))
            text = _text(anc)
            # label-dense: fields that start a cell or a 「标签：」 run, not prose that names one
            labels = len({m.group(1) for f in _fragments(anc) if (m := _LABEL_RE.match(f))})
            if labels >= 2 and len(text) <= 80 * labels:
                candidates.append(anc)
    ids = {id(c) for c in candidates}
    outer = [el for el in candidates if not any(id(a) in ids for a in el.iterancestors())]
    for el in outer:
        for key, value in _pairs(_fragments(el)):
            if value and len(value) <= 80 and key not in hints:
                hints[key] = value
        _remove(el)
    return hints


ANY_LABEL = re.compile(r"^([\u4e00-\u9fa5]{2,6})\s*[:：]\s*(.*)$")


def _fragments(el) -> list[str]:
    """Text runs of an element, split before inline 「××：」 labels."""
    return [f for t in el.itertext() if t.strip() for f in re.split(r"\s+(?=[\u4e00-\u9fa5]{2,6}\s*[:：])", t.strip())]


def _pairs(fragments: list[str]):
    """Label → value: inline (「索引号：…」) or the next cell after a label cell (「索引号」|「…」)."""
    pending = None
    for frag in fragments:
        known = _LABEL_RE.match(frag)
        if known:
            rest = frag[known.end():].strip(" ：:|")
            if rest:
                yield HINT_LABELS[known.group(1)], rest
                pending = None
            else:
                pending = HINT_LABELS[known.group(1)]
        elif pending:
            yield pending, frag.strip(" ：:|")
            pending = None


def _render(root, lines: list[str]) -> None:
    """Iterative walk (no recursion on deep trees): text runs into lines at block boundaries; each line records how
    much of its text sits in links/controls."""
    buf: list[tuple[str, bool]] = []  # (text, inside a link or control)
    has_image = [False]
    parents: dict = {}  # _near_image's cache

    def flush():
        text = "".join(t for t, _ in buf)
        text = re.sub(r"[ \t\u3000\xa0]+", " ", text).strip()
        linked = "".join(t for t, link in buf if link)
        buf.clear()
        image, has_image[0] = has_image[0], False
        if text and not _chrome(text, linked, image):
            lines.append(text)

    stack = [(root, False, False)]
    while stack:
        el, link, closing = stack.pop()
        if closing:
            if el.tag in BLOCK:
                flush()
            if el.tail:
                buf.append((el.tail, link))
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in BLOCK:
            flush()
            has_image[0] = _near_image(el, parents)
        if tag == "img":
            has_image[0] = True
        heading = re.fullmatch(r"h([1-6])", tag)
        if heading:
            text = _text(el)
            if text:
                lines.append("#" * int(heading.group(1)) + " " + text)
            if el.tail:
                buf.append((el.tail, link))
            continue
        if tag == "tr":
            cells = [_text(c) for c in el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if any(cells):
                lines.append(" | ".join(cells))
            if el.tail:
                buf.append((el.tail, link))
            continue
        inside = link or tag == "a" or el.get("onclick") is not None or "javascript:" in (el.get("href") or "")
        if el.text:
            buf.append((el.text, inside))
        stack.append((el, link, True))
        for child in reversed(list(el)):
            stack.append((child, inside, False))
    flush()


def _near_image(el, seen: dict | None = None) -> bool:
    """An image in the block itself or directly beside it (a QR code with 「扫一扫」 under it). `seen` caches the
    answer per parent, so thousands of sibling blocks cost one pass over their parent, not one each."""
    def has_img(node) -> bool:
        return any(isinstance(c.tag, str) and c.tag.lower() == "img" for c in node)

    parent = el.getparent()
    if parent is None:
        return has_img(el)
    if seen is None:
        return has_img(el) or has_img(parent)
    key = id(parent)
    if key not in seen:
        seen[key] = (parent, has_img(parent))  # the element is kept so its id is not reused
    return seen[key][1] or has_img(el)


def _chrome(text: str, linked: str, image: bool) -> bool:
    own = _PUNCT.sub("", text)
    links = _PUNCT.sub("", linked)
    if not own:
        return True
    if CONTROL_LINE.match(text):
        return True  # 【打印本页】【关闭窗口】, [大 中 小]
    if links and len(own) - len(links) <= max(6, len(own) * 0.2):
        return True  # breadcrumbs, link bars, 分享到 + icons, 字号 大 中 小 as links
    if re.fullmatch(r".{1,8}[:：]", text):
        return True  # a label left without its (removed) control: 分享到：
    if image and len(own) <= 20:
        return True  # 扫一扫 beside a QR code
    return False
