"""Format fidelity on real county policies (shared/eval/county-policies): each policy rendered as a noisy skewed
scan, a hard-wrapped text PDF, .doc (LibreOffice), OFD and a GBK portal page, then loaded back.

Reports per format: character accuracy vs the source text (1 − CER, whitespace ignored), and the share of labelled
articles (labels.jsonl) still addressable after loading — the clause labels parse finds in the source are found
again. Portal pages also check the info-table hints. Fixtures go to a tmp dir.

    python eval/formats_eval.py [--formats scan,text_pdf,doc,ofd,html] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FORMATS = ("scan", "text_pdf", "doc", "ofd", "html")


def articles(text: str, name: str) -> set[str]:
    from assistant.documents.model import DocMeta, Document
    from assistant.documents.parse import clauses

    doc = Document(doc_id=name, file=name, sha256="", text=text, meta=DocMeta(title=""))
    return {c.article for c in clauses(doc)}


def render(fmt: str, policy, folder: Path) -> Path:
    from assistant.evaluate import format_fixtures as fx

    if fmt == "scan":
        return fx.scan_pdf(policy, folder / f"{policy.name}.pdf", seed=len(policy.name))
    if fmt == "text_pdf":
        return fx.text_pdf(policy, folder / f"{policy.name}.pdf")
    if fmt == "doc":
        return fx.doc_file(policy, folder / f"{policy.name}.doc")
    if fmt == "ofd":
        return fx.ofd_file(policy, folder / f"{policy.name}.ofd")
    return fx.portal_html(policy, folder / f"{policy.name}.html")


def evaluate(shared: Path, formats: tuple[str, ...], limit: int | None = None) -> dict:
    from assistant.documents.load import load_file
    from assistant.documents.meta import split_front_matter
    from assistant.evaluate.format_fixtures import PORTAL_INFO, char_accuracy, read_policy

    folder = shared / "eval" / "county-policies"
    labelled = defaultdict(set)
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labelled[row["file"]].add(row["article"])
    files = sorted(p for p in folder.glob("*.md") if p.name in labelled)[:limit]
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="formats-eval-") as tmp:
        for fmt in formats:
            rows = []
            for src in files:
                policy = read_policy(src)
                want_articles = articles(split_front_matter(src.read_text(encoding="utf-8"), src.name)[1], src.name)
                sub = Path(tmp) / fmt
                sub.mkdir(exist_ok=True)
                t = time.perf_counter()
                try:
                    path = render(fmt, policy, sub)
                    loaded = load_file(path, path.name)
                except Exception as exc:  # one failure is a row, not the end of the run
                    rows.append({"file": src.name, "error": str(exc)})
                    continue
                got = articles(loaded.text, src.name)
                want = {a for a in labelled[src.name] if a in want_articles}
                row = {"file": src.name, "seconds": round(time.perf_counter() - t, 2),
                       "char_accuracy": round(char_accuracy(loaded.text, policy.plain), 4),
                       "labelled": len(want), "labelled_found": len(want & got),
                       "missing": sorted(want - got)}
                if fmt == "html":
                    row["hints_right"] = sum(loaded.hints.get(k) == v for k, v in
                                             zip(("index_no", "issuer", "issued", "doc_number"), PORTAL_INFO.values()))
                    row["chrome_left"] = [w for w in ("打印", "关闭窗口", "当前位置", "分享到", "扫一扫", "字号", "版权所有")
                                          if w in loaded.text]
                rows.append(row)
            ok = [r for r in rows if "error" not in r]
            total_lab = sum(r["labelled"] for r in ok)
            out[fmt] = {
                "files": len(rows), "errors": [r for r in rows if "error" in r],
                "char_accuracy_mean": round(sum(r["char_accuracy"] for r in ok) / max(1, len(ok)), 4),
                "char_accuracy_min": min((r["char_accuracy"] for r in ok), default=0),
                "labelled_articles_found": f"{sum(r['labelled_found'] for r in ok)}/{total_lab}",
                "rows": rows,
            }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    result = evaluate(args.shared, tuple(f for f in args.formats.split(",") if f), args.limit)
    for fmt, r in result.items():
        print(f"{fmt:8s} 文件 {r['files']}，错误 {len(r['errors'])}，字符正确率 平均 {r['char_accuracy_mean']:.4f} "
              f"最低 {r['char_accuracy_min']:.4f}，标注条款可寻址 {r['labelled_articles_found']}")
        for row in r["rows"]:
            if row.get("error") or row.get("missing") or row.get("chrome_left") or row.get("char_accuracy", 1) < 0.98 \
                    or row.get("hints_right", 4) < 4:
                print("   ", json.dumps(row, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
