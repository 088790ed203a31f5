"""Read an Excel 2003 XML workbook (SpreadsheetML), which many government sites serve as .xls.

Each worksheet's <Table> is one table, laid out like an .xlsx sheet: ss:Index
skips to a column or row, ss:MergeAcross / ss:MergeDown cover cells that stay ''.
"""
from __future__ import annotations

from lxml import etree

from etl.limits import check_grid, current, grid_error
from etl.read.cell_text import clean_text, plain_number
from etl.read.xlsx import _next_table, _sheet_rows
from etl.records import Document, library_error

NS = "urn:schemas-microsoft-com:office:spreadsheet"
SS = "{%s}" % NS


def _int(el, attr: str, default: int) -> int:
    try:
        return int(el.get(SS + attr))
    except (TypeError, ValueError):
        return default


def read_spreadsheetml(data: bytes, name: str) -> Document:
    # no DTDs, no entities, no network: the XML is data from the internet
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise library_error("Excel 2003 XML 工作簿无法解析（文件可能已损坏）", e) from None
    doc = Document(name=name, fmt="xls", rows=[], layout="tables")
    doc.warnings.append("扩展名为.xls，内容实为Excel 2003 XML工作簿")
    lim = current()
    total = 0
    for k, ws in enumerate(root.iter(SS + "Worksheet"), start=1):
        sheet = ws.get(SS + "Name") or f"Sheet{k}"
        cells: dict[tuple[int, int], str] = {}
        for table in ws.iter(SS + "Table"):
            r = 0
            for row in table.iterchildren(SS + "Row"):
                r = _int(row, "Index", r + 1)
                c = 0
                for cell in row.iterchildren(SS + "Cell"):
                    c = _int(cell, "Index", c + 1)
                    across, down = _int(cell, "MergeAcross", 0), _int(cell, "MergeDown", 0)
                    check_grid(max(r, down + 1), max(c + across, across + 1))
                    total += (across + 1) * (down + 1)
                    if total > lim.cells:
                        raise grid_error(r, c + across)
                    data_el = cell.find(SS + "Data")
                    if data_el is not None:
                        text = "".join(data_el.itertext())
                        if data_el.get(SS + "Type") == "Number":
                            try:
                                text = plain_number(float(text))
                            except ValueError:
                                pass
                        text = clean_text(text)
                        if text:
                            cells[(r, c)] = text
                    c += across
        doc.rows.extend(_sheet_rows(cells, sheet, _next_table(doc)))
    if not doc.rows:
        doc.warnings.append("工作簿里没有数据")
    return doc
