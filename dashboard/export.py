"""Table exports: CSV with a UTF-8 BOM (Excel then reads Chinese correctly) and XLSX.

Cell text that a spreadsheet would take for a formula (= + - @, also tab and
carriage return) is neutralised: prefixed with an apostrophe in CSV, and in
XLSX written as a plain string cell with the same apostrophe, never a formula.
"""
from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return _clean(df).to_csv(index=False).encode("utf-8-sig")


def _xlsx_value(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime().replace(tzinfo=None)
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    if isinstance(v, str):
        return _ILLEGAL_XLSX.sub("", v)
    return v


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    clean = _clean(df)
    wb = Workbook(write_only=True)  # streaming writer: several times faster than the default one
    ws = wb.create_sheet(sheet[:31])
    ws.append([_text_cell(ws, str(c)) for c in clean.columns])
    for row in clean.itertuples(index=False):
        ws.append([_text_cell(ws, v) if isinstance(v, str) else _xlsx_value(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text_cell(ws, text: str) -> WriteOnlyCell:
    # openpyxl would store text starting with '=' as a formula; after the
    # apostrophe prefix none does, and the cell is typed as a string anyway.
    cell = WriteOnlyCell(ws, value=_ILLEGAL_XLSX.sub("", text))
    cell.data_type = "s"
    return cell
