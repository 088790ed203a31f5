"""Read a PDF with a text layer: ruled tables (pdfplumber) and the text lines around them.

pdfplumber finds the tables and lines; the glyphs and drawn lines it works on
come from PDFium where `etl.read.pdf_objects` can mirror pdfminer exactly (about
a tenth of the time), else from pdfminer as pdfplumber reads them itself.

A table that runs on over a page break is stitched to its start (same table
index, rows numbered on), and a header row repeated at the top of the new page
is dropped. Only ruled tables are found: a table drawn without lines reads as
text lines.
"""
from __future__ import annotations

import io
import os
import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field

import pdfplumber
import pypdfium2 as pdfium
from pdfminer import pdftypes
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.utils import extract_text

from etl.limits import MB, LimitExceeded, current, progress
from etl.read.cell_text import clean_text, finish_table
from etl.read.pdf_objects import page_objects
from etl.read.pdf_tables import cell_text, find_tables
from etl.read.text import read_text
from etl.records import Cell, Document, Loc, ReadError, Row, UnsupportedFormat, library_error

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_EDGE_TOL = 3.0  # points: column edges this close are the same edge
_HEADER_ROWS = 3  # at most this many repeated header rows are dropped on a continuation page
# '- 3 -', '第 3 页', '3/12', '第3页 共12页' standing alone in the top or bottom margin
_PAGE_NUMBER = re.compile(
    r"^[-—–·\s]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*(/\s*\d+)?|page\s*\d+(\s*of\s*\d+)?)[-—–·\s]*$",
    re.I,
)


@dataclass
class _Table:
    top: float
    bbox: tuple
    texts: list[list[str]]
    boxes: list[list[tuple | None]]
    xs: list[float]  # left edges of the grid columns
    right: float


@dataclass
class _Line:
    top: float
    text: str
    bbox: tuple


@dataclass
class _Open:
    """The table the previous page ended with, which the next page may continue."""

    index: int
    xs: list[float]
    right: float
    header: list[list[str]]
    next_row: int
    rows: list[Row] = field(default_factory=list)


class _BoundedZlib:
    """Stands in for `zlib` inside pdfminer: inflates a stream only up to the stream budget.

    pdfminer calls zlib.decompress() with no output limit (a 2 MB Flate bomb
    becomes 2.4 GB) and, for a damaged stream, re-inflates it one byte at a
    time with `bytes +=` (quadratic). Both are replaced by bounded, linear code.
    """

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def _cap() -> int:
        return current().pdf_stream_mb * MB

    def decompress(self, data: bytes, *args) -> bytes:
        cap = self._cap()
        d = zlib.decompressobj(*args[1:2]) if len(args) > 1 else zlib.decompressobj()
        out = d.decompress(data, cap + 1)
        if len(out) > cap or d.unconsumed_tail:
            raise LimitExceeded(f"PDF内容解压后超过 {cap // MB} MB（疑似压缩炸弹）")
        if not d.eof:
            raise zlib.error("incomplete or truncated stream")
        return out


def _decompress_damaged(data: bytes) -> bytes:
    """What a damaged Flate stream gives before the damage, in linear time and within the budget."""
    cap = current().pdf_stream_mb * MB
    d = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    for i in range(0, len(data), 1024):
        try:
            part = d.decompress(data[i:i + 1024], cap + 1 - size)
        except zlib.error:
            break
        parts.append(part)
        size += len(part)
        if size > cap or d.unconsumed_tail:
            raise LimitExceeded(f"PDF内容解压后超过 {cap // MB} MB（疑似压缩炸弹）")
    return b"".join(parts)


def _bound_pdfminer() -> None:
    if not isinstance(pdftypes.zlib, _BoundedZlib):
        pdftypes.zlib = _BoundedZlib()
        pdftypes.decompress_corrupted = _decompress_damaged


def read_pdf(data: bytes, name: str, reference: bool | None = None) -> Document:
    """reference=True reads as pdfplumber alone does: pdfminer's objects, pdfplumber's own table finder
    and cell text. The fast path is held equal to it (tests, bench/pdf_bench.py); None takes
    JIXIAO_PDF_REFERENCE=1 from the environment, so a whole ingest can be run the old way."""
    if reference is None:
        reference = os.environ.get("JIXIAO_PDF_REFERENCE") == "1"
    _bound_pdfminer()

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:
        raise ReadError(_open_error(e)) from None
    doc = Document(name=name, fmt="pdf", rows=[], layout="text")
    try:
        with pdf:
            try:
                pages = pdf.pages
            except ReadError:
                raise
            except Exception as e:
                raise ReadError(_open_error(e)) from None
            if not pages:
                raise ReadError("PDF里没有页面")
            if len(pages) > current().pdf_pages:
                raise LimitExceeded(f"PDF页数过多：{len(pages):,} 页（上限 {current().pdf_pages:,} 页）")
            try:
                with _PdfiumPages(None if reference else data, len(pages)) as mirror:
                    _read_pages(pages, doc, mirror, reference)
            except UnsupportedFormat as e:
                fallback = _pdfium_text(data, name)
                if fallback is None:
                    raise
                fallback.warnings.append(f"{e}；已改用PDFium读出文字层（表格按文本行读取）")
                return fallback
    except ReadError:
        raise
    except Exception as e:
        inner = e.args[0] if e.args and isinstance(e.args[0], ReadError) else None
        if inner is not None:
            raise inner from None
        raise library_error("PDF内容无法解析（文件可能已损坏或不完整）", e) from None
    return doc


def _pdfium_text(data: bytes, name: str) -> Document | None:
    """The text layer as PDFium decodes it, read as a text copy; None when it has no readable text either.

    pdfminer cannot decode some fonts (CID fonts of encrypted government PDFs come out as '(cid:…)');
    PDFium, which pdfplumber ships, usually can. The lines lose the table grid, so the text reader
    lays them out and the decoder reads them as a web copy.
    """
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return None
    try:
        pages = []
        for pno in range(len(pdf)):
            progress(pno + 1, len(pdf))
            pages.append(pdf[pno].get_textpage().get_text_range())
    finally:
        pdf.close()
    text = "\n".join(pages).replace("\r\n", "\n")
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < MIN_PDFIUM_CJK:
        return None
    doc = read_text(text.encode("utf-8"), name)
    doc.fmt, doc.layout = "pdf", f"pdf_text:{doc.layout}"
    return doc


MIN_PDFIUM_CJK = 4  # Chinese characters PDFium must find for its text to stand in for pdfminer's


def _open_error(e: Exception) -> str:
    # pdfplumber wraps pdfminer's exception as its first argument
    inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
    if isinstance(inner, ReadError):  # a budget hit while opening
        return str(inner)
    kind = type(inner).__name__
    if "Password" in kind or "Encrypt" in kind:
        return "PDF已加密（需要密码才能打开），无法读取"
    return f"不是有效的PDF文件（文件损坏或内容不是PDF）：{kind}: {inner}"


class _PdfiumPages:
    """The same PDF opened in PDFium, giving a pdfplumber page its objects where they can be mirrored."""

    def __init__(self, data: bytes | None, n_pages: int):
        self.doc = None
        if data is None:
            return
        try:
            doc = pdfium.PdfDocument(data)
        except Exception:
            return  # pdfminer reads what PDFium cannot open
        if len(doc) != n_pages:  # a damaged page tree, repaired differently: keep to pdfminer's pages
            doc.close()
            return
        self.doc = doc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.doc is not None:
            self.doc.close()

    def fill(self, page, index: int) -> None:
        """Give the pdfplumber page its chars and paths from PDFium, or leave it to pdfminer."""
        if self.doc is None or not _plain_page(page):
            return
        try:
            fpage = self.doc[index]
        except Exception:
            return
        try:
            objects = page_objects(page, fpage.raw)
        except ReadError:
            raise
        except Exception:  # whatever PDFium could not give, pdfminer reads as before
            objects = None
        finally:
            fpage.close()
        if objects is not None:
            page._objects = objects  # pdfplumber's cache of parsed objects: its finders read them from here


_PLAIN_FILTERS = {"ASCII85Decode", "A85", "ASCIIHexDecode", "AHx"}  # shrink the data: no bomb here
_FLATE = {"FlateDecode", "Fl"}
_FLATE_RATIO = 1100  # zlib inflates at most about 1032 times


def _plain_page(page) -> bool:
    """A page PDFium may open: no form XObject (PDFium would inflate its streams unbounded), and
    content streams that inflate within the budget. A stream whose size bounds what it can inflate to
    (one Flate filter) is not decoded here; any other goes through the bounded pdfminer first, which
    raises the budget's error."""
    resources = resolve1(page.page_obj.resources)
    if not isinstance(resources, dict):
        return False
    xobjects = resolve1(resources.get("XObject"))
    if isinstance(xobjects, dict):
        for ref in xobjects.values():
            x = resolve1(ref)
            if not isinstance(x, PDFStream) or getattr(resolve1(x.attrs.get("Subtype")), "name", None) != "Image":
                return False
    cap = current().pdf_stream_mb * MB
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            return False
        try:
            filters = [getattr(f, "name", f) for f, _ in stream.get_filters()]
            flate = [f for f in filters if f not in _PLAIN_FILTERS]
            if flate and (len(flate) > 1 or flate[0] not in _FLATE or len(stream.rawdata or b"") * _FLATE_RATIO > cap):
                stream.get_data()
        except ReadError:
            raise
        except Exception:
            return False  # pdfminer meets the damage again and handles it as it always has
    return True


def _read_pages(pages, doc: Document, mirror: _PdfiumPages, reference: bool) -> None:
    all_chars = cid_chars = 0
    blank_pages: list[int] = []
    read: list[tuple[int, float, list]] = []  # (page number, page height, items)
    for pno, page in enumerate(pages, start=1):
        progress(pno, len(pages))
        mirror.fill(page, pno - 1)
        chars = page.chars
        all_chars += len(chars)
        cid_chars += sum(1 for ch in chars if ch["text"].startswith("(cid:"))
        if not chars:
            blank_pages.append(pno)
            read.append((pno, float(page.height), []))
            continue
        view = page.dedupe_chars() if _has_duplicate_chars(chars) else page  # fake bold: glyphs printed twice
        read.append((pno, float(page.height), _page_items(view, reference)))
        page.close()  # drop the page's parsed objects: a long PDF need not stay in memory
    if all_chars == 0:
        raise UnsupportedFormat("图像型PDF，没有文字层：需要先做OCR")
    if cid_chars > 0.5 * all_chars:
        raise UnsupportedFormat("PDF的文字层无法解码（字体缺少字符映射，文字显示为(cid:…)）：需要先做OCR")
    if cid_chars:
        doc.warnings.append("PDF部分文字无法解码（显示为(cid:…)）")
    if blank_pages:
        shown = "、".join(map(str, blank_pages[:10])) + ("等" if len(blank_pages) > 10 else "")
        doc.warnings.append(f"第{shown}页没有文字层（可能是扫描图像或空白页），已跳过")
    running = _running_lines(read)
    open_table: _Open | None = None
    tables = 0
    for pno, height, items in read:
        if not items:
            open_table = None
            continue
        # page numbers and running headers/footers are noise, and would split a table in two
        items = [
            it for it in items
            if not (isinstance(it, _Line) and _in_margin(it, height)
                    and (_PAGE_NUMBER.match(it.text) or it.text in running))
        ]
        line_no = 0
        for i, item in enumerate(items):
            if isinstance(item, _Line):
                open_table = None
                line_no += 1
                loc = Loc(page=pno, line_start=line_no, line_end=line_no, bbox=item.bbox)
                doc.rows.append(Row([Cell(item.text, loc)], loc, None))
                continue
            cont = _continues(open_table, item) if i == 0 else None
            if cont is not None:
                texts, boxes = cont
                start = open_table.next_row
            else:
                open_table = _Open(tables, item.xs, item.right, item.texts[:_HEADER_ROWS], 1)
                tables += 1
                texts, boxes = item.texts, item.boxes
                start = 1
            index = open_table.index
            rows = []
            for r, (line, bline) in enumerate(zip(texts, boxes), start=start):
                cells = [
                    Cell(t, Loc(page=pno, table=index, row=r, col=c, bbox=b))
                    for c, (t, b) in enumerate(zip(line, bline), start=1)
                ]
                rows.append(Row(cells, Loc(page=pno, table=index, row=r, bbox=_union(bline)), index))
            open_table.next_row = start + len(rows)
            doc.rows.extend(finish_table(rows))
    doc.layout = "tables" if tables else "text"


def _in_margin(line: _Line, height: float) -> bool:
    return line.bbox[1] < 0.1 * height or line.bbox[3] > 0.9 * height


def _running_lines(read) -> set[str]:
    """Texts printed in the top or bottom margin of several pages: running headers and footers."""
    pages_with_text = sum(1 for _, _, items in read if items)
    if pages_with_text < 2:
        return set()
    seen: dict[str, int] = {}
    for _, height, items in read:
        for text in {it.text for it in items if isinstance(it, _Line) and _in_margin(it, height)}:
            seen[text] = seen.get(text, 0) + 1
    need = max(2, pages_with_text // 2)
    return {text for text, n in seen.items() if n >= need}


def _page_items(page, reference: bool = False) -> list:
    """Tables and text lines of one page, top to bottom."""
    found = []
    if page.rects or page.lines or page.curves:
        tables = page.find_tables(_TABLE_SETTINGS) if reference else find_tables(page, _TABLE_SETTINGS)
        for t in tables:
            grid_rows = t.rows
            if len(grid_rows) < 1:
                continue
            raw = _extract(t, grid_rows, page.chars, extract_text if reference else cell_text)
            texts = [[clean_text(v) if v is not None else "" for v in line] for line in raw]
            boxes = [[tuple(round(x, 2) for x in b) if b else None for b in gr.cells] for gr in grid_rows]
            xs = sorted({c[0] for c in t.cells})
            if len(xs) == 1 and len(texts) == 1:
                continue  # a framed box of text, not a table: its text is read as lines
            found.append(_Table(t.bbox[1], tuple(round(x, 2) for x in t.bbox), texts, boxes, xs, t.bbox[2]))
    bboxes = [t.bbox for t in found]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x < b[2] and b[1] <= y < b[3] for b in bboxes)

    text_page = page.filter(outside) if bboxes else page
    items: list = list(found)
    for ln in text_page.extract_text_lines(strip=True, return_chars=False):
        text = clean_text(ln["text"])
        if text:
            items.append(_Line(ln["top"], text, tuple(round(ln[k], 2) for k in ("x0", "top", "x1", "bottom"))))
    items.sort(key=lambda it: it.top)
    return items


def _has_duplicate_chars(chars) -> bool:
    seen = set()
    for ch in chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            return True
        seen.add(key)
    return False


def _extract(table, grid_rows, chars, text_of) -> list[list[str | None]]:
    """Text of each grid position, like pdfplumber's Table.extract() but one pass over the chars.

    Table.extract() scans every char of the page for every row; a char is placed
    here by bisecting the grid, then checked against its owning cell's box.
    """
    cells = table.cells
    tops = sorted({c[1] for c in cells})
    xs = sorted({c[0] for c in cells})
    owner: dict[tuple[int, int], tuple] = {}
    for cell in cells:
        r0, c0 = bisect_right(tops, cell[1]) - 1, bisect_right(xs, cell[0]) - 1
        r = r0
        while r < len(tops) and (r == r0 or tops[r] < cell[3]):
            c = c0
            while c < len(xs) and (c == c0 or xs[c] < cell[2]):
                owner.setdefault((r, c), cell)
                c += 1
            r += 1
    buckets: dict[tuple, list] = {}
    x0, top, x1, bottom = table.bbox
    for ch in chars:
        h = (ch["x0"] + ch["x1"]) / 2
        v = (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= h < x1 and top <= v < bottom):
            continue
        cell = owner.get((bisect_right(tops, v) - 1, bisect_right(xs, h) - 1))
        if cell is not None and cell[0] <= h < cell[2] and cell[1] <= v < cell[3]:
            buckets.setdefault(cell, []).append(ch)
    return [
        [None if cell is None else (text_of(buckets[cell]) if cell in buckets else "") for cell in row.cells]
        for row in grid_rows
    ]


def _continues(open_table: _Open | None, t: _Table):
    """If table t (first thing on its page) goes on with the open table, its rows on that grid."""
    if open_table is None or abs(t.right - open_table.right) > _EDGE_TOL:
        return None
    mapping = []
    for x in t.xs:
        j = next((j for j, x1 in enumerate(open_table.xs) if abs(x - x1) <= _EDGE_TOL), None)
        if j is None:
            return None
        mapping.append(j)
    if mapping[0] != 0:
        return None
    width = len(open_table.xs)
    texts, boxes = [], []
    for line, bline in zip(t.texts, t.boxes):
        new_t, new_b = [""] * width, [None] * width
        for j, value, box in zip(mapping, line, bline):
            new_t[j], new_b[j] = value, box
        texts.append(new_t)
        boxes.append(new_b)
    # a header repeated at the top of the page: drop it
    k = 0
    while k < len(open_table.header) and k < len(texts) and any(texts[k]) and texts[k] == open_table.header[k]:
        k += 1
    return texts[k:], boxes[k:]


def _union(boxes: list) -> tuple | None:
    real = [b for b in boxes if b]
    if not real:
        return None
    return (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real))
