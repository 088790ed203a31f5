"""Write hostile input files (the cases of issue 11) into a folder, the huge ones on the fly.

    from tests.hostile_files import write_hostile
    cases = write_hostile(tmp_path / "batch")   # {log name: Case}

Each case says what the ingest should end in: "loaded" (a readable filing,
however odd its wrapping) or "failed" with words its reason must contain.
Bombs are small on disk and huge when unpacked; they are built by streaming
so generating them needs little memory.
"""
from __future__ import annotations

import os
import socket
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "data" / "seeds" / "000_ce456aaed79faa76.txt"
SEED_003 = ROOT / "data" / "seeds" / "003_483a086a129c8058.txt"


@dataclass
class Case:
    expect: str  # loaded | failed | any (a special file whose outcome depends on the machine)
    reason: tuple[str, ...] = ()  # each must appear in the failure reason


# --- minimal OOXML packages, written by hand so a bomb never exists in memory ---

_CT_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _xlsx(path: Path, sheet_chunks) -> None:
    """An XLSX whose sheet XML is the concatenation of `sheet_chunks` (streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT_XLSX)
        zf.writestr("_rels/.rels", _RELS_XLSX)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for chunk in _flat(sheet_chunks):
                fh.write(chunk)


_CT_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_TAIL = "</w:body></w:document>"


def _docx(path: Path, body_chunks) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT_DOCX)
        zf.writestr("_rels/.rels", _RELS_DOCX)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(_DOC_HEAD.encode())
            for chunk in _flat(body_chunks):
                fh.write(chunk)
            fh.write(_DOC_TAIL.encode())


def _flat(chunks):
    for chunk in chunks:
        if isinstance(chunk, str):
            yield chunk.encode()
        elif isinstance(chunk, bytes):
            yield chunk
        else:
            yield from _flat(chunk)


def _repeat(piece: bytes, total: int, chunk: int = 1 << 22):
    block = piece * max(1, chunk // len(piece))
    left = total
    while left > 0:
        out = block[:left]
        left -= len(out)
        yield out


# --- a readable filing in other wrappings ---

def _filing_html(charset: str = "utf-8") -> str:
    """The seed filing as an HTML page (rendered by our own writer from the parsed seed)."""
    from etl.parse import parse_document
    from etl.read import read_bytes
    from etl.write import render

    filings = parse_document(read_bytes(SEED_000.read_bytes(), SEED_000.name))
    html = render(filings, "html").decode("utf-8")
    return html.replace('charset="utf-8"', f'charset="{charset}"').replace("charset=utf-8", f"charset={charset}")


def _filing_grid() -> list[list[str]]:
    """The seed filing's cells as a grid, as a workbook shows them (read back from our XLSX writer)."""
    from etl.parse import parse_document
    from etl.read import read_bytes
    from etl.read.xlsx import read_xlsx
    from etl.write import render

    filings = parse_document(read_bytes(SEED_000.read_bytes(), SEED_000.name))
    doc = read_xlsx(render(filings, "xlsx"), "seed.xlsx")
    return [[c.text for c in row.cells] for row in doc.rows]


def _spreadsheetml(rows: list[list[str]]) -> str:
    from xml.sax.saxutils import escape

    body = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="String">{escape(t)}</Data></Cell>' for t in row) + "</Row>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Sheet1"><Table>{body}</Table></Worksheet></Workbook>'
    )


def _pdf_flate_bomb(path: Path, inflated: int) -> None:
    """A one-page PDF whose content stream inflates to `inflated` bytes of spaces."""
    comp = zlib.compressobj(9)
    parts = [comp.compress(c) for c in _repeat(b" ", inflated)]
    parts.append(comp.flush())
    stream = b"".join(parts)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def write_hostile(folder: Path, huge: bool = True) -> dict[str, Case]:
    """Write every case into `folder`; returns {expected log name: Case}.

    huge=False leaves out the cases that take seconds to generate or to refuse
    (50 MB text, 1,048,576-row sheet), for quick runs.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Case] = {}
    seed0 = SEED_000.read_bytes()

    def put(name: str, data: bytes, case: Case) -> None:
        (folder / name).write_bytes(data)
        cases[name] = case

    # everyday: the good ones must load
    put("good.txt", SEED_003.read_bytes(), Case("loaded"))
    put("empty.txt", b"", Case("failed", ("文件为空",)))
    put("binary.txt", bytes(range(256)) * 8, Case("failed", ("二进制",)))
    put("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, Case("failed", ("DOCX",)))
    put("not_a_workbook.xlsx", b"this is not a workbook", Case("failed", (".xlsx",)))
    put("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", Case("failed", ("PDF",)))

    # 1. grid and zip bombs
    _xlsx(folder / "merged_bomb.xlsx", [
        _SHEET_HEAD, '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row></sheetData>',
        '<mergeCells count="1"><mergeCell ref="A200:XFD1048576"/></mergeCells></worksheet>',
    ])
    cases["merged_bomb.xlsx"] = Case("failed", ("表格过大",))
    _docx(folder / "gridspan_bomb.docx", [
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="50000000"/></w:tcPr><w:p><w:r><w:t>项目名称</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    ])
    cases["gridspan_bomb.docx"] = Case("failed", ("表格过大",))
    _docx(folder / "zip_bomb.docx", [_repeat(b"<w:p/>", 400 * 1024 * 1024)])
    cases["zip_bomb.docx"] = Case("failed", ("文件解压后超过",))
    _xlsx(folder / "zip_bomb.xlsx", [_SHEET_HEAD, _repeat(b" ", 400 * 1024 * 1024), "<sheetData/></worksheet>"])
    cases["zip_bomb.xlsx"] = Case("failed", ("文件解压后超过",))

    # 14. HTML span bomb, PDF Flate bomb, NUL bytes
    put("span_bomb.html", ("<html><body><table>" + '<tr><td colspan="1000" rowspan="65534">x</td></tr>' * 50
                           + "</table></body></html>").encode(), Case("failed", ("表格过大",)))
    _pdf_flate_bomb(folder / "flate_bomb.pdf", 300 * 1024 * 1024)
    cases["flate_bomb.pdf"] = Case("failed", ("解压后超过",))
    put("nul_bytes.txt", seed0.replace("。".encode(), "。\x00".encode()), Case("loaded"))

    # 4, 13. names are data: GBK bytes, and the same name in two folders
    gbk = "测试文件.txt".encode("gbk")
    (folder / os.fsdecode(gbk)).write_bytes(seed0.replace("2024".encode(), "2023".encode(), 1))
    cases[gbk.decode("utf-8", "backslashreplace")] = Case("loaded")
    for sub in ("甲", "乙"):
        (folder / sub).mkdir(exist_ok=True)
        (folder / sub / "报告.txt").write_text(f"{sub}单位的说明，不是绩效文件。\n", encoding="utf-8")
        cases[f"{sub}/报告.txt"] = Case("failed", ("没有找到绩效文件",))

    # 12. not regular files, missing targets
    os.mkfifo(folder / "pipe.txt")
    cases["pipe.txt"] = Case("failed", ("FIFO",))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(folder / "socket.txt"))
    sock.close()
    cases["socket.txt"] = Case("failed", ("套接字",))
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    cases["dangling.txt"] = Case("failed", ("悬空链接",))
    os.symlink("loop.txt", folder / "loop.txt")
    cases["loop.txt"] = Case("failed", ("符号链接循环",))
    (folder / "empty_folder").mkdir(exist_ok=True)
    os.symlink(".", folder / "self_link")  # a folder that contains itself
    cases["self_link"] = Case("failed", ("符号链接循环",))

    # 6. text size: 50 MB refused quickly by the text budget
    if huge:
        line = "一、基本情况。本项目年初预算100万元，全年执行率99%。\n".encode()
        with open(folder / "huge_50mb.txt", "wb") as fh:
            for chunk in _repeat(line, 50 * 1024 * 1024):
                fh.write(chunk)
        cases["huge_50mb.txt"] = Case("failed", ("MB",))
        # 14. a million rows
        def rows():
            yield _SHEET_HEAD + "<sheetData>"
            for r in range(1, 1_048_577, 4096):
                yield "".join(f'<row r="{k}"><c r="A{k}"><v>{k}</v></c></row>' for k in range(r, min(r + 4096, 1_048_577)))
            yield "</sheetData></worksheet>"
        _xlsx(folder / "million_rows.xlsx", rows())
        cases["million_rows.xlsx"] = Case("failed", ("表格过大",))
    return cases


def hostile_with_wrappings(folder: Path) -> dict[str, Case]:
    """Item 10/11 cases: a real filing as government sites serve it (.xls that is HTML, XML or TSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Case] = {}
    html = _filing_html()

    def put(name: str, data: bytes, case: Case) -> None:
        (folder / name).write_bytes(data)
        cases[name] = case

    put("bom_html.xls", b"\xef\xbb\xbf" + html.encode("utf-8"), Case("loaded"))
    style = "<style>" + ".x{color:red}\n" * 2000 + "</style>"
    put("long_style.xls", html.replace("<head>", "<head>" + style, 1).encode("utf-8"), Case("loaded"))
    put("utf16_html.xls", html.encode("utf-16"), Case("loaded"))
    grid = _filing_grid()
    put("spreadsheetml_2003.xls", _spreadsheetml(grid).encode("utf-8"), Case("loaded"))
    put("tab_separated.xls", "\n".join("\t".join(row) for row in grid).encode("gb18030"), Case("loaded"))
    long_cell = [row[:] for row in grid]
    long_cell[-1] = long_cell[-1] + ["说明" * 100_000]  # one cell of 200,000 characters
    put("long_cell.csv", "\n".join(",".join(f'"{t}"' for t in row) for row in long_cell).encode("utf-8"), Case("loaded"))
    put("base64_charset.html", _filing_html("base64").encode("utf-8"), Case("loaded"))
    put("lying_utf16.html", _filing_html("utf-16").encode("utf-8"), Case("loaded"))
    return cases


# --- real filings with a large declared size and little to read (issue 22, item 6) ---

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="2"><border/><border><left style="thin"/><right style="thin"/><top style="thin"/>'
    '<bottom style="thin"/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/></cellXfs>'
    "</styleSheet>"
)
_CT_XLSX_STYLED = _CT_XLSX.replace(
    "</Types>",
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
)
_WORKBOOK_RELS_STYLED = _WORKBOOK_RELS.replace(
    "</Relationships>",
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>',
)


def _column(k: int) -> str:
    name = ""
    while k:
        k, r = divmod(k - 1, 26)
        name = chr(65 + r) + name
    return name


def _grid_rows(grid: list[list[str]]) -> str:
    from xml.sax.saxutils import escape

    return "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{_column(c)}{r}" s="1" t="inlineStr"><is><t>{escape(t)}</t></is></c>'
            for c, t in enumerate(row, 1) if t) + "</row>"
        for r, row in enumerate(grid, 1)
    )


def _styled_xlsx(path: Path, dimension: str, sheet_chunks) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CT_XLSX_STYLED)
        zf.writestr("_rels/.rels", _RELS_XLSX)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS_STYLED)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'{_SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in _flat(sheet_chunks):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")


def write_real_sized(folder: Path) -> dict[str, Case]:
    """Readable filings whose packages declare far more than they hold; each must load.

    - a sheet formatted (border style) down to row 1,048,576: a million styled rows with a
      styled empty cell each after the filing's rows;
    - a sheet 16,000 columns wide: 150 rows of styled empty cells across them, the filing in
      the first columns;
    - a DOCX carrying a 1.1 GB part that no relationship names.
    """
    folder.mkdir(parents=True, exist_ok=True)
    grid = _filing_grid()
    n = len(grid)

    def styled_rows():
        for start in range(n + 1, 1_048_577, 8192):
            yield "".join(f'<row r="{k}" s="1" customFormat="1" ht="14.25"><c r="A{k}" s="1"/></row>'
                          for k in range(start, min(start + 8192, 1_048_577)))

    _styled_xlsx(folder / "styled_to_last_row.xlsx", "A1:H1048576", [_grid_rows(grid), styled_rows()])

    width = 16_000
    last = _column(width)

    def wide_rows():
        for r in range(1, 151):
            cells = grid[r - 1] if r <= n else []
            filled = "".join(f'<c r="{_column(c)}{r}" s="1" t="inlineStr"><is><t>{t}</t></is></c>'
                             for c, t in enumerate(cells, 1) if t).replace("&", "&amp;")
            empty = "".join(f'<c r="{_column(c)}{r}" s="1"/>' for c in range(len(cells) + 1, width + 1))
            yield f'<row r="{r}" spans="1:{width}">{filled}{empty}</row>'

    _styled_xlsx(folder / "wide_16000_columns.xlsx", f"A1:{last}150", wide_rows())

    from etl.parse import parse_document
    from etl.read import read_bytes
    from etl.write import render

    docx = render(parse_document(read_bytes(SEED_000.read_bytes(), SEED_000.name)), "docx")
    target = folder / "unused_large_part.docx"
    target.write_bytes(docx)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("customXml/unused.bin", "w", force_zip64=True) as fh:
            for chunk in _repeat(b"\0", 1100 * 1024 * 1024, 1 << 24):
                fh.write(chunk)
    return {"styled_to_last_row.xlsx": Case("loaded"), "wide_16000_columns.xlsx": Case("loaded"),
            "unused_large_part.docx": Case("loaded")}
