"""Read a .docx file: body paragraphs and tables in reading order.

The body XML is walked directly (not python-docx's `row.cells`, which repeats a
merged cell's object at every grid position it covers), so each merged region
gives its text once, at its top-left grid position.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from etl.limits import check_grid, check_zip, xml_failure
from etl.read.cell_text import clean_text, finish_table, text_row
from etl.records import Cell, Document, Loc, Row, UnsupportedFormat, library_error

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_SDT, W_SDTCONTENT = qn("w:sdt"), qn("w:sdtContent")
W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_NBHYPHEN, W_TXBX = qn("w:noBreakHyphen"), qn("w:txbxContent")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {W_TXBX, MC_FALLBACK, qn("w:pPr"), qn("w:rPr")}


def read_docx(data: bytes, name: str) -> Document:
    body = _load_body(data)
    rows: list[Row] = []
    para = 0
    table = 0
    for el in _blocks(body):
        if el.tag == W_P:
            text = clean_text(_para_text(el))
            if text:
                para += 1
                rows.append(text_row(text, Loc(line_start=para, line_end=para)))
        else:
            table_rows = _table(el, table)
            if table_rows:
                rows.extend(table_rows)
                table += 1
    doc = Document(name=name, fmt="docx", rows=rows, layout="tables" if table else "text")
    if not rows:
        doc.warnings.append("文档里没有文字")
    return doc


def _load_body(data: bytes):
    if data[:8] == _OLE_MAGIC:
        raise UnsupportedFormat("文件内容是旧版Word(.doc)格式或已加密，不是DOCX：请用Word另存为.docx")
    opened = check_zip(data)  # before python-docx inflates anything
    try:
        return docx.Document(io.BytesIO(data)).element.body
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise library_error("不是有效的DOCX文件（文件损坏或内容不是Word文档）", e) from None
    except Exception as e:  # python-docx / lxml raise many kinds on bad packages
        named = xml_failure(e, *_largest_part(data, opened))
        if named is not None:
            raise named from None
        raise library_error("DOCX文件无法解析（文件可能已损坏）", e) from None


def _largest_part(data: bytes, opened: set[str] | None) -> tuple[str, int]:
    """The largest part the reader opened (the one an out-of-memory parse most likely failed in)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if opened is None or i.filename in opened]
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    return (biggest.filename, biggest.file_size) if biggest else ("", 0)


def _blocks(parent):
    """Paragraphs and tables of a container in order, looking through content controls."""
    for el in parent.iterchildren():
        if el.tag in (W_P, W_TBL):
            yield el
        elif el.tag == W_SDT:
            content = el.find(W_SDTCONTENT)
            if content is not None:
                yield from _blocks(content)


def _para_text(p) -> str:
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(el, parts: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if tag in _SKIP:
            continue  # text boxes float outside the reading order; Fallback repeats Choice
        if tag == W_T:
            parts.append(child.text or "")
        elif tag == W_TAB:
            parts.append(" ")
        elif tag == W_BR:
            if child.get(qn("w:type")) in (None, "textWrapping"):
                parts.append("\n")
        elif tag == W_CR:
            parts.append("\n")
        elif tag == W_NBHYPHEN:
            parts.append("-")
        else:
            _collect(child, parts)


def _cell_text(tc) -> str:
    """All paragraphs of a cell, one line each; a nested table's cells give lines too."""
    lines: list[str] = []
    _block_lines(tc, lines)
    return clean_text("\n".join(lines))


def _block_lines(container, lines: list[str]) -> None:
    for el in _blocks(container):
        if el.tag == W_P:
            lines.append(_para_text(el))
        else:
            # a table nested in a cell: one line per row, its cells apart by a space
            for tr in _children(el, W_TR):
                texts = [_cell_text(tc) for tc in _children(tr, W_TC)]
                lines.append(" ".join(t for t in texts if t))


def _children(el, tag):
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _children(content, tag)


def _int_attr(el, path: str, default: int = 0) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return int(found.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


def _table(tbl, index: int) -> list[Row]:
    rows: list[Row] = []
    width = 0
    for r, tr in enumerate(_children(tbl, W_TR), start=1):
        row_loc = Loc(table=index, row=r)
        cells: list[Cell] = []
        before = _int_attr(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        check_grid(r, before)
        for _ in range(before):
            cells.append(Cell("", Loc(table=index, row=r, col=len(cells) + 1)))
        for tc in _children(tr, W_TC):
            tcpr = tc.find(qn("w:tcPr"))
            span = max(1, _int_attr(tcpr, qn("w:gridSpan"), 1)) if tcpr is not None else 1
            # a span is a grid width: gridSpan=50000000 would build fifty million cells
            check_grid(r, max(width, len(cells) + span))
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            # <w:vMerge/> without val continues the region above; val="restart" starts one
            continued = vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
            text = "" if continued else _cell_text(tc)
            cells.append(Cell(text, Loc(table=index, row=r, col=len(cells) + 1)))
            for _ in range(span - 1):
                cells.append(Cell("", Loc(table=index, row=r, col=len(cells) + 1)))
        width = max(width, len(cells))
        rows.append(Row(cells, row_loc, index))
    return finish_table(rows)
