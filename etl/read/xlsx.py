"""Read workbooks: .xlsx (openpyxl) and .xls (xlrd). Each visible sheet's used range is one table, without
the rows and columns the sheet hides (it does not print them).

Cells show what the sheet prints: numbers under their number format (0.86 with a
percent format is '86%'), dates as YYYY-MM-DD. A merged range keeps its value at
the top-left cell; the other cells it covers are ''.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib

import openpyxl
import xlrd
from openpyxl.utils.cell import range_boundaries

from etl.limits import LimitExceeded, check_grid, check_zip, current, grid_error
from etl.read.cell_text import clean_text, finish_table, format_date, format_number
from etl.read.html import read_html
from etl.records import Cell, Document, Loc, ReadError, Row, library_error

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)?<(!doctype|html|head|body|table|meta)", re.I | re.S)


def read_xlsx(data: bytes, name: str) -> Document:
    if data[:8] == _OLE_MAGIC:
        # An .xls saved under .xlsx, or an encrypted .xlsx (also an OLE container).
        try:
            doc = read_xls(data, name)
        except LimitExceeded:
            raise
        except ReadError:
            raise ReadError("文件不是可读的XLSX工作簿：内容是OLE复合文档，可能已加密（设了打开密码）或已损坏") from None
        doc.warnings.insert(0, "扩展名为.xlsx，内容实为旧版.xls工作簿")
        return doc
    if _looks_html(data):
        return _as_html(data, name, "xlsx")
    opened = check_zip(data)
    data = _prescan_sheets(data, opened)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions / styles
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError) as e:
        raise library_error("不是有效的XLSX文件（文件损坏或内容不是Excel工作簿）", e) from None
    except Exception as e:  # openpyxl raises many kinds on bad packages
        raise library_error("XLSX文件无法解析（文件可能已损坏）", e) from None
    doc = Document(name=name, fmt="xlsx", rows=[], layout="tables")
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                doc.warnings.append(f"跳过隐藏的工作表「{ws.title}」")
                continue
            rows = _openpyxl_sheet(ws, _next_table(doc), doc.warnings)
            doc.rows.extend(rows)
    except ReadError:
        raise
    except Exception as e:
        raise library_error("XLSX文件内容无法读取（文件可能已损坏）", e) from None
    finally:
        wb.close()
    if not doc.rows:
        doc.warnings.append("工作簿里没有数据")
    return doc


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["\']([A-Za-z$]+\$?\d+)(?::([A-Za-z$]+\$?\d+))?')
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
# A cell with no value (a formatted empty cell) and a row left with no cells: nothing to read, but
# openpyxl builds an object for each, and a sheet formatted down to row 1,048,576 or across 16,384
# columns has millions of them.
_EMPTY_CELL = re.compile(rb"<((?:\w+:)?)c\b[^>]*?(?:/>|>\s*</\1c>)")
_EMPTY_ROW = re.compile(rb"<((?:\w+:)?)row\b[^>]*?(?:/>|>\s*</\1row>)")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*?/>")
_ROW_START = re.compile(rb"<(?:\w+:)?row\b")
_CELL_START = re.compile(rb"<(?:\w+:)?c\b")


def _prescan_sheets(data: bytes, opened: set[str] | None = None) -> bytes:
    """Stream each sheet's XML, leave out the cells that hold no value and the rows left empty,
    and refuse, before openpyxl builds anything, a sheet whose rows, cells or merged ranges with
    content are beyond the grid budget. Returns the package openpyxl should read: the same bytes,
    or, when empty cells were left out, a package of the opened parts with the sheets as read.

    What counts is what is there to read: a sheet formatted to its last row or column loads like
    its used range, while a million rows of values, or a single merged range A200:XFD1048576 (one
    object per covered cell in openpyxl), is refused.
    """
    lim = current()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return data  # openpyxl reports the damage
    rewritten: dict[str, bytes] = {}
    with zf:
        for info in zf.infolist():
            if not _SHEET_PART.match(info.filename) or (opened is not None and info.filename not in opened):
                continue
            sheet = info.filename.rsplit("/", 1)[-1]
            rows = cells = merged_area = 0
            refs: set[tuple[bytes, bytes]] = set()
            out: list[bytes] = []
            dropped = False
            carry = b""
            try:
                with zf.open(info) as fh:
                    while True:
                        chunk = fh.read(1 << 20)
                        buf = carry + chunk
                        if chunk:  # up to the end of the last complete row: regexes never straddle a cut
                            cut = 0
                            for m in _ROW_END.finditer(buf):
                                cut = m.end()
                            part, carry = buf[:cut], buf[cut:]
                        else:
                            part, carry = buf, b""
                        kept = _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", part))
                        dropped = dropped or len(kept) != len(part)
                        out.append(kept)
                        rows += len(_ROW_START.findall(kept))
                        cells += len(_CELL_START.findall(kept))
                        for m in _MERGE_REF.finditer(kept):
                            refs.add((m.group(1), m.group(2) or m.group(1)))
                        if rows > lim.rows:
                            raise LimitExceeded(f"表格过大：超过 {lim.rows:,} 行（工作表 {sheet}）")
                        if cells > lim.cells:
                            raise LimitExceeded(f"表格过大：超过 {lim.cells:,} 个单元格（工作表 {sheet}）")
                        if not chunk:
                            break
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
                return data  # a damaged member: openpyxl gives the reason
            for a, b in refs:
                try:
                    c0, r0, c1, r1 = range_boundaries(f"{a.decode()}:{b.decode()}")
                except (ValueError, TypeError, UnicodeDecodeError):
                    continue
                # openpyxl makes an object per covered cell: the area counts, not the extent (a title
                # merged across 16,384 columns is one row of cells)
                merged_area += (r1 - r0 + 1) * (c1 - c0 + 1)
                if merged_area > lim.cells:
                    raise LimitExceeded(f"表格过大：合并单元格共覆盖 {merged_area:,} 个单元格（上限 {lim.cells:,}）")
            if dropped:
                rewritten[info.filename] = b"".join(out)
        if not rewritten:
            return data
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in zf.infolist():
                if info.filename in rewritten:
                    dst.writestr(info.filename, rewritten[info.filename])
                elif opened is None or info.filename in opened:  # a part nothing opens is not copied
                    dst.writestr(info.filename, zf.read(info.filename))
    return buf.getvalue()


def _next_table(doc: Document) -> int:
    return max((r.table for r in doc.rows if r.table is not None), default=-1) + 1


def _openpyxl_cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return format_date(value, cell.number_format)
    if isinstance(value, (int, float)):
        return format_number(value, cell.number_format)
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_text(str(value))


def _openpyxl_sheet(ws, table: int, warnings: list[str] | None = None) -> list[Row]:
    # Merged cells come back as MergedCell objects whose value is None: they give ''.
    cells: dict[tuple[int, int], str] = {}
    hidden_rows, hidden_cols = _openpyxl_hidden(ws)
    hidden = 0
    # ws._cells holds only the cells stored in the file; iter_rows() would create every
    # cell of an inflated used range (a sheet formatted down to row 1,048,576).
    stored = getattr(ws, "_cells", None)
    all_cells = stored.values() if isinstance(stored, dict) else (c for row in ws.iter_rows() for c in row)
    for cell in all_cells:
        if cell.value is not None:
            text = _openpyxl_cell_text(cell)
            if text and (cell.row in hidden_rows or any(a <= cell.column <= b for a, b in hidden_cols)):
                hidden += 1
            elif text:
                cells[(cell.row, cell.column)] = text
    _tell_hidden(hidden, ws.title, warnings)
    return _sheet_rows(cells, ws.title, table)


def _openpyxl_hidden(ws) -> tuple[set[int], list[tuple[int, int]]]:
    """The rows and the column ranges a sheet hides (a template's example rows, a helper column of codes or
    formulas): the sheet does not print them, so they are no part of the filing. Ranges, not columns: a
    sheet often hides every unused column (J:XFD)."""
    rows = {r for r, dim in ws.row_dimensions.items() if getattr(dim, "hidden", False)}
    cols = [(dim.min, dim.max) for dim in ws.column_dimensions.values()
            if getattr(dim, "hidden", False) and dim.min and dim.max]
    return rows, cols


def _tell_hidden(count: int, sheet: str, warnings: list[str] | None) -> None:
    if count and warnings is not None:
        warnings.append(f"跳过工作表「{sheet}」隐藏的行或列中的 {count} 个单元格")


def _sheet_rows(cells: dict[tuple[int, int], str], sheet: str, table: int) -> list[Row]:
    """The used range of one sheet as rows: columns from the first to the last filled one."""
    if not cells:
        return []
    first_col = min(c for _, c in cells)
    last_col = max(c for _, c in cells)
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    # a few cells far apart would pad every row to a huge width
    check_grid(len(by_row), last_col - first_col + 1)
    rows = []
    for r in sorted(by_row):
        row_cells = [
            Cell(cells.get((r, c), ""), Loc(sheet=sheet, table=table, row=r, col=c))
            for c in range(first_col, last_col + 1)
        ]
        rows.append(Row(row_cells, Loc(sheet=sheet, table=table, row=r), table))
    return finish_table(rows)


def read_xls(data: bytes, name: str) -> Document:
    if data[:4] == _ZIP_MAGIC:
        doc = read_xlsx(data, name)
        doc.warnings.insert(0, "扩展名为.xls，内容实为.xlsx工作簿")
        return doc
    if _looks_html(data):
        return _as_html(data, name, "xls")
    doc = Document(name=name, fmt="xls", rows=[], layout="tables")
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
        formatting = True
    except Exception:
        try:
            # Some writers produce files xlrd can read only without formatting records.
            book = xlrd.open_workbook(file_contents=data, formatting_info=False)
            formatting = False
            doc.warnings.append("无法读取单元格格式：合并单元格和数字格式可能没有还原")
        except Exception as e:
            raise library_error("不是有效的XLS文件（文件损坏、已加密或内容不是Excel工作簿）", e) from None
    try:
        for sheet in book.sheets():
            if sheet.visibility:
                doc.warnings.append(f"跳过隐藏的工作表「{sheet.name}」")
                continue
            doc.rows.extend(_xlrd_sheet(book, sheet, _next_table(doc), formatting, doc.warnings))
    except ReadError:
        raise
    except Exception as e:
        raise library_error("XLS文件内容无法读取（文件可能已损坏）", e) from None
    if not doc.rows:
        doc.warnings.append("工作簿里没有数据")
    return doc


def _xlrd_sheet(book, sheet, table: int, formatting: bool, warnings: list[str] | None = None) -> list[Row]:
    # rows and columns the sheet hides are not printed (formatting records say which)
    hidden_rows = {r for r, info in getattr(sheet, "rowinfo_map", {}).items() if getattr(info, "hidden", 0)}
    hidden_cols = {c for c, info in getattr(sheet, "colinfo_map", {}).items() if getattr(info, "hidden", 0)}
    hidden = 0
    covered: set[tuple[int, int]] = set()
    area = 0
    for rlo, rhi, clo, chi in sheet.merged_cells:
        check_grid(rhi - rlo, chi - clo)
        area += (rhi - rlo) * (chi - clo)
        if area > current().cells:
            raise grid_error(rhi - rlo, chi - clo)
    check_grid(sheet.nrows, sheet.ncols)
    for rlo, rhi, clo, chi in sheet.merged_cells:
        for r in range(rlo, rhi):
            for c in range(clo, chi):
                if (r, c) != (rlo, clo):
                    covered.add((r, c))
    cells: dict[tuple[int, int], str] = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if (r, c) in covered:
                continue
            ctype, value = cell.ctype, cell.value
            if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if ctype == xlrd.XL_CELL_TEXT:
                text = clean_text(value)
            elif ctype == xlrd.XL_CELL_NUMBER:
                text = format_number(value, _xlrd_format(book, cell) if formatting else None)
            elif ctype == xlrd.XL_CELL_DATE:
                try:
                    text = format_date(xlrd.xldate_as_datetime(value, book.datemode),
                                       _xlrd_format(book, cell) if formatting else None)
                except Exception:
                    text = format_number(value, None)
            elif ctype == xlrd.XL_CELL_BOOLEAN:
                text = "TRUE" if value else "FALSE"
            elif ctype == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(value, "#ERR")
            else:
                text = clean_text(str(value))
            if text and (r in hidden_rows or c in hidden_cols):
                hidden += 1
            elif text:
                cells[(r + 1, c + 1)] = text
    _tell_hidden(hidden, sheet.name, warnings)
    return _sheet_rows(cells, sheet.name, table)


def _xlrd_format(book, cell) -> str | None:
    try:
        xf = book.xf_list[cell.xf_index]
        return book.format_map[xf.format_key].format_str
    except (IndexError, KeyError, AttributeError, TypeError):
        return None


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head))


def _as_html(data: bytes, name: str, ext: str) -> Document:
    """Many systems export 'Excel' files that are really HTML tables."""
    doc = read_html(data, name)
    doc.warnings.insert(0, f"扩展名为.{ext}，内容实为HTML网页表格")
    return doc
