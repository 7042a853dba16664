"""The CJK fonts of every Word report (review opinions, concession advice, regional comparisons)."""

from __future__ import annotations

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
BODY_PT = 10.5  # 五号


def set_cjk_fonts(d) -> None:
    """Body text in a CJK serif, titles and headings in a CJK sans (python-docx `Document`)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = d.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        d.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
