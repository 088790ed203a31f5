"""XLSX via openpyxl: one sheet per filing, title and 填报单位 rows above a grid with merged cells.

Every text goes in as a string cell (never a formula), with Excel's quote prefix
on text that starts like a formula, so '=cmd|...' stays inert when opened.
"""
from __future__ import annotations

import datetime as dt
from copy import copy
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.writer.excel import ExcelWriter

from etl.records import Filing
from etl.write.blocks import KIND_NAMES, layout
from etl.write.zipfix import stable_zip

FIXED_TIME = dt.datetime(2024, 1, 1)  # every workbook this project writes is byte-stable (also etl/structured)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_BOLD = Font(bold=True)
# text starting so is a formula to a spreadsheet: written as a string with a quote prefix (also etl/structured)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _put(ws, r: int, c: int, text: str):
    cell = ws.cell(row=r, column=c)
    if text:
        cell.value = text
        cell.data_type = "s"  # openpyxl would store a leading '=' as a formula
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def _sheet_name(i: int, f: Filing) -> str:
    kind = KIND_NAMES.get(f.doc_kind, "表")
    return f"{i + 1}-{kind}"[:31]


def render_xlsx(filings: list[Filing]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    p = wb.properties
    p.created = p.modified = FIXED_TIME
    p.creator = p.lastModifiedBy = "jixiao"
    p.title = filings[0].title or "" if filings else ""
    for i, f in enumerate(filings):
        ws = wb.create_sheet(_sheet_name(i, f))
        blocks = layout(f)
        grid = next((b.grid for b in blocks if b.kind == "table"), None)
        ncols = grid.ncols if grid else 1
        r = 1
        for block in blocks:
            if block.kind == "table":
                r = _grid(ws, r, block.grid) + 1
                continue
            cell = _put(ws, r, 1, block.text)
            if block.kind in ("title", "heading"):
                cell.font = _BOLD
            if ncols > 1:
                ws.merged_cells.add(CellRange(min_row=r, min_col=1, max_row=r, max_col=ncols))
            if block.kind == "para":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
        if grid:
            total = sum(grid.widths)
            for c, w in enumerate(grid.widths, start=1):
                ws.column_dimensions[get_column_letter(c)].width = round(110 * w / total, 1)
        else:
            ws.column_dimensions["A"].width = 110
    wb.calculation.fullCalcOnLoad = False
    buf = io.BytesIO()
    # ExcelWriter directly: wb.save() would stamp the current time as 'modified'
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    return stable_zip(buf.getvalue())


def _grid(ws, top: int, grid) -> int:
    # Style arrays are copied from one styled cell: assigning style objects cell by
    # cell makes openpyxl hash them each time, which dominates the run time.
    protos: dict[str, object] = {}

    def styled(x, key: str) -> None:
        if key in protos:
            x._style = copy(protos[key])
            return
        x.border = _BOX
        if key != "covered":
            x.alignment = _WRAP
        if key == "header":
            x.font = _BOLD
        protos[key] = copy(x._style)

    for i, row in enumerate(grid.rows):
        for j, cell in enumerate(row):
            if cell is None:
                styled(ws.cell(row=top + i, column=j + 1), "covered")
                continue
            x = _put(ws, top + i, j + 1, cell.text)
            styled(x, "header" if cell.header else "body")
    for i, row in enumerate(grid.rows):
        for j, cell in enumerate(row):
            if cell is not None and (cell.rowspan > 1 or cell.colspan > 1):
                # the range alone: ws.merge_cells() would also restyle every edge cell (slow);
                # the covered cells are already empty and boxed
                ws.merged_cells.add(CellRange(min_row=top + i, min_col=j + 1,
                                              max_row=top + i + cell.rowspan - 1, max_col=j + cell.colspan))
    return top + len(grid.rows)
