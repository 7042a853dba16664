"""Document metadata: parsed from the text, overridden by MANIFEST.tsv, overridden by YAML front matter."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import yaml

from ..errors import LoadError
from .dates import parse_dates, text_dates
from .model import DocMeta
from ..vocab.labels import KINDS, LEVELS
from .region import issuer_of, region_and_level

DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fa5]{1,12}〔\d{4}〕\d+号"
    r"|[\u4e00-\u9fa5]{1,12}\[\d{4}\]\d+号"
    r"|(?:国务院|国家[\u4e00-\u9fa5]{2,12}|[\u4e00-\u9fa5]{2,10}部|[\u4e00-\u9fa5]{2,12}人民政府)令第\d+号"
    r"|中华人民共和国主席令第[\u4e00-\u9fa5\d]+号)"
)
META_FIELDS = set(DocMeta.__dataclass_fields__)
# Chinese level words as manifests write them (县级市, 地级（盟）, 开发区/园区) → level codes
LEVEL_WORDS = [("park", r"开发区|园区|新区|功能区"), ("county", r"县|市辖区|^区$|旗"), ("municipal", r"地级|盟|州|地区|^市$"),
               ("provincial", r"省|自治区|直辖市"), ("national", r"国家|全国|中央")]


def level_from_words(value: str) -> str | None:
    """A level code from a code or a Chinese level word.

    >>> level_from_words("县级市"), level_from_words("地级（盟）"), level_from_words("市辖区级功能区（新区）"), level_from_words("county")
    ('county', 'municipal', 'park', 'county')
    """
    if value in LEVELS:
        return value
    return next((code for code, words in LEVEL_WORDS if re.search(words, value)), None)


def _title(lines: list[str], file: str) -> str:
    """Word Title / <h1> / the first title line; never a chapter heading (第一章 总则) or an article."""
    from .parse import ARTICLE, STRUCT, policy_level

    for line in lines[:5]:
        if line.startswith("# ") and not STRUCT.match(line[2:].strip()):
            return line[2:].strip()
    for i, line in enumerate(lines[:3]):
        bare = line.lstrip("# ").strip()
        if STRUCT.match(bare) or ARTICLE.match(bare) or policy_level(bare) or len(bare) > 60 or re.search(r"[。；：:]$", bare):
            break
        nxt = lines[i + 1].lstrip("# ").strip() if i + 1 < len(lines) else ""
        if nxt.startswith("关于") and len(nxt) <= 60 and not re.search(r"[。；]$", nxt):
            return bare + nxt if issuer_of(bare + nxt, "") else nxt  # 「××人民政府」over 「关于…的通知」
        if re.search(r"[\u4e00-\u9fa5]", bare):
            return bare
    return Path(file).stem


HINT_FIELDS = {"title": "title", "issuer": "issuer", "doc_number": "doc_number", "issued": "published",
               "published": "published", "index_no": "index_no"}


def from_text(text: str, file: str, hints: dict | None = None) -> DocMeta:
    """Best-effort metadata from the document itself; `hints` (a portal's info table: index_no, issuer, issued,
    doc_number) win over what the text suggests."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title = _title(lines, file)
    head = "\n".join(lines[:8])
    number = next((m.group(1) for l in lines[:8] if len(l) <= 40 and (m := DOC_NUMBER.search(l))), None)
    if number is None and (m := DOC_NUMBER.search(re.sub(r"\s+", "", head))) and "令第" in m.group(1):
        number = m.group(1)  # 发布令: 「××人民政府令」 and 「第29号」 on two lines
    fields: dict = {"title": title, "doc_number": number, "issuer": issuer_of(title, text), **text_dates(text)}
    for key, value in (hints or {}).items():
        if key in HINT_FIELDS and value:
            value = str(value).strip()
            fields[HINT_FIELDS[key]] = (parse_dates(value).get("published") or value) if key in ("issued", "published") else value
    region, level = region_and_level(fields["issuer"], fields["title"], text)
    if region or level:
        fields.update(region=region, level=level)
    return DocMeta(sample="示例" in "\n".join(lines[:15]), **{k: v for k, v in fields.items() if v is not None})


def infer(meta: DocMeta) -> DocMeta:
    """Fill level, region and kind from title and issuer when not given."""
    if meta.effective and meta.published and meta.effective < meta.published:
        meta = replace(meta, effective=meta.published)  # this text version is in force from its amendment
    who = re.sub(r"中共[\u4e00-\u9fa5]{2,8}?委员?会?", "", f"{meta.issuer or ''} {meta.title}")
    level, region = meta.level, meta.region
    found_region, found_level = region_and_level(meta.issuer, meta.title, "")
    if region and found_region and region != found_region and region in found_region:
        region = found_region  # 柳河县 from the text, 吉林省柳河县 from a manifest's issuer
    if level is None or region is None:
        if re.search(r"临港|开发区|园区|示范区|新区管委会|高新区", who) and level is None:
            found_level = "park"
        if found_level is None and re.search(r"(?<!全国)[\u4e00-\u9fa5]{2,6}(?:省|自治区)", who) and "人民代表大会" not in who:
            found_level = "provincial"
        level = level or found_level or "national"
        region = region or ("全国" if level == "national" else found_region)
    kind = meta.kind
    if kind is None:
        t = meta.title
        if "负面清单" in t:
            kind = "negative_list"
        elif "目录" in t:
            kind = "catalog"
        elif level in ("county", "park", "municipal", "provincial") and re.search(r"意见|措施|政策|办法|细则|方案|通知", t):
            kind = "local_policy"
        elif re.search(r"法(（\d{4}年修[正订]）)?$", t) and "办法" not in t:
            kind = "law"
        elif "条例" in t:
            kind = "regulation"
        elif re.search(r"办法|规定|细则", t):
            kind = "rule"
        else:
            kind = "notice"
    expires = meta.expires or plan_end(meta.title)
    return replace(meta, level=level, region=region, kind=kind, expires=expires)


PLAN_SPAN = re.compile(r"(?:规划|方案|计划|纲要)[^）)]{0,12}[（(]\s*(\d{4})\s*[-—–~至到]\s*(\d{4})\s*年?\s*[）)]|[（(]\s*(\d{4})\s*[-—–~至到]\s*(\d{4})\s*年?\s*[）)]\s*$")


def plan_end(title: str) -> str | None:
    """A plan's period in its title — 《…行动方案（2015-2020）》 — ends its validity on the last day of the last year.

    >>> plan_end("推动建设国际智能制造中心——临港行动方案（2015-2020）")
    '2020-12-31'
    >>> plan_end("公平竞争审查条例") is None
    True
    """
    m = PLAN_SPAN.search(title or "")
    if not m:
        return None
    start, end = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{end}-12-31" if start < end else None


def read_manifest(folder: Path) -> dict[str, dict]:
    """MANIFEST.tsv beside the files: file → overrides (title, issuer, doc_number, date, kind, level, region)."""
    path = folder / "MANIFEST.tsv"
    if not path.exists():
        return {}
    rows: dict[str, dict] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name = (row.get("file") or "").strip()
            if not name:
                continue
            over: dict = {}
            for key in ("title", "issuer", "kind", "level", "region"):
                value = (row.get(key) or "").strip()
                if key == "level":
                    value = level_from_words(value) or value
                if value:
                    over[key] = value
            number = (row.get("doc_number") or "").strip()
            if number and not number.startswith("("):  # "(令号未见于来源)" means unknown
                over["doc_number"] = re.sub(r"[（(].*?[)）]$", "", number).strip() or number
            for key in ("published", "effective", "repealed", "expires"):
                if (row.get(key) or "").strip():
                    over[key] = row[key].strip()
            over.update({k: v for k, v in parse_dates(row.get("date") or "").items() if k not in over})
            rows[name] = over
    return rows


def split_front_matter(text: str, display: str) -> tuple[dict, str]:
    """YAML front matter between leading '---' lines; returns (fields, remaining text)."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        raise LoadError(display, "YAML 头部缺少结束行 ---")
    from .safe_yaml import safe_load

    try:
        data = safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 2} 行" if mark else ""
        raise LoadError(display, f"YAML 头部格式错误{where}：{getattr(exc, 'problem', exc)}") from exc
    except ValueError as exc:  # a bad date such as 2024-13-45, or the size limit
        raise LoadError(display, f"YAML 头部无效：{exc}") from exc
    if not isinstance(data, dict):
        raise LoadError(display, "YAML 头部必须是键值对")
    return data, text[end + 4 :].lstrip("\n")


def merge(base: DocMeta, overrides: dict, display: str) -> DocMeta:
    clean: dict = {}
    for key, value in overrides.items():
        key = HINT_FIELDS.get(key, key)  # a portal's 发文日期 arrives as `issued`
        if key == "date":
            clean.update(parse_dates(str(value)))
            continue
        if key not in META_FIELDS:
            continue
        if value is None:
            clean[key] = None
            continue
        value = value.isoformat() if hasattr(value, "isoformat") else value
        if key in ("published", "effective", "repealed", "expires"):
            parsed = parse_dates(str(value))
            value = parsed.get("published") or parsed.get("effective")
            if value is None:
                raise LoadError(display, f"元数据字段 {key} 不是有效日期：{overrides[key]!r}")
        if key == "kind" and value not in KINDS:
            raise LoadError(display, f"元数据字段 kind 取值无效：{value!r}（可选 {', '.join(sorted(KINDS))}）")
        if key == "level":
            value = level_from_words(str(value)) or value
        if key == "level" and value not in LEVELS:
            raise LoadError(display, f"元数据字段 level 取值无效：{value!r}（可选 {', '.join(sorted(LEVELS))}）")
        clean[key] = value if key == "sample" else str(value)
    return replace(base, **clean)
