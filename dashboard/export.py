"""Table exports: CSV with a UTF-8 BOM (Excel then reads Chinese correctly) and XLSX.

Both writers take rows in chunks, so a full result can be streamed from DuckDB
into a file in bounded memory (`write_csv`, `write_xlsx`); `to_csv_bytes` and
`to_xlsx_bytes` wrap them for the small tables a page shows.

Each column has a kind (text, percent, money, score, int, number, ratio) that decides
how it is written: in CSV every number at full precision (rates as 95.57%), in XLSX as
a number with its format (0.0%, #,##0.00 for 万元, one decimal for scores); the unit is
said once, in the header.

Cell text that a spreadsheet would take for a formula (= + - @, also tab and
carriage return) is neutralised: prefixed with an apostrophe in CSV (the only
way CSV has), and in XLSX written as a string cell with the "quote prefix"
style, so Excel shows the text as typed, with no visible apostrophe.
"""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import datetime
from typing import IO, Iterable, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# money: the unit is in the column's header (全年预算数(万元)), so the format does not repeat it
XLSX_FORMATS = {"percent": "0.0%", "money": "#,##0.00", "score": "0.0", "int": "0", "number": "0.###",
                "ratio": "0.00", "seconds": "0.00", "datetime": "yyyy-mm-dd hh:mm:ss"}
WIDTHS = {"percent": 10, "money": 16, "score": 10, "int": 10, "number": 12, "ratio": 10, "seconds": 10,
          "datetime": 20}


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (not isinstance(v, (str, bytes)) and v is pd.NA)


def _plain(v):
    """numpy / pandas scalars to Python ones."""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime().replace(tzinfo=None)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()
    return v


def csv_value(v, kind: str):
    v = _plain(v)
    if _missing(v):
        return ""
    if isinstance(v, str):
        return neutralise(v)
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    # Full precision: a CSV is read by other programs (95.57 stays 95.57; the XLSX is the formatted one).
    # A rate is written as a percentage a spreadsheet reads as a number; '.12g' drops only float noise
    # (0.9557 * 100 = 95.57000000000001).
    if kind == "percent" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v * 100:.12g}%"
    if isinstance(v, float):
        return f"{v:.15g}"
    return v


def write_csv(out: IO[str], headers: Sequence[str], kinds: Sequence[str], chunks: Iterable[Iterable[Sequence]]) -> int:
    """Write a header and every row of every chunk; returns the number of rows. `out` is a text stream."""
    w = csv.writer(out)
    w.writerow([neutralise(h) for h in headers])
    n = 0
    for chunk in chunks:
        for row in chunk:
            w.writerow([csv_value(v, k) for v, k in zip(row, kinds)])
            n += 1
    return n


HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def write_xlsx(out, headers: Sequence[str], kinds: Sequence[str], chunks: Iterable[Iterable[Sequence]],
               sheet: str = "数据", widths: Sequence[int] | None = None) -> int:
    """A formatted workbook: column widths, frozen header, auto-filter, % and 万元 formats."""
    wb = Workbook(write_only=True)  # streaming writer: rows go to a temp file, not memory
    ws = wb.create_sheet(sheet[:31])
    for i, (h, k) in enumerate(zip(headers, kinds), start=1):
        width = (widths[i - 1] if widths else None) or max(WIDTHS.get(k, 18), min(2 * len(str(h)) + 2, 40))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for h in headers:
        c = _text_cell(ws, str(h))
        c.font, c.fill = Font(bold=True), HEADER_FILL
        c.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(c)
    ws.append(header)
    # One styled cell per numeric column, reused row after row: the write-only sheet serialises
    # a row when it is appended, and setting a style per cell is what makes openpyxl slow.
    templates = [_number_template(ws, k) for k in kinds]
    n = 0
    for chunk in chunks:
        for row in chunk:
            ws.append([_xlsx_cell(ws, v, k, t) for v, k, t in zip(row, kinds, templates)])
            n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{n + 1}"
    wb.save(out)
    return n


def _number_template(ws, kind: str):
    fmt = XLSX_FORMATS.get(kind)
    if not fmt:
        return None
    c = WriteOnlyCell(ws, value=0)
    c.number_format = fmt
    return c


def _xlsx_cell(ws, v, kind: str, template=None):
    v = _plain(v)
    if _missing(v):
        return None
    if isinstance(v, str):
        if is_formula_like(v) or _ILLEGAL_XLSX.search(v):
            return _text_cell(ws, v)
        return v  # plain text: openpyxl writes it as a string (it starts with none of = + - @)
    if template is not None and isinstance(v, (int, float, datetime)) and not isinstance(v, bool):
        template.value = v
        return template
    return v


def _text_cell(ws, text: str) -> WriteOnlyCell:
    # Always a string cell, never a formula; text that Excel would read as a formula
    # also gets the quote-prefix style (Excel's own way to say "this is text").
    cell = WriteOnlyCell(ws, value=_ILLEGAL_XLSX.sub("", text))
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def kinds_of(columns: Sequence[str], kinds: dict[str, str] | None) -> list[str]:
    return [(kinds or {}).get(c, "text") for c in columns]


def _frame_chunks(df: pd.DataFrame):
    yield df.itertuples(index=False, name=None)


def to_csv_bytes(df: pd.DataFrame, kinds: dict[str, str] | None = None) -> bytes:
    buf = io.StringIO()
    write_csv(buf, [str(c) for c in df.columns], kinds_of(list(df.columns), kinds), _frame_chunks(df))
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "数据", kinds: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, [str(c) for c in df.columns], kinds_of(list(df.columns), kinds), _frame_chunks(df), sheet)
    return buf.getvalue()
