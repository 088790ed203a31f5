"""Plain-text filings: decode, recognise the layout, and cut into rows of cells.

Real filings reach us as text copied from Word, Excel or web pages. The same
table shows up in several layouts:

- ``tabbed``: one table row per line, cells separated by tabs (seed 000);
- ``tab_cells``: one cell per line, each cell line starting with a tab, table
  rows separated by a blank line, a cell's own line breaks kept (seed 003);
- ``pipe``: markdown-ish ``| a | b |`` lines, rows often broken irregularly;
- ``lines``: one cell per line with blank lines between cells;
- ``spaced``: one row per line, cells separated by spaces;
- ``flattened``: a whole table run onto one long line.

Layouts that keep real grid positions (tabbed, tab_cells) give rows whose
cells line up with the header; the others give a stream of cells that the
parser reads by meaning instead of position (Document.layout says which).
"""
from __future__ import annotations

import codecs
import csv
import io
import re

from etl.records import Cell, Document, Loc, ReadError, Row

GRID_LAYOUTS = {"tabbed", "tab_cells", "csv"}

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"


def _strict(data: bytes, encoding: str) -> str:
    """Decode strictly, except a character cut off at the very end (a file truncated in transfer or
    by a size limit), which is dropped: the rest of the file is intact."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end < len(data) or exc.reason not in ("unexpected end of data", "truncated data", "incomplete multibyte sequence"):
            raise
        return data[:exc.start].decode(encoding)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312), else Big5."""
    if not data.strip():
        raise ReadError("文件为空")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _strict(data[len(codecs.BOM_UTF8):], "utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"UTF-8 文本中有无法解码的字节：第 {exc.start + len(codecs.BOM_UTF8):,} 字节附近") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _strict(data, "utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"UTF-16 文本中有无法解码的字节：第 {exc.start:,} 字节附近") from None
    if b"\x00" in data[:4096]:
        raise ReadError("看起来是二进制文件，不是文本")
    try:
        return _strict(data, "utf-8")
    except UnicodeDecodeError as exc:
        utf8_at = exc.start
    tried = {"UTF-8": utf8_at}
    for name, encoding in (("GB18030", "gb18030"), ("Big5", "big5hkscs")):
        # GB18030 first (a superset of GBK/GB2312, the mainland's); Big5 for traditional-script text saved by
        # an editor in Taiwan or Hong Kong, which GB18030 decodes into junk or not at all
        try:
            text = _strict(data, encoding)
        except UnicodeDecodeError as exc:
            tried[name] = exc.start
            continue
        if _looks_like_text(text):
            return text
        tried[name] = None
    if all(at is not None for at in tried.values()):
        # no encoding read it whole: the one that read furthest is the file's, its position is where the damage is
        raise ReadError(f"无法识别文字编码（试过 {'、'.join(tried)}）：第 {max(tried.values()):,} 字节附近无法解码")
    raise ReadError("无法识别文字编码：内容不像文本")


def _looks_like_text(text: str) -> bool:
    """GB18030 and Big5 decode almost any byte soup: insist on mostly printable text."""
    bad = sum(1 for ch in text if not (ch.isprintable() or ch in "\t\r\n"))
    return bad <= max(5, len(text) // 50)


def join_broken(parts: list[str]) -> str:
    """Join the lines of one cell: no space between CJK, one between Latin words."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z]", part):
            out += " "
        out += part
    return out


def clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return text.strip(" \t\r\n\u3000")


def _blank(line: str) -> bool:
    return not clean(line)


TABBED_CELLS = 3  # tab-separated cells a line that make it a table's row
TABBED_LINES = 3  # such lines that make a text a tabbed one


def detect_layout(lines: list[str]) -> str:
    nonblank = [ln for ln in lines if not _blank(ln)]
    if not nonblank:
        return "lines"
    n = len(nonblank)
    tab_start = sum(1 for ln in nonblank if re.match(r"^\t[^\t]*$", ln))
    inner_tab = sum(1 for ln in nonblank if "\t" in ln.strip("\t") or ln.count("\t") >= 2)
    pipes = sum(1 for ln in nonblank if "|" in ln)
    if tab_start >= max(10, n * 0.4):
        return "tab_cells"
    # a table of three or more cells a line, tab-separated, is a table however much prose stands around it (a
    # report with its short annexed table copied from a web page or Word)
    table_lines = sum(1 for ln in nonblank if ln.strip("\t\r\n ").count("\t") >= TABBED_CELLS - 1)
    if inner_tab >= max(5, n * 0.15) or table_lines >= TABBED_LINES:
        return "tabbed"
    if pipes >= max(5, n * 0.3):
        return "pipe"
    longest = max(len(ln) for ln in nonblank)
    if longest > 600 and n <= 12:
        return "flattened"
    blank_between = sum(1 for a, b in zip(lines, lines[1:]) if not _blank(a) and _blank(b))
    spaced = sum(1 for ln in nonblank if re.search(r"\S\s{1,}\S", clean(ln)))
    # level labels printed one character a line ('产\n出\n指\n标') are no evidence either way: in a short
    # table they outnumber the rows and would outvote the spaces between the rows' cells
    letters = sum(1 for ln in nonblank if len(clean(ln)) == 1)
    if blank_between >= n * 0.6:
        return "lines"
    if spaced >= max(1, n - letters) * 0.3:
        return "spaced"
    return "lines"


def _row(cells: list[tuple[str, int, int]], table: int | None) -> Row:
    """cells: (text, first line, last line), 1-based line numbers."""
    first = min(c[1] for c in cells)
    last = max(c[2] for c in cells)
    return Row(
        cells=[Cell(t, Loc(line_start=a, line_end=b, col=i + 1 if table is not None else None)) for i, (t, a, b) in enumerate(cells)],
        loc=Loc(line_start=first, line_end=last),
        table=table,
    )


def _tabbed(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    table = -1
    in_table = False
    for no, line in enumerate(lines, 1):
        if _blank(line):
            continue
        if "\t" in line:
            if not in_table:
                table += 1
                in_table = True
            rows.append(_row([(clean(c), no, no) for c in line.rstrip("\r\n").split("\t")], table))
        else:
            in_table = False
            rows.append(_row([(clean(line), no, no)], None))
    return rows


def _tab_cells(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    table = -1
    cur: list[list] | None = None  # cells of the open table row: [parts, first, last]
    blanks = 0

    def close():
        nonlocal cur
        if cur:
            rows.append(_row([(join_broken(p), a, b) for p, a, b in cur], table))
        cur = None

    for no, line in enumerate(lines, 1):
        # a bare tab is an empty cell (a merged or blank one), not a blank line
        if _blank(line) and not line.startswith("\t"):
            blanks += 1
            continue
        if line.startswith("\t"):
            if cur is None:
                if not rows or rows[-1].table is None:
                    table += 1
                cur = []
            elif blanks:
                close()
                cur = []
            for k, piece in enumerate(line[1:].split("\t")):
                cur.append([[piece], no, no])
        elif cur is not None and blanks <= 1:
            cur[-1][0].append(line)
            cur[-1][2] = no
        else:
            close()
            rows.append(_row([(clean(line), no, no)], None))
        blanks = 0
    close()
    return rows


def _pipe(lines: list[str]) -> list[Row]:
    rows = []
    for no, line in enumerate(lines, 1):
        cells = [clean(c) for c in line.split("|")]
        cells = [c for c in cells if c]
        if cells:
            rows.append(_row([(c, no, no) for c in cells], None))
    return rows


def _lines(lines: list[str]) -> list[Row]:
    return [_row([(clean(line), no, no)], None) for no, line in enumerate(lines, 1) if not _blank(line)]


def _spaced(lines: list[str]) -> list[Row]:
    rows = []
    for no, line in enumerate(lines, 1):
        text = clean(line)
        if not text:
            continue
        cells = [c for c in re.split(r"\s+", text) if c]
        rows.append(_row([(c, no, no) for c in cells], None))
    return rows


# Page numbers printed between the rows of a copied table ('第 2 页 共 5 页', '- 3 -'): not content,
# and a paragraph row there would end the table.
_PAGE_MARKER = re.compile(
    r"^\s*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–]|\d+\s*/\s*\d+|page\s*\d+(\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)


# A document-sharing site's copy cuts the text into pages of a few hundred characters and opens each with
# its number ('1、 …', '2、…'), wherever the cut falls: inside a word, a title or a cell. Such pages are
# joined back into one line (at the first page's line number; the others left blank so that later line
# numbers still point at the file's lines). Numbered paragraphs of a report are told apart by length: a
# cut page is long and at least one cut falls inside a sentence.
_SHARE_PAGE = re.compile(r"^(\d{1,2})、\s?")
SHARE_PAGE_LEN = 120  # characters of a page before the last (sites cut at about 150 or 300)
_SENTENCE_END = tuple("。；;！？!?：:")


def join_share_pages(lines: list[str]) -> list[str]:
    """Lines with the pages of a document-sharing copy joined back; other text unchanged."""
    marked = [(i, int(m.group(1)), m.end()) for i, ln in enumerate(lines) if (m := _SHARE_PAGE.match(ln))]
    run: list[tuple[int, int, int]] = []
    for i, n, end in marked:  # the first run numbered 1, 2, 3 … without a gap
        if run and n == run[-1][1] + 1:
            run.append((i, n, end))
        elif len(run) >= 2:
            break
        elif n == 1:
            run = [(i, n, end)]
    if len(run) < 2 or any(len(lines[i].strip()) < SHARE_PAGE_LEN for i, _, _ in run[:-1]):
        return lines
    between = [lines[a + 1:b] for (a, _, _), (b, _, _) in zip(run, run[1:])]
    if any(any(not _blank(x) for x in gap) for gap in between):
        return lines  # text between the numbered lines: paragraphs, not pages
    cuts = sum(not lines[i].rstrip().endswith(_SENTENCE_END) for i, _, _ in run[:-1])
    if 2 * cuts < len(run) - 1:
        return lines  # most numbered lines end a sentence: paragraphs
    out = list(lines)
    first = run[0][0]
    out[first] = lines[first][run[0][2]:] + "".join(lines[i][end:] for i, _, end in run[1:])
    for i, _, _ in run[1:]:
        out[i] = ""
    return out


def _csv(text: str) -> list[Row]:
    """A spreadsheet saved as CSV: every line a table row, a blank line between tables."""
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[Row] = []
    table, in_table = -1, False
    for no, cells in enumerate(csv.reader(io.StringIO(text), dialect), 1):
        if not any(c.strip() for c in cells):
            in_table = False
            continue
        filled = [c for c in cells if c.strip()]
        if len(filled) == 1 and len(cells) <= 1:
            rows.append(_row([(clean(filled[0]), no, no)], None))
            in_table = False
            continue
        if not in_table:
            table += 1
            in_table = True
        rows.append(_row([(clean(c), no, no) for c in cells], table))
    return rows


def read_text(data: bytes, name: str) -> Document:
    text = decode(data)
    if name.lower().endswith(".csv"):
        rows = _csv(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not rows:
            raise ReadError("文件没有文字内容")
        return Document(name=name, fmt="csv", rows=rows, layout="csv")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = join_share_pages(["" if _PAGE_MARKER.match(line) else line for line in text.split("\n")])
    if not any(not _blank(ln) for ln in lines):
        raise ReadError("文件没有文字内容")
    layout = detect_layout(lines)
    cut = {
        "tabbed": _tabbed,
        "tab_cells": _tab_cells,
        "pipe": _pipe,
        "lines": _lines,
        "spaced": _spaced,
        "flattened": _spaced,
    }[layout]
    return Document(name=name, fmt="txt", rows=cut(lines), layout=layout)
