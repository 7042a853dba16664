"""Render a Markdown policy into the formats county offices publish, for tests and eval/formats_eval.py:
a noisy skewed scan (PDF or PNG), a hard-wrapped text PDF with extraction spacing, .docx, .doc (LibreOffice),
OFD (a minimal valid GB/T 33190 package) and a GBK portal page with chrome and an info table.

Everything is generated into a directory the caller gives (a tmp dir); nothing is stored in the repository.
"""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


@dataclass(frozen=True)
class Policy:
    name: str  # file stem
    title: str
    blocks: tuple[tuple[int, str], ...]  # (heading level or 0, text)

    @property
    def plain(self) -> str:
        return "\n".join([self.title] + [t for _, t in self.blocks])


def read_policy(path: Path) -> Policy:
    lines = [l.strip() for l in Path(path).read_text(encoding="utf-8").splitlines() if l.strip()]
    title, blocks = Path(path).stem, []
    for line in lines:
        m = re.match(r"^(#{1,6})\s*(.+)$", line)
        if m and len(m.group(1)) == 1 and title == Path(path).stem:
            title = m.group(2).strip()
        elif m:
            blocks.append((len(m.group(1)), m.group(2).strip()))
        else:
            blocks.append((0, line.replace("**", "")))
    return Policy(Path(path).stem, title, tuple(blocks))


def _wrap(text: str, font, width: float, first_indent: float = 0) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if font.getlength(cur + ch) > width - (0 if lines else first_indent) and cur:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + ([cur] if cur else [])


def scan_pages(policy: Policy, seed: int = 0, skew: float = 0.7, noise: float = 12.0, dpi: int = 150, min_pages: int = 0):
    """PIL page images of a printed-then-scanned policy: 仿宋-like serif, indented paragraphs, 「— n —」 page numbers,
    gaussian noise, specks and a slight rotation."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rnd = random.Random(seed)
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    size = int(dpi * 16 / 72 * 0.9)  # about 三号
    body, head = ImageFont.truetype(FONT, size), ImageFont.truetype(FONT_BOLD, int(size * 1.3))
    margin, line_h = int(dpi * 1.0), int(size * 1.75)
    items: list[tuple[object, str, int]] = []  # font, text, x offset
    for line in _wrap(policy.title, head, w - 2 * margin):
        items.append((head, line, max(0, int((w - 2 * margin - head.getlength(line)) / 2))))
    items.append((body, "", 0))
    for level, text in policy.blocks:
        font = head if level else body
        indent = 0 if level else 2 * size
        first = True
        for line in _wrap(text, font, w - 2 * margin, indent):
            items.append((font, line, indent if first else 0))
            first = False
    per_page = (h - 2 * margin - line_h) // line_h
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    while len(chunks) < min_pages:
        chunks += [items[i:i + per_page] for i in range(0, len(items), per_page)]
    chunks = chunks[: max(min_pages, 1) if min_pages else len(chunks)]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        img = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(img)
        y = margin
        for font, line, x in chunk:
            d.text((margin + x, y), line, font=font, fill=rnd.randint(0, 40))
            y += line_h
        num = f"— {n} —"
        d.text(((w - body.getlength(num)) / 2, h - margin * 0.7), num, font=body, fill=0)
        arr = np.asarray(img, dtype=np.float32)
        nrng = np.random.default_rng(seed + n)
        arr += nrng.normal(0, noise, arr.shape)
        specks = nrng.random(arr.shape) < 0.0008
        arr[specks] = 0
        img = Image.fromarray(arr.clip(0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.5))
        img = img.rotate(skew * (1 if n % 2 else -1), resample=Image.BICUBIC, fillcolor=255, expand=False)
        pages.append(img)
    return pages


def scan_pdf(policy: Policy, out: Path, **kw) -> Path:
    pages = scan_pages(policy, **kw)
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:], quality=80)
    return out


def text_pdf(policy: Policy, out: Path) -> Path:
    """A text-layer PDF as word processors export it: hard-wrapped lines, a running header, 「- n -」 page numbers,
    and digits drawn as separate runs (so extraction puts spaces around them: 「1 亿元 以上」)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(out), pagesize=A4)
    width, height = A4
    size, per_line = 14, 30
    lines = [policy.title, ""]
    for _, text in policy.blocks:
        lines += [text[i:i + per_line] for i in range(0, len(text), per_line)] + [""]
    page, y = 1, height - 90

    def furniture():
        c.setFont("STSong-Light", 9)
        c.drawString(72, height - 50, "县人民政府规范性文件")
        c.drawCentredString(width / 2, 40, f"- {page} -")

    furniture()
    for line in lines:
        if y < 80:
            c.showPage()
            page += 1
            y = height - 90
            furniture()
        x = 72
        for run in re.findall(r"\d[\d.%]*|[^\d]+", line):
            c.setFont("STSong-Light", size)
            c.drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, "STSong-Light", size) + (6 if run[0].isdigit() else 0)
        y -= size * 1.8
    c.save()
    return out


def docx_file(policy: Policy, out: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(policy.title, style="Title")
    for level, text in policy.blocks:
        d.add_heading(text, level=min(level, 3)) if level else d.add_paragraph(text)
    d.save(out)
    return out


def doc_file(policy: Policy, out: Path, timeout: float = 120) -> Path:
    """.doc (Word 97) through LibreOffice from the .docx rendering."""
    with tempfile.TemporaryDirectory(prefix="pa-fixture-") as tmp:
        src = docx_file(policy, Path(tmp) / "src.docx")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        "doc:MS Word 97", "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=timeout)
        out.write_bytes((Path(tmp) / "src.doc").read_bytes())
    return out


def ofd_file(policy: Policy, out: Path) -> Path:
    """A minimal OFD package: OFD.xml, Document.xml, PublicRes.xml (one font), one Content.xml per page,
    one TextObject per printed line (positions in mm)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    size, left, top, per_line, line_h, bottom = 4.2, 25.0, 30.0, 38, 7.5, 270.0
    lines = [policy.title] + [t[i:i + per_line] for _, t in policy.blocks for i in range(0, len(t), per_line)]
    pages: list[list[str]] = [[]]
    y = top
    for line in lines:
        if y > bottom:
            pages.append([])
            y = top
        pages[-1].append(line)
        y += line_h
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
                   f'<ofd:DocInfo><ofd:DocID>fixture</ofd:DocID><ofd:Title>{_esc(policy.title)}</ofd:Title></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
                               '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
    }
    page_refs = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID>'
        '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
        '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
        f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
    oid = 100
    for i, page in enumerate(pages):
        objs = []
        for j, line in enumerate(reversed(page)):  # written bottom-up: the reader must sort by position
            row = len(page) - 1 - j
            oid += 1
            objs.append(f'<ofd:TextObject ID="{oid}" Boundary="{left} {top + row * line_h} 160 {line_h}" Font="2" '
                        f'Size="{size}"><ofd:TextCode X="0" Y="{size}">{_esc(line)}</ofd:TextCode></ofd:TextObject>')
        objs.append(f'<ofd:TextObject ID="{oid + 1}" Boundary="95 280 20 8" Font="2" Size="3.5">'
                    f'<ofd:TextCode X="0" Y="3.5">— {i + 1} —</ofd:TextCode></ofd:TextObject>')
        oid += 1
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="{oid + 1}">'
            + "".join(objs) + "</ofd:Layer></ofd:Content></ofd:Page>")
        oid += 1
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PORTAL_INFO = {"索引号": "11522000/2023-00125", "发布机构": "县人民政府办公室", "发文日期": "2023-05-12",
               "文号": "县政发〔2023〕12号"}


def portal_html(policy: Policy, out: Path, encoding: str = "gbk") -> Path:
    """A county-government portal article page with the usual chrome around the text."""
    info = "".join(f"<tr><td>{k}：</td><td>{v}</td></tr>" for k, v in PORTAL_INFO.items())
    body = "".join(f"<h{level + 1}>{_esc(t)}</h{level + 1}>" if level else f"<p>&nbsp;&nbsp;{_esc(t)}</p>"
                   for level, t in policy.blocks)
    html = f"""<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{_esc(policy.title)}_县人民政府</title>
<script>var _hmt = _hmt || []; function setFont(s){{}}</script><style>.x{{color:red}}</style></head><body>
<div class="top"><a href="/">网站首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hd">互动交流</a> | <a href="/bs">办事服务</a></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li></ul></nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zc">政策文件</a></div>
<table class="info">{info}</table>
<div class="article"><h1>{_esc(policy.title)}</h1>
<div class="tools">字号：<a onclick="setFont(18)">大</a> <a onclick="setFont(16)">中</a> <a onclick="setFont(14)">小</a>
 &nbsp; 来源：<a href="/">县政府办</a></div>
<div class="content">{body}</div>
<div class="share">分享到：<a href="#"><img src="wx.png"></a><a href="#"><img src="wb.png"></a></div>
<div class="bar">【打印本页】【关闭窗口】</div>
<div class="bar2">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="qr"><img src="qr.png"><p>扫一扫在手机打开当前页</p></div></div>
<footer>主办：县人民政府办公室 版权所有 ICP备000000号</footer></body></html>"""
    out.write_bytes(html.encode(encoding, errors="replace"))
    return out


def char_accuracy(got: str, want: str) -> float:
    """1 − character error rate, whitespace and Markdown markers ignored, full/half-width punctuation unified."""
    from rapidfuzz.distance import Levenshtein

    a, b = _canon(got), _canon(want)
    return 1 - Levenshtein.distance(a, b) / max(1, len(b))


def _canon(text: str) -> str:
    import unicodedata

    text = re.sub(r"^#+\s*", "", text, flags=re.M).replace("**", "")
    text = unicodedata.normalize("NFKC", text).replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", "", text)
