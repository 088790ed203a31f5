"""Readers: a file's bytes -> Document (rows of cells with provenance).

One reader per format; sniff.py picks one by content first (magic bytes)
and by extension second, so a mislabelled file is still read or refused
with a clear reason.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

from etl.limits import MB, LimitExceeded, current
from etl.read.docx import read_docx
from etl.read.html import read_html
from etl.read.pdf import read_pdf
from etl.read.sniff import (ACCEPTED, ACCEPTED_NAMES, IGNORED_NAMES, REFUSED, SUPPORTED, binary_controls,  # noqa: F401
                             refusal, sniff, utf16_order)  # (the package's names)
from etl.read.spreadsheetml import read_spreadsheetml
from etl.read.text import read_text
from etl.read.xlsx import read_xls, read_xlsx
from etl.records import Document, ReadError, UnsupportedFormat


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
        return read_text(data, name)
    if fmt == "docx":
        return read_docx(data, name)
    if fmt == "xlsx":
        return read_xlsx(data, name)
    if fmt == "xls":
        return read_xls(data, name)
    if fmt == "pdf":
        return read_pdf(data, name)
    if fmt == "html":
        return read_html(data, name)
    if fmt == "spreadsheetml":
        return read_spreadsheetml(data, name)
    raise UnsupportedFormat(f"不支持的格式：{suffix or '无扩展名'}")


def read_path(path: Path) -> Document:
    return read_bytes(Path(path).read_bytes(), Path(path).name)
