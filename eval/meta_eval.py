"""Metadata and structure from the text alone, on real local policies (dev data, never the blind set).

    python eval/meta_eval.py [--shared ../shared] [--json]

- Metadata: title, region, level, issuer and dates as read from each file's text (no MANIFEST, no overlay) on the
  12 county policies of shared/eval/county-policies and the 10 local policies of shared/corpus. Gold titles, regions
  and levels come from the MANIFESTs; issuers and dates are those the text itself states (None where it states none).
  A region is right when it names the gold's most specific unit and nothing the gold does not hold.
- Structure: every labelled article in county-policies/labels.jsonl must be addressable by its own clause id.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.documents.load import read_text
from assistant.documents.meta import (
    from_text,
    infer,
    level_from_words,
    split_front_matter,
)
from assistant.documents.model import Document
from assistant.documents.parse import clauses
from assistant.documents.region import _units
from assistant.vocab import clause_id

LIUHE = "吉林省柳河县"
LINGANG = "上海市临港地区"
LG = "上海市临港地区开发建设管理委员会"
# file → (key unit of the region, issuer stated in the text, dates stated in the text)
COUNTY = {
    "guizhou-panxian-zhaoshang-youhui-banfa.md": ("盘县", None, {}),
    "yunnan-yanshan-zhaoshang-youhui-zhengce-2011.md": ("砚山县", None, {}),
    "neimenggu-xilinhaote-zhaoshang-youhui-zhengce.md": ("锡林浩特市", None, {}),
    "sichuan-neijiang-zhaoshang-youhui-guiding-2005.md": ("内江市", "内江市人民政府", {"published": "2005-03-21", "effective": "2005-04-01"}),
    "henan-xinyang-yangshan-jingkaiqu-zhaoshang-youhui.md": ("羊山新区", None, {}),
    "heilongjiang-daxinganling-zhaoshang-youhui-2010.md": ("大兴安岭地区", None, {}),
    "xinjiang-shawan-guli-touzi-youhui-2014.md": ("沙湾县", "中共沙湾县委办公室", {"published": "2014-03-29", "effective": "2014-03-29"}),
    "jiangxi-lushan-zhaoshang-yijian.md": ("庐山市", None, {}),
    "guangdong-shenzhen-dapeng-zhaoshang-cuoshi.md": ("大鹏新区", None, {}),
    "neimenggu-xinganmeng-zhaoshang-youhui-2022.md": ("兴安盟", None, {}),
    "anhui-changfeng-chanye-shengji-zhengce-2018.md": ("长丰县", None, {}),
    "zhejiang-xiaoshan-chuangxin-qiangqu-zhengce.md": ("萧山区", None, {}),
}
# corpus local policies: file → (title, region, key unit, level, issuer, dates)
CORPUS = {
    "liuhe-county-key-industries-opinions-earlier.md": ("柳河县加快重点产业发展实施意见（较早版本，正文节选）", LIUHE, "柳河县", "county", None, {}),
    "liuhe-county-key-industries-support-opinions-2023.md": (
        "中共柳河县委 柳河县人民政府关于支持重点产业加快发展的实施意见", LIUHE, "柳河县", "county", "中共柳河县委、柳河县人民政府",
        {"published": "2023-02-08", "effective": "2023-02-08", "expires": "2026-02-07"}),
    "liuhe-county-tourism-development-opinions-2019.md": ("柳河县加快旅游业发展的若干意见", LIUHE, "柳河县", "county", None,
                                                          {"effective": "2019-01-01", "expires": "2021-12-31"}),
    "shanghai-lingang-dual-special-policy-opinions-2016.md": (
        "上海市人民政府关于深化完善“双特”政策支持临港地区新一轮发展的若干意见", LINGANG, "临港地区", "park", "上海市人民政府",
        {"effective": "2016-01-01", "expires": "2018-12-31"}),
    "shanghai-lingang-industry-supporting-policies-2016.md": ("关于实施《临港地区新一轮“双特”产业配套政策》的通知", LINGANG, "临港地区", "park",
                                                              LG, {"effective": "2016-01-01", "expires": "2018-12-31"}),
    "shanghai-lingang-intelligent-manufacturing-action-plan-2015-2020.md": (
        "推动建设国际智能制造中心——上海建设具有全球影响力科技创新中心临港行动方案（2015-2020）", LINGANG, "临港地区", "park", None, {}),
    "shanghai-lingang-intelligent-manufacturing-supporting-policies.md": ("关于建设国际智能制造中心的若干配套政策", LINGANG, "临港地区", "park", LG,
                                                                          {"effective": "2016-01-01", "expires": "2020-12-31"}),
    "shanghai-lingang-talent-apartment-interim-measures.md": ("上海市临港主城区人才公寓管理暂行办法", LINGANG, "临港地区", "park", LG,
                                                              {"effective": "2016-01-01", "expires": "2017-12-31"}),
    "shanghai-lingang-talent-rent-subsidy-rules-trial.md": ("上海市临港地区人才租房补贴实施细则（试行）", LINGANG, "临港地区", "park", LG,
                                                            {"effective": "2016-01-01", "expires": "2017-12-31"}),
    "shanghai-sci-tech-innovation-center-opinions-22-articles-2015.md": (
        "中共上海市委 上海市人民政府关于加快建设具有全球影响力的科技创新中心的意见", "上海市", "上海市", "provincial", "中共上海市委、上海市人民政府", {}),
}
FIELDS = ("title", "region", "level", "issuer", "dates")


def _doc(path: Path) -> Document:
    _, body = split_front_matter(read_text(path, path.name), path.name)
    meta = infer(from_text(body, path.name))
    return Document(path.stem, path.name, "", body, meta)


def region_ok(got: str | None, gold: str, key: str) -> bool:
    return bool(got) and key in got and all(u in gold for u in _units(got))


def check(doc: Document, gold: dict) -> dict[str, bool]:
    m = doc.meta
    dates = {k: v for k, v in (("published", m.published), ("effective", m.effective), ("expires", m.expires)) if v}
    return {"title": m.title == gold["title"], "region": region_ok(m.region, gold["region"], gold["key"]),
            "level": m.level == gold["level"], "issuer": m.issuer == gold["issuer"], "dates": dates == gold["dates"]}


def gold_rows(shared: Path) -> list[tuple[Path, dict]]:
    rows = []
    folder = shared / "eval" / "county-policies"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            key, issuer, dates = COUNTY[r["file"]]
            rows.append((folder / r["file"], {"title": r["title"], "region": r["region"], "key": key,
                                              "level": level_from_words(r["level"]), "issuer": issuer, "dates": dates}))
    for name, (title, region, key, level, issuer, dates) in CORPUS.items():
        rows.append((shared / "corpus" / name, {"title": title, "region": region, "key": key, "level": level,
                                                "issuer": issuer, "dates": dates}))
    return rows


def addressable(shared: Path) -> tuple[int, int, list[str]]:
    """Labelled articles reachable by their own clause id (an article id, or a unit labelled by its number)."""
    folder = shared / "eval" / "county-policies"
    trees = {}
    ok, total, misses = 0, 0, []
    for line in (folder / "labels.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        if r["file"] not in trees:
            trees[r["file"]] = clauses(_doc(folder / r["file"]))
        tree, token = trees[r["file"]], r["article"]
        total += 1
        if token == "（序言）":
            hit = any(clause_id.parse(c.clause_id).unit in ("序言", "前言") for c in tree)
        elif token.startswith("第"):
            hit = any(c.clause_id.endswith("#" + clause_id.normalise_key(token)) for c in tree)
        else:
            hit = any(clause_id.parse(c.clause_id).unit.split("/")[-1] == token for c in tree)
        ok += hit
        if not hit:
            misses.append(f"{r['file']} {token}")
    return ok, total, misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    per_field = dict.fromkeys(FIELDS, 0)
    docs_right, wrong = 0, []
    rows = gold_rows(args.shared)
    for path, gold in rows:
        doc = _doc(path)
        res = check(doc, gold)
        for f in FIELDS:
            per_field[f] += res[f]
        docs_right += all(res.values())
        for f in FIELDS:
            if not res[f]:
                m = doc.meta
                got = {"dates": {"published": m.published, "effective": m.effective, "expires": m.expires}}.get(f, getattr(m, f, None))
                wrong.append(f"{path.name} {f}: {got!r} ≠ {gold['key' if f == 'region' else f]!r}")
    ok, total, misses = addressable(args.shared)
    report = {"documents": len(rows), "all_fields_right": docs_right, "fields": per_field,
              "labelled_articles_addressable": f"{ok}/{total}", "wrong": wrong, "not_addressable": misses}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"元数据全部正确：{docs_right}/{len(rows)} 份；" + "，".join(f"{f} {n}/{len(rows)}" for f, n in per_field.items()))
        print(f"标注条款可按编号定位：{ok}/{total}")
        for w in wrong + misses:
            print("  ✗", w)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
