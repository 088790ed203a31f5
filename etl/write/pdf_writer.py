"""PDF via reportlab platypus: STSong-Light (a built-in CJK font), one GRID table per filing.

The indicator header row repeats when a long table breaks across pages.
`invariant=1` keeps the bytes free of creation dates and random ids.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from etl.records import Filing
from etl.write.blocks import GCell, layout

_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(_FONT))

_TITLE = ParagraphStyle("title", fontName=_FONT, fontSize=14, leading=18, alignment=1, spaceAfter=4, wordWrap="CJK")
_HEAD = ParagraphStyle("head", fontName=_FONT, fontSize=11, leading=15, spaceBefore=4, wordWrap="CJK")
_BODY = ParagraphStyle("body", fontName=_FONT, fontSize=10, leading=14, firstLineIndent=20, wordWrap="CJK")
_META = ParagraphStyle("meta", fontName=_FONT, fontSize=9, leading=12, wordWrap="CJK")
_CELL = ParagraphStyle("cell", fontName=_FONT, fontSize=8, leading=10, wordWrap="CJK")
_STYLES = {"title": _TITLE, "heading": _HEAD, "para": _BODY, "meta": _META}


def _p(text: str, style) -> Paragraph:
    # Paragraph reads a small XML markup: escape so '<script>' or '&' print as text
    return Paragraph(escape(text), style)


def render_pdf(filings: list[Filing]) -> bytes:
    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buf, pagesize=page, invariant=1,
        leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=(filings[0].title or "") if filings else "", author="jixiao", creator="jixiao", producer="jixiao",
    )
    width = page[0] - 24 * mm
    story = []
    for f in filings:
        for block in layout(f):
            if block.kind == "table":
                story.extend(_tables(block.grid, width))
                story.append(Spacer(1, 6 * mm))
            else:
                story.append(_p(block.text, _STYLES[block.kind]))
    doc.build(story)
    return buf.getvalue()


_CHUNK = 10  # a span may not cross every 10th indicator row, so a page can break there


def _breakable(grid):
    """Cells with long vertical spans cut into pieces a page break can fall between.

    reportlab never splits a table inside a spanned cell, and the 绩效指标 label
    spans every indicator row. The label keeps only the header row; other spans are
    cut at every 10th row after the header, the text staying in the first piece,
    so a reader still finds each text once at its top-left position.
    """
    rows = [list(r) for r in grid.rows]
    head = grid.repeat_row
    if head is None:
        return rows
    cuts = set(range(head + 1 + _CHUNK, len(rows), _CHUNK))  # rows after the header
    for r in range(len(rows)):
        for c in range(grid.ncols):
            cell = rows[r][c]
            if cell is None or cell.rowspan == 1:
                continue
            if r == head and c == 0:
                cuts_here = list(range(r + 1, r + cell.rowspan))
            else:
                cuts_here = [k for k in sorted(cuts) if r < k < r + cell.rowspan]
            if not cuts_here:
                continue
            bounds = [r] + cuts_here + [r + cell.rowspan]
            for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
                rows[a][c] = GCell(cell.text if i == 0 else "", b - a, cell.colspan, cell.header)
    return rows


def _tables(grid, width: float) -> list[Table]:
    """The grid as platypus tables: the part above the indicator header, then the
    indicator part with its header row repeated on every page (repeatRows=1).
    Drawn edge to edge they look like one table."""
    rows = _breakable(grid)
    total = sum(grid.widths)
    widths = [width * w / total for w in grid.widths]
    head = grid.repeat_row
    if not head:
        return [_table(rows, widths, repeat=1 if head == 0 else 0)]
    return [_table(rows[:head], widths, repeat=0), _table(rows[head:], widths, repeat=1)]


def _table(rows, widths, repeat: int) -> Table:
    data = [[_p(c.text, _CELL) if c is not None and c.text else "" for c in row] for row in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), _FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            if cell.header:
                style.append(("BACKGROUND", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1), colors.HexColor("#EEEEEE")))
    return Table(data, colWidths=widths, style=TableStyle(style), repeatRows=repeat)
