"""Read an HTML page: data tables (rowspan/colspan resolved) and the text around them.

A table that holds other tables is page layout, not data: its cells are read
as ordinary blocks so the data tables inside come out as tables.
"""
from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from charset_normalizer import from_bytes

from etl.limits import check_grid, current, grid_error
from etl.read.cell_text import clean_text, finish_table, text_row
from etl.read.sniff import utf16_order
from etl.records import Cell, Document, Loc, ReadError, Row, library_error

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Pages that say gb2312 / gbk almost always hold characters only GB18030 (its superset) has.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}

_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "ul", "tr", "td", "th", "caption",
    "tbody", "thead", "tfoot", "title", "body", "html", "option",
}
_DROP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MAX_SPAN = 1000


def decode_html(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: BOM, BOM-less UTF-16, valid UTF-8, the declared charset, GB18030, detection.

    Declarations lie (a page saying utf-16 but written in UTF-8, a gb2312 page
    saved as UTF-8 by a later editor), so bytes that are valid UTF-8 are read
    as UTF-8 whatever the page says; a declaration naming no text encoding
    (charset=base64) is ignored.
    """
    warnings: list[str] = []
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, enc in boms:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), warnings
    order = utf16_order(data[:4096])
    if order:
        return data.decode(order, errors="replace"), warnings
    head = data[:65536]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = enc = None
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        enc = _WIDER.get(declared, declared)
        try:
            if not codecs.lookup(enc)._is_text_encoding:  # base64, zlib, rot13: codecs, not charsets
                raise LookupError(enc)
            if codecs.lookup(enc).name.startswith(("utf-16", "utf-32")):
                enc = None  # no BOM and no NUL pattern: the page is not UTF-16 whatever it says
        except LookupError:
            warnings.append(f"网页声明了未知的字符编码「{declared}」，已自动识别")
            enc = None
    try:
        text = data.decode("utf-8")
        if enc and codecs.lookup(enc).name != "utf-8" and not data.isascii():
            warnings.append(f"网页声明的字符编码（{declared}）与内容不符，已按utf-8读取")
        return text, warnings
    except UnicodeDecodeError:
        pass
    for candidate in [e for e in (enc, "gb18030") if e]:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if declared and candidate != enc:
            warnings.append(f"网页声明的字符编码与内容不符，已按{candidate}读取")
        return text, warnings
    try:
        best = from_bytes(data[:1_000_000]).best()
    except Exception:  # detection is a last resort; never the reason a page fails
        best = None
    guess = best.encoding if best is not None else (enc or "gb18030")
    warnings.append(f"网页字符编码有误，按{guess}读取，个别字符已替换")
    return data.decode(guess, errors="replace"), warnings


def read_html(data: bytes, name: str) -> Document:
    text, warnings = decode_html(data)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as e:
        raise library_error("网页无法解析（文件可能已损坏）", e) from None
    reader = _Reader()
    root = soup.body or soup
    try:
        reader.walk(root)
    except RecursionError:
        raise ReadError("网页结构嵌套过深，无法解析") from None
    reader.flush()
    if not reader.rows:
        warnings.append("网页里没有可读的文字")
    return Document(name=name, fmt="html", rows=reader.rows,
                    layout="tables" if reader.tables else "text", warnings=warnings)


def _hidden(tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN.search(tag.get("style", "") or ""))


class _Reader:
    def __init__(self):
        self.rows: list[Row] = []
        self.buf: list[str] = []
        self.tables = 0
        self.paras = 0
        self.cells = 0  # grid cells built over the whole page, spans included

    def flush(self) -> None:
        text = clean_text(_collapse("".join(self.buf)))
        self.buf = []
        if text:
            self.paras += 1
            self.rows.append(text_row(text, Loc(line_start=self.paras, line_end=self.paras)))

    def walk(self, node) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            tag = child.name
            if tag in _DROP or _hidden(child):
                continue
            if tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                if child.find("table") is not None:
                    self.walk(child)  # layout table
                else:
                    self.table(child)
                self.flush()
            elif tag in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table) -> None:
        caption = table.find("caption")
        if caption is not None:
            text = clean_text(_collapse(_tag_text(caption)))
            if text:
                self.paras += 1
                self.rows.append(text_row(text, Loc(line_start=self.paras, line_end=self.paras)))
        index = self.tables
        grid: list[list[str | None]] = []
        width = 0
        n_rows = sum(1 for _ in _own_rows(table))
        for r, tr in enumerate(_own_rows(table)):
            while len(grid) <= r:
                grid.append([])
            line = grid[r]
            c = 0
            for td in tr.find_all(["td", "th"], recursive=False):
                if _hidden(td):
                    continue
                while c < len(line) and line[c] is not None:
                    c += 1
                # rowspans past the last <tr> are dropped by browsers: never build them
                rowspan = min(_span(td.get("rowspan")), max(1, n_rows - r))
                colspan = _span(td.get("colspan"))
                width = max(width, c + colspan)
                check_grid(max(len(grid), r + rowspan), width)
                self.cells += rowspan * colspan
                if self.cells > current().cells:
                    raise grid_error(max(len(grid), r + rowspan), width)
                text = clean_text(_collapse(_tag_text(td)))
                for dr in range(rowspan):
                    while len(grid) <= r + dr:
                        grid.append([])
                    target = grid[r + dr]
                    while len(target) < c + colspan:
                        target.append(None)
                    for dc in range(colspan):
                        target[c + dc] = text if (dr, dc) == (0, 0) else ""
                c += colspan
        # rowspans may reach past the last <tr>: browsers drop those rows too
        grid = grid[:n_rows]
        rows = []
        for r, line in enumerate(grid, start=1):
            cells = [Cell(t or "", Loc(table=index, row=r, col=c)) for c, t in enumerate(line, start=1)]
            rows.append(Row(cells, Loc(table=index, row=r), index))
        rows = finish_table(rows)
        if rows:
            self.rows.extend(rows)
            self.tables += 1


def _own_rows(table):
    """The table's <tr>s (directly or in thead/tbody/tfoot), not those of nested tables."""
    for child in table.find_all("tr"):
        if child.find_parent("table") is table:
            yield child


def _span(value) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), _MAX_SPAN)


def _tag_text(tag) -> str:
    """Text of a cell with <br> and block elements as line breaks."""
    parts: list[str] = []

    def walk(node):
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name in _DROP or _hidden(child):
                    continue
                if child.name == "br":
                    parts.append("\n")
                elif child.name in _BLOCK:
                    parts.append("\n")
                    walk(child)
                    parts.append("\n")
                else:
                    walk(child)

    walk(tag)
    return "".join(parts)


def _collapse(text: str) -> str:
    """HTML white space: a run with a line break is a line break, other runs one space."""
    text = text.replace("\u00a0", "\x00")  # &nbsp; is a real space: keep it from collapsing
    text = re.sub(r"[ \t\r\f]*\n[ \t\r\n\f]*", "\n", text)
    text = re.sub(r"[ \t\r\f]+", " ", text)
    return text.replace("\x00", " ")
