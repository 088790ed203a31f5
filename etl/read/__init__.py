"""Readers: a file's bytes -> Document (rows of cells with provenance).

One reader per format; sniff.py picks one by content first (magic bytes)
and by extension second, so a mislabelled file is still read or refused
with a clear reason.
"""
from __future__ import annotations

import codecs
import csv
import importlib
from pathlib import Path
from typing import Callable

from etl.limits import MB, LimitExceeded, current
from etl.read.sniff import (ACCEPTED, ACCEPTED_NAMES, IGNORED_NAMES, REFUSED, SUPPORTED, binary_controls,  # noqa: F401
                             refusal, sniff, utf16_order)  # (the package's names)
from etl.records import Document, ReadError, UnsupportedFormat

# Each format's reader (module, function), imported when a file of that format is read, not with the package:
# pdfplumber, pdfminer, pypdfium2, bs4, python-docx and xlrd took 0.8 s to import, and the dashboard imports
# this package for the accepted formats' names and refusal() alone (数据导入; 填报详情 through the review panel).
READERS = {
    "txt": ("etl.read.text", "read_text"),
    "docx": ("etl.read.docx", "read_docx"),
    "xlsx": ("etl.read.xlsx", "read_xlsx"),
    "xls": ("etl.read.xlsx", "read_xls"),
    "pdf": ("etl.read.pdf", "read_pdf"),
    "html": ("etl.read.html", "read_html"),
    "spreadsheetml": ("etl.read.spreadsheetml", "read_spreadsheetml"),
}


def reader(fmt: str) -> Callable[[bytes, str], Document]:
    module, name = READERS[fmt]
    return getattr(importlib.import_module(module), name)


def read_bytes(data: bytes, name: str) -> Document:
    suffix = Path(name).suffix.lower()
    refused = refusal(name)
    if refused:
        raise UnsupportedFormat(refused)
    if not data:
        raise ReadError("文件为空")
    fmt = sniff(data, suffix)
    if fmt == "txt":
        cap = current().text_mb * MB
        if len(data) > cap:
            raise LimitExceeded(f"文本文件过大：{len(data) / MB:,.0f} MB（上限 {current().text_mb} MB）")
        # one CSV cell may hold a long narrative (over csv's default 128 KB): the text budget bounds it
        csv.field_size_limit(max(cap, 131072))
        order = utf16_order(data[:4096])
        if order and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            data = data.decode(order, errors="replace").encode("utf-8")  # BOM-less UTF-16 export
        nuls = data.count(b"\x00")
        if nuls and nuls * 100 < len(data) and not binary_controls(data):
            data = data.replace(b"\x00", b"")  # stray NULs in a text file are noise, not content
    if fmt in READERS:
        return reader(fmt)(data, name)
    raise UnsupportedFormat(f"不支持的格式：{suffix or '无扩展名'}")


def read_path(path: Path) -> Document:
    return read_bytes(Path(path).read_bytes(), Path(path).name)
