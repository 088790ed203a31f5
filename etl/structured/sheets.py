"""Sheets of a structured export as rows of raw values: XLSX / XLS (python-calamine, openpyxl / xlrd
when calamine refuses a file) and CSV in any common encoding.

Rows are streamed: a 100,000-row export is never held as a grid of Python cells. A value is what the
file stores (text, a float, a date), not what a number format prints, so a code stored as text keeps
its leading zeros; turning values into fields is `longform`'s job. Merged ranges are given back so
the reader can fill them (a header cell over two columns, a project code over its block of rows).
"""
from __future__ import annotations

import codecs
import csv
import importlib
import io
import itertools
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Iterator

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from etl.limits import LimitExceeded, check_zip, current
from etl.records import ReadError
from etl.read.text import decode

# The libraries read where calamine refuses a workbook (format -> module), imported then, not with this module:
# openpyxl and xlrd took ~0.6 s of CPU to import, which an export calamine reads never uses (etl/read loads its
# readers the same way).
FALLBACKS = {"xlsx": "openpyxl", "xls": "xlrd"}


def fallback(fmt: str):
    return importlib.import_module(FALLBACKS[fmt])

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
FORMATS = ("xlsx", "xls", "csv")
# A bulk export is one table of many rows: the document readers' per-table row budget (tables of a
# filing) does not apply. Rows are streamed; this only bounds a runaway file.
MAX_ROWS = 2_000_000
MAX_MERGED_CELLS = 5_000_000


@dataclass
class Sheet:
    name: str
    rows: Iterator[list]  # row 1 first; each row from column A (index 0 = column A)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (row0, col0, row1, col1)


def fmt_of(name: str, data: bytes) -> str | None:
    """'xlsx', 'xls' or 'csv' by content first (an .xls saved as .xlsx), else by extension."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data[:8] == _OLE_MAGIC:
        return "xls"
    if data[:4] == _ZIP_MAGIC:
        return "xlsx" if ext in ("xlsx", "xlsm", "xls", "") else None
    if ext in ("csv", "txt", "tsv"):
        return "csv"
    return None


def read_sheets(data: bytes, name: str) -> tuple[str, list[Sheet]]:
    """(format, visible sheets). Raises ReadError (in Chinese) for a file that is not a readable workbook or CSV."""
    fmt = fmt_of(name, data)
    if fmt is None:
        raise ReadError("不是 XLSX、XLS 或 CSV 文件")
    if fmt == "csv":
        return fmt, [Sheet("CSV", _csv_rows(data))]
    if fmt == "xlsx":
        check_zip(data)
    try:
        return fmt, _calamine_sheets(data)
    except LimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - calamine refused the package: the slower readers say why, or read it
        return fmt, (_openpyxl_sheets(data) if fmt == "xlsx" else _xlrd_sheets(data))


def _calamine_sheets(data: bytes) -> list[Sheet]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    for meta in wb.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            continue
        sh = wb.get_sheet_by_name(meta.name)
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or [])]
        _check_merged(merged)
        out.append(Sheet(meta.name, _calamine_rows(sh), merged))
    return out


def _calamine_rows(sh) -> Iterator[list]:
    # iter_rows starts at row 1 but at the sheet's first used column: pad back to column A
    pad = [""] * (sh.start[1] if sh.start else 0)
    for n, row in enumerate(sh.iter_rows()):
        if n >= MAX_ROWS:
            raise LimitExceeded(f"工作表「{sh.name}」超过 {MAX_ROWS:,} 行")
        yield pad + row if pad else row


def _check_merged(merged) -> None:
    area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in merged)
    if area > MAX_MERGED_CELLS:
        raise LimitExceeded(f"合并单元格覆盖 {area:,} 个单元格，超过上限 {MAX_MERGED_CELLS:,}")


def _openpyxl_sheets(data: bytes) -> list[Sheet]:
    openpyxl = fallback("xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError) as e:
        raise ReadError(f"不是有效的XLSX文件（文件损坏或内容不是Excel工作簿）：{e}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on bad packages
        raise ReadError(f"XLSX文件无法解析：{type(e).__name__}: {e}") from None
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        _check_merged(merged)
        rows = ([("" if v is None else v) for v in row] for row in ws.iter_rows(values_only=True))
        out.append(Sheet(ws.title, rows, merged))
    return out


def _xlrd_sheets(data: bytes) -> list[Sheet]:
    xlrd = fallback("xls")
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as e:  # noqa: BLE001 - xlrd raises many kinds on bad files
        raise ReadError(f"XLS文件无法解析（可能已加密或损坏）：{type(e).__name__}: {e}") from None
    out = []
    for sh in book.sheets():
        if sh.visibility:
            continue
        merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
        _check_merged(merged)

        def rows(sh=sh):
            for r in range(sh.nrows):
                yield [_xlrd_value(c, book.datemode, xlrd) for c in sh.row(r)]

        out.append(Sheet(sh.name, rows(), merged))
    return out


def _xlrd_value(cell, datemode, xlrd):
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except Exception:  # noqa: BLE001 - an impossible date is kept as its number
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return cell.value


def decode_text(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with or without BOM, else GB18030 (GBK's superset)."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:4096]:
        # UTF-16 without a BOM (NUL bytes in text): the byte order whose head reads as text
        head = data[:4096 - 4096 % 2]
        best, score = None, 0.0
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = head.decode(enc, errors="strict")
            except UnicodeDecodeError:
                continue
            ok = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n") / max(1, len(text))
            cjk_or_ascii = sum(1 for ch in text if ch < "\x80" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
            got = ok * cjk_or_ascii / max(1, len(text))
            if got > score:
                best, score = enc, got
        if best is not None and score > 0.9:
            return data.decode(best, errors="replace")
    return decode(data)


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode_text(data)
    lim = current()
    if len(data) > lim.file_mb * 1024 * 1024:
        raise LimitExceeded(f"CSV 文件超过 {lim.file_mb} MB")
    sample = text[:16384]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    for n, row in enumerate(itertools.islice(reader, MAX_ROWS + 1)):
        if n >= MAX_ROWS:
            raise LimitExceeded(f"CSV 文件超过 {MAX_ROWS:,} 行")
        yield row
