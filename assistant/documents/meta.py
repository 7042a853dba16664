"""Document metadata: parsed from the text, overridden by MANIFEST.tsv, overridden by YAML front matter."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import yaml

from ..errors import LoadError
from .model import DocMeta

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DATE = r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?"
DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fa5]{1,12}〔\d{4}〕\d+号"
    r"|[\u4e00-\u9fa5]{1,12}\[\d{4}\]\d+号"
    r"|(?:国务院|国家[\u4e00-\u9fa5]{2,12}|[\u4e00-\u9fa5]{2,10}部)令第\d+号"
    r"|中华人民共和国主席令第[\u4e00-\u9fa5\d]+号)"
)
KINDS = {"law", "regulation", "rule", "negative_list", "catalog", "local_policy", "notice"}
LEVELS = {"national", "provincial", "municipal", "county", "park"}
META_FIELDS = set(DocMeta.__dataclass_fields__)


def iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def parse_dates(value: str) -> dict[str, str]:
    """'2024-06-06公布；2024-08-01施行' → published/effective; handles 至, 起执行, 暂定N年, 废止, 政策期限."""
    out: dict[str, str] = {}
    value = re.sub(r"[（(][^）)]*(?:转载|标注|公开|来源|据)[^）)]*[)）]", "", value)
    if not re.search(DATE, value):
        month = re.search(r"(\d{4})-(\d{1,2})(?!\d)\s*(公布|发布|公开|印发)", value)
        if month:
            out["published"] = iso(month.group(1), month.group(2), "1")
    for match in re.finditer(DATE + r"\s*(公布|发布|通过|修正|修订|印发|施行|起施行|起执行|执行|起)?", value):
        day = iso(*match.group(1, 2, 3))
        verb = match.group(4) or ""
        if "施行" in verb or "执行" in verb or verb == "起":
            out.setdefault("effective", day)
        elif verb:
            out.setdefault("published", day)
        else:
            out.setdefault("published", day)
    span = re.search(DATE + r"\s*至\s*" + DATE, value)
    if span:
        out["effective"] = iso(*span.group(1, 2, 3))
        out["expires"] = iso(*span.group(4, 5, 6))
    years = re.search(r"(?:期限|年限)\s*(\d{4})\s*[-—–至]\s*(\d{4})", value)
    if years:
        out.setdefault("effective", f"{years.group(1)}-01-01")
        out["expires"] = f"{years.group(2)}-12-31"
    trial = re.search(r"暂定([一二三四五六七八九十\d]+)年", value)
    if trial and "effective" in out:
        n = int(trial.group(1)) if trial.group(1).isdigit() else CN_DIGITS.get(trial.group(1), 0)
        y, m, d = (int(x) for x in out["effective"].split("-"))
        out["expires"] = f"{y + n - 1 if (m, d) == (1, 1) else y + n:04d}-{12 if (m, d) == (1, 1) else m:02d}-{31 if (m, d) == (1, 1) else d:02d}"
    return out


def from_text(text: str, file: str) -> DocMeta:
    """Best-effort metadata from the document itself."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title = Path(file).stem
    for line in lines[:5]:
        if line.startswith("# "):
            title = line[2:].strip()
            break
    else:
        from .parse import ARTICLE, policy_level

        if lines and len(lines[0]) <= 60 and not ARTICLE.match(lines[0]) and not policy_level(lines[0]):
            title = lines[0].lstrip("# ").strip()
    head = "\n".join(lines[:15])
    number = next((m for l in lines[:8] if len(l) <= 40 and (m := DOC_NUMBER.search(l))), None)
    dates: dict[str, str] = {}
    eff = re.search(r"自\s*" + DATE + r"\s*起(?:施行|执行)", text)
    if eff:
        dates["effective"] = iso(*eff.group(1, 2, 3))
    pub = re.search(r"[（(]\s*" + DATE + r"\s*[)）]", head)
    if pub:
        dates["published"] = iso(*pub.group(1, 2, 3))
    if "effective" not in dates and "published" in dates and re.search(r"自(?:印发|发布)之日起(?:施行|执行)", text):
        dates["effective"] = dates["published"]
    span = re.search(r"(?:暂定|有效期(?:为)?)\s*([一二三四五六七八九十\d]+)\s*年", text)
    start = dates.get("effective") or dates.get("published")
    if span and start:
        n = int(span.group(1)) if span.group(1).isdigit() else CN_DIGITS.get(span.group(1), 0)
        y, m, d = (int(x) for x in start.split("-"))
        from datetime import date, timedelta

        dates["expires"] = (date(y + n, m, min(d, 28) if m == 2 else d) - timedelta(days=1)).isoformat()
    sample = "示例" in head
    return DocMeta(title=title, doc_number=number.group(1) if number else None, sample=sample, **dates)


def infer(meta: DocMeta) -> DocMeta:
    """Fill level, region and kind from title and issuer when not given."""
    if meta.effective and meta.published and meta.effective < meta.published:
        meta = replace(meta, effective=meta.published)  # this text version is in force from its amendment
    who = re.sub(r"中共[\u4e00-\u9fa5]{2,8}?委员?会?", "", f"{meta.issuer or ''} {meta.title}")
    level = meta.level
    if level is None:
        if re.search(r"临港|开发区|园区|示范区|新区管委会|高新区", who):
            level = "park"
        elif re.search(r"[\u4e00-\u9fa5]{1,6}县|[\u4e00-\u9fa5]{1,4}区人民政府", who):
            level = "county"
        elif re.search(r"(?<!全国)[\u4e00-\u9fa5]{2,6}省", who) and "人民代表大会" not in who:
            level = "provincial"
        elif re.search(r"上海市|北京市|天津市|重庆市", who):
            level = "provincial"
        elif re.search(r"[\u4e00-\u9fa5]{2,6}市", who) and not re.search(r"市场|城市", who):
            level = "municipal"
        else:
            level = "national"
    region = meta.region
    if region is None:
        if level == "national":
            region = "全国"
        else:
            region = _region(who)
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
    return replace(meta, level=level, region=region, kind=kind)


PROVINCES = (
    "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 湖北省 "
    "湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 广西壮族自治区 西藏自治区 "
    "宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
).split()


def _region(who: str) -> str | None:
    """Province + city/county + park, outermost first: 吉林省柳河县, 上海市临港地区."""
    parts: list[str] = []
    for prov in PROVINCES:
        if prov in who or prov[:2] + "（" in who:
            parts.append(prov)
            break
    for m in re.finditer(r"([\u4e00-\u9fa5]{2,3}?(?:市|县|区))(?!场)", who):
        name = m.group(1)
        if name in parts or any(name in p for p in parts) or name.endswith(("城区", "地区", "园区", "示范区", "开发区")):
            continue
        if name[:-1] in ("城", "本", "地", "该", "辖"):
            continue
        parts.append(name)
    park = re.search(r"(临港地区|[\u4e00-\u9fa5]{2,8}(?:开发区|示范区|高新区|园区|新区))", who)
    if park and park.group(1) not in parts:
        parts.append(park.group(1))
    return "".join(dict.fromkeys(parts)) or None


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
        if key == "level" and value not in LEVELS:
            raise LoadError(display, f"元数据字段 level 取值无效：{value!r}（可选 {', '.join(sorted(LEVELS))}）")
        clean[key] = value if key == "sample" else str(value)
    return replace(base, **clean)
