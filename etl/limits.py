"""Per-file budgets: how much time, memory, unpacked bytes and grid one input file may use.

A filing is a few pages; anything far beyond these is either broken or built to
hurt (zip bombs, a merged range over a whole sheet, a span of fifty million
columns). Readers consult `current()`; the worker process that parses a file
sets them with `use()` and enforces time and address space from outside.
Every limit has a named reason in Chinese so the ingest log says which one hit.
"""
from __future__ import annotations

import io
import zipfile
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


def check_zip(data: bytes) -> None:
    """Read the zip directory (no member is opened) and refuse a package that unpacks too big.

    zipfile stops each member at the size its directory entry declares, so
    checking the declared sizes bounds what any reader can inflate.
    """
    lim = current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the reader gives its own "damaged file" reason
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > lim.member_mb * MB:
            raise LimitExceeded(
                f"文件解压后超过 {lim.member_mb} MB（压缩包成员 {info.filename[:60]} 解压后 {info.file_size / MB:,.0f} MB），疑似压缩炸弹"
            )
    if total > lim.unzipped_mb * MB:
        raise unzipped_error(total, lim.unzipped_mb)
    if len(infos) > 10_000:
        raise LimitExceeded(f"压缩包成员过多（{len(infos):,} 个），不是正常的Office文档")
