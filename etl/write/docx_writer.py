"""DOCX via python-docx: a title paragraph, a 填报单位 line and a grid table with merged cells per filing."""
from __future__ import annotations

import datetime as dt
import io

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_Merge
from docx.shared import Pt

from etl.records import Filing
from etl.write.blocks import layout
from etl.write.zipfix import stable_zip

_FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _set_fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def render_docx(filings: list[Filing]) -> bytes:
    doc = new_document()
    _set_fonts(doc)
    cp = doc.core_properties
    cp.created = cp.modified = _FIXED_TIME
    cp.last_printed = _FIXED_TIME
    cp.author = cp.last_modified_by = "jixiao"
    cp.revision = 1
    cp.title = filings[0].title or "" if filings else ""
    for f in filings:
        for block in layout(f):
            if block.kind == "title":
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(block.text)
                run.bold = True
                run.font.size = Pt(14)
            elif block.kind == "heading":
                p = doc.add_paragraph()
                p.add_run(block.text).bold = True
            elif block.kind in ("meta", "para"):
                doc.add_paragraph(block.text)
            else:
                _table(doc, block.grid)
                doc.add_paragraph("")
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def _table(doc, grid) -> None:
    t = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    t.style = "Table Grid"
    # Merges written straight into the XML (gridSpan / vMerge): python-docx's
    # cell.merge() re-scans the whole table per call, far too slow for a corpus.
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is not None:
                for i in range(r, r + cell.rowspan):
                    for j in range(c, c + cell.colspan):
                        owner[(i, j)] = (r, c)
    for r, tr in enumerate(t._tbl.tr_lst):
        tcs = list(tr.tc_lst)
        for c, tc in enumerate(tcs):
            r0, c0 = owner.get((r, c), (r, c))
            anchor = grid.rows[r0][c0]
            if c != c0:
                tr.remove(tc)  # covered by a horizontal span
                continue
            if anchor.colspan > 1:
                tc.grid_span = anchor.colspan
            if anchor.rowspan > 1:
                tc.vMerge = ST_Merge.RESTART if r == r0 else ST_Merge.CONTINUE
            if r == r0 and anchor.text:
                run = tc.p_lst[0].add_r()
                run.text = anchor.text
                if anchor.header:
                    run.get_or_add_rPr().get_or_add_b()
    if grid.repeat_row == 0:
        _repeat_header(t.rows[0])


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = trpr.makeelement(qn("w:tblHeader"), {})
    trpr.append(el)
