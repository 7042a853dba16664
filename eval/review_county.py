"""Review on real local policies: the labelled county policies (../shared/eval/county-policies) and the lawful-looking
articles of the 柳河/临港 policies in ../shared/corpus.

    .venv/bin/python eval/review_county.py [--shared ../shared] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.review.draft import DraftClause, split

LOCAL = ("liuhe-", "shanghai-lingang-")


def county_units(folder: Path) -> list[dict]:
    """Each labelled article with its text: a unit starts at the line that begins with the next labelled token."""
    labels = [json.loads(l) for l in (folder / "labels.jsonl").open(encoding="utf-8") if l.strip()]
    by_file: dict[str, list[dict]] = defaultdict(list)
    for r in labels:
        by_file[r["file"]].append(r)
    out = []
    for name, rows in by_file.items():
        lines = [l.strip() for l in (folder / name).read_text(encoding="utf-8").splitlines()[1:] if l.strip()]
        texts: dict[int, list[str]] = defaultdict(list)
        cur, nxt = (0 if rows[0]["article"] == "（序言）" else -1), (1 if rows[0]["article"] == "（序言）" else 0)
        for line in lines:
            if nxt < len(rows) and line.startswith(rows[nxt]["article"]):
                cur, nxt = nxt, nxt + 1
            if cur >= 0 and not line.startswith("#"):
                texts[cur].append(line)
        for i, r in enumerate(rows):
            out.append({**r, "text": "\n".join(texts[i])})
    return out


def articles_of(findings) -> set[str]:
    return {a for f in findings for a in f.articles}


def main(argv=None) -> int:
    from assistant.review.service import build_detector

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
    det = build_detector(args.shared / "eval" / "cases-dev.jsonl")
    units = county_units(args.shared / "eval" / "county-policies")
    tp = fp = viol = lawful = right = right_item = 0
    per_item: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # labelled 条例 item: [articles, flagged, item cited]
    misses, falses = [], []
    for u in units:
        fs = det.review_clause(DraftClause(1, u["article"], u["text"]))
        got = {re.sub(r"第[^第]+项$", "", a) for a in articles_of(fs) if a.startswith("公平竞争审查条例第")}
        want = {re.sub(r"第[^第]+项$", "", a) for a in u["articles"] if a.startswith("公平竞争审查条例第")}
        if u["label"] == "violation":
            viol += 1
            tp += bool(fs)
            right += bool(fs) and bool(got & want)
            cited = articles_of(fs)
            right_item += bool(fs) and bool(cited & {a for a in u["articles"] if a.startswith("公平竞争审查条例第")})
            for a in u["articles"]:
                if a.startswith("公平竞争审查条例第"):
                    row = per_item[a]
                    row[0] += 1
                    row[1] += bool(fs)
                    row[2] += a in cited
            if not fs:
                misses.append((u["file"], u["article"], u["level"]))
        else:
            lawful += 1
            fp += bool(fs)
            if fs:
                falses.append((u["file"], u["article"], [f.standard for f in fs]))
    local_flags = []
    n_local = 0
    for p in sorted((args.shared / "corpus").glob("*.md")):
        if not p.name.startswith(LOCAL):
            continue
        d = split(p.read_text(encoding="utf-8"), p.name)
        for c in d.clauses:
            n_local += 1
            fs = det.review_clause(c)
            if fs:
                local_flags.append((p.name, c.label, [f.standard for f in fs], c.text[:80]))
    res = {"county": {"violations": viol, "recall": round(tp / max(viol, 1), 3), "right_article": round(right / max(tp, 1), 3),
                      "right_item": round(right_item / max(tp, 1), 3),
                      "per_item": {a: {"labelled": r[0], "recall": round(r[1] / r[0], 3), "item_cited": round(r[2] / r[0], 3)}
                                   for a, r in sorted(per_item.items())},
                      "lawful": lawful, "false_flags": fp, "false_flag_rate": round(fp / max(lawful, 1), 3),
                      "misses": misses, "false_flagged": falses},
           "local_corpus": {"clauses": n_local, "flagged": len(local_flags)}}
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if args.show:
        for row in local_flags:
            print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
