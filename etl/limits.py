"""Per-file budgets: how much time, memory, unpacked bytes and grid one input file may use.

A filing is a few pages; anything far beyond these is either broken or built to
hurt (zip bombs, a merged range over a whole sheet, a span of fifty million
columns). Readers consult `current()`; the worker process that parses a file
sets them with `use()` and enforces time and address space from outside.
Every limit has a named reason in Chinese so the ingest log says which one hit.
"""
from __future__ import annotations

import html
import io
import posixpath
import re
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass, fields

from etl.records import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0  # wall clock per file, read + parse + check (the sample corpus needs < 4 s);
    # a PDF that reports pages gets this much per page, up to 20 times this in all
    memory_mb: int = 1024  # address space a worker may add while parsing one file
    file_mb: int = 200  # size of the file on disk
    unzipped_mb: int = 300  # all members of an XLSX/DOCX together, uncompressed
    member_mb: int = 150  # one member of an XLSX/DOCX, uncompressed
    text_mb: int = 10  # a plain-text / CSV file (a real report is well under 1 MB)
    rows: int = 100_000  # rows of one table
    cols: int = 2_000  # columns of one table (and one gridSpan/colspan)
    cells: int = 2_000_000  # rows x columns of one table, merged ranges included
    pdf_pages: int = 2_000
    pdf_stream_mb: int = 100  # one decompressed PDF stream

    @classmethod
    def help_lines(cls) -> list[str]:
        d = cls()
        return [f"{f.name}={getattr(d, f.name)}" for f in fields(cls)]


_CURRENT = Limits()
_PROGRESS = None  # set in a worker: tells the parent a long file is still moving


def set_progress(hook) -> None:
    global _PROGRESS
    _PROGRESS = hook


def progress(done: int, total: int) -> None:
    """A reader reports a unit of work (a PDF page): the file's clock restarts, so a long
    PDF that keeps reading is not cut off, while a page that hangs still is."""
    if _PROGRESS is not None:
        _PROGRESS(done, total)


def current() -> Limits:
    return _CURRENT


def use(limits: Limits) -> None:
    global _CURRENT
    _CURRENT = limits


class LimitExceeded(ReadError):
    """A file went past one of its budgets; the message names the limit."""


def grid_error(rows: int, cols: int) -> LimitExceeded:
    lim = current()
    return LimitExceeded(
        f"表格过大：{rows:,} 行 × {cols:,} 列（上限 {lim.rows:,} 行、{lim.cols:,} 列、共 {lim.cells:,} 个单元格）"
    )


def check_grid(rows: int, cols: int) -> None:
    """Refuse a table (or a merged range, or a span) larger than the grid budget."""
    lim = current()
    if rows > lim.rows or cols > lim.cols or rows * cols > lim.cells:
        raise grid_error(rows, cols)


def unzipped_error(total_bytes: int, cap_mb: int) -> LimitExceeded:
    return LimitExceeded(f"文件解压后超过 {cap_mb} MB（压缩包内容共 {total_bytes / MB:,.0f} MB），疑似压缩炸弹")


_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
MAP_MB = 16  # a relationship or content-type part larger than this is not a map: every part then counts


def _attrs(tag_body: bytes) -> dict[bytes, str]:
    out = {}
    for m in _ATTR.finditer(tag_body):
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).split(b":")[-1]] = html.unescape(raw.decode("utf-8", "replace"))
    return out


def opened_parts(zf) -> set[str] | None:
    """The members of an OOXML package that a reader opens, by the package's own maps.

    openpyxl and python-docx read [Content_Types].xml, the relationship parts and the
    parts they name (python-docx every part a relationship reaches, openpyxl those it
    needs, some found by content type). A part no relationship and no content type names
    is never opened, however large it says it is. None when the maps cannot be read:
    then every member counts.
    """
    infos = zf.infolist()
    by_lower = {i.filename.lower(): i.filename for i in infos}
    maps = [i for i in infos if i.filename.lower().endswith(".rels") or i.filename == "[Content_Types].xml"]
    if not any(i.filename.lower().endswith(".rels") for i in maps) or any(i.file_size > MAP_MB * MB for i in maps):
        return None
    opened = {i.filename for i in maps}
    for info in maps:
        try:
            with zf.open(info) as fh:
                text = fh.read(MAP_MB * MB)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
            return None
        if info.filename == "[Content_Types].xml":
            targets = [a.get(b"PartName", "") for a in map(_attrs, _OVERRIDE.findall(text))]
            base = ""
        else:
            # dir/_rels/name.rels describes dir/name: its targets are relative to dir/
            base = posixpath.dirname(posixpath.dirname(info.filename))
            targets = [a.get(b"Target", "") for a in map(_attrs, _REL.findall(text))
                       if a.get(b"TargetMode", "").lower() != "external"]
        for target in targets:
            target = target.replace("\\", "/")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            path = posixpath.normpath(path).lstrip("/")
            for candidate in (path, urllib.parse.unquote(path)):
                if candidate.lower() in by_lower:
                    opened.add(by_lower[candidate.lower()])
    return opened


def check_zip(data: bytes) -> set[str] | None:
    """Read the zip directory and refuse a package whose opened parts unpack too big.

    Only the parts a reader opens count (opened_parts): a package carrying a large part
    nothing refers to loads. zipfile stops each member at the size its directory entry
    declares, so checking the declared sizes of the opened parts bounds what any reader
    can inflate. Returns the opened parts (None: all).
    """
    lim = current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > 10_000:
                raise LimitExceeded(f"压缩包成员过多（{len(infos):,} 个），不是正常的Office文档")
            opened = opened_parts(zf)
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # the reader gives its own "damaged file" reason
    total = 0
    for info in infos:
        if opened is not None and info.filename not in opened:
            continue
        total += info.file_size
        if info.file_size > lim.member_mb * MB:
            raise LimitExceeded(
                f"文件解压后超过 {lim.member_mb} MB（压缩包成员 {info.filename[:60]} 解压后 {info.file_size / MB:,.0f} MB），疑似压缩炸弹"
            )
    if total > lim.unzipped_mb * MB:
        raise unzipped_error(total, lim.unzipped_mb)
    return opened


def xml_failure(exc: Exception, part: str, size: int) -> LimitExceeded | None:
    """A limit named for an XML parser failure that only says it failed: lxml reports libxml2
    running out of memory inside a large part as "XMLSyntaxError: unknown error". A DOM takes
    many times its XML's size, so a part above an eighth of the memory budget is the cause."""
    text = str(exc).lower()
    opaque = "unknown error" in text or "memory" in text or "huge" in text
    if type(exc).__name__ == "XMLSyntaxError" and opaque and size * 8 > current().memory_mb * MB:
        return LimitExceeded(f"文档内容过大：{part[:60]} 解压后 {size / MB:,.0f} MB，"
                             f"解析所需内存超过上限 {current().memory_mb} MB")
    return None
