"""The full problem list of a report as an XLSX workbook (the report's attachment, 附件).

Every finding in scope, one row each, with the filing, the indicator and its source position.
Text from filings is written as text: a cell that a spreadsheet would read as a formula
(= + - @ at the start) is a string cell with Excel's quote-prefix style, never a formula.
"""
from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from etl.check.registry import FAMILY_TITLES, SEVERITY_TITLES
from etl.printout.data import Problem

COLUMNS = [("序号", 6), ("部门", 22), ("项目或标题", 28), ("来源文件", 28), ("来源位置", 20), ("指标序号", 8),
           ("三级指标", 20), ("严重程度", 8), ("问题类别", 12), ("规则", 24), ("规则编号", 24), ("说明", 60),
           ("依据", 40)]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _cell(ws, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=_ILLEGAL.sub("", value))
        cell.data_type = "s"  # always text, never a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
        return cell
    return value


def xlsx(problems: list[Problem], title: str) -> bytes:
    """Every problem, one row each, in the report's order (department, severity, filing, indicator)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    head = WriteOnlyCell(ws, value=title)
    head.font = Font(bold=True, size=12)
    ws.append([head])
    header = []
    for name, _ in COLUMNS:
        c = WriteOnlyCell(ws, value=name)
        c.font, c.fill, c.alignment = Font(bold=True), HEADER_FILL, Alignment(vertical="center")
        header.append(c)
    ws.append(header)
    for k, x in enumerate(problems, start=1):
        ws.append([k] + [_cell(ws, v) for v in (
            x.department, x.project, x.source_file, x.src_where)] + [x.indicator_seq] + [_cell(ws, v) for v in (
            x.indicator, SEVERITY_TITLES.get(x.severity, x.severity) + ("（待核实）" if x.unverified else ""),
            FAMILY_TITLES.get(x.family, x.family),
            x.rule_title, x.rule, x.message, x.evidence)])
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{len(problems) + 2}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
