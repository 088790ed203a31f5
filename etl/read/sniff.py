"""What format a file is, from its bytes first and its extension second.

A mislabelled file is still read (a web page saved as .xls is HTML), and a file no
reader takes is refused with a reason (旧版 Word, images that need OCR, a damaged file).
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from etl.records import ReadError, UnsupportedFormat

# The formats a user may import, by extension: one list, read by `jixiao ingest` (read_bytes) and by the
# dashboard's upload page (its file chooser and its check), so both accept and refuse the same files with the
# same message. A format is still recognised by its bytes once accepted (a web page saved as .xls is HTML).
ACCEPTED = {".txt": "TXT", ".csv": "CSV", ".tsv": "TSV", ".md": "TXT", ".docx": "DOCX", ".xlsx": "XLSX",
            ".xlsm": "XLSX", ".xls": "XLS", ".xml": "XML（Excel 2003）", ".pdf": "PDF", ".html": "HTML",
            ".htm": "HTML"}
SUPPORTED = set(ACCEPTED)
ACCEPTED_NAMES = "、".join(dict.fromkeys(v.split("（")[0] for v in ACCEPTED.values()))
REFUSED = {
    ".doc": "旧版 Word (.doc) 格式暂不支持：请另存为 DOCX 后再导入",
    ".wps": "WPS 文字 (.wps) 格式暂不支持：请另存为 DOCX 后再导入",
    ".et": "WPS 表格 (.et) 格式暂不支持：请另存为 XLSX 后再导入",
    ".png": "图片文件需要先做 OCR，暂不支持",
    ".jpg": "图片文件需要先做 OCR，暂不支持",
    ".jpeg": "图片文件需要先做 OCR，暂不支持",
    ".tif": "图片文件需要先做 OCR，暂不支持",
    ".tiff": "图片文件需要先做 OCR，暂不支持",
}
# Files that are never filings; skipped silently when walking folders.
IGNORED_NAMES = {"manifest.json", ".DS_Store", "Thumbs.db"}


def sniff(data: bytes, suffix: str) -> str:
    """Format from the bytes, falling back to the extension."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        if suffix == ".docx":
            return "docx"
        # An OOXML zip with another name: look inside.
        if b"word/" in data[:4096] or b"word/document.xml" in data:
            return "docx"
        if b"xl/" in data[:4096] or b"xl/workbook.xml" in data:
            return "xlsx"
        raise UnsupportedFormat("是 ZIP 压缩包，但不是 DOCX 或 XLSX")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, .doc, .wps
        if suffix == ".xls":
            return "xls"
        raise UnsupportedFormat(REFUSED.get(suffix, "旧版 Office 二进制格式暂不支持：请另存为 DOCX 或 XLSX"))
    if suffix in REFUSED:
        raise UnsupportedFormat(REFUSED[suffix])
    markup = sniff_markup(data)
    if markup:
        return markup
    if suffix in (".html", ".htm") or b"<table" in data[:2048].lower():
        return "html"
    if suffix == ".xls" and _looks_like_text(data):
        return "txt"  # tab-separated text that a site's "导出Excel" saved as .xls
    if suffix in (".xlsx", ".docx", ".pdf", ".xls"):
        raise ReadError(f"扩展名是 {suffix}，但内容不是该格式（文件可能已损坏）")
    return "txt"


_SPREADSHEETML_NS = b"urn:schemas-microsoft-com:office:spreadsheet"
_HTML_TAG = re.compile(rb"<(html|head|body|table|meta|style|title|!doctype\s+html)\b", re.I)
_LEADING_MARKUP = re.compile(rb"^\s*(<\?xml[^>]*>\s*|<\?mso[^>]*>\s*|<!--.*?-->\s*)*<", re.S)


def head_ascii(data: bytes, size: int = 65536) -> bytes:
    """The first bytes of a file with markup made comparable: BOM dropped, UTF-16 made 8-bit."""
    head = data[: size * 2]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_order(head):
        enc = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else utf16_order(head)
        head = head[: len(head) // 2 * 2].decode(enc, errors="ignore").encode("utf-8", errors="ignore")
    return head[:size].removeprefix(codecs.BOM_UTF8)


def utf16_order(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when BOM-less bytes look like UTF-16 markup or text (every other byte NUL)."""
    sample = head[:512]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def sniff_markup(data: bytes) -> str | None:
    """'html' or 'spreadsheetml' when the bytes are a web page or an Excel 2003 XML workbook,
    whatever the extension, encoding or length of the <head>."""
    head = head_ascii(data)
    if not _LEADING_MARKUP.match(head):
        return None
    low = head.lower()
    if _SPREADSHEETML_NS in low and b"<workbook" in low:
        return "spreadsheetml"
    if _HTML_TAG.search(low):
        return "html"
    return None


_CONTROLS = [bytes([b]) for b in range(1, 32) if b not in (9, 10, 12, 13)]


def binary_controls(data: bytes) -> bool:
    """More than a trace of control bytes besides NUL: binary, not text with stray NULs."""
    head = data[:65536]
    return sum(head.count(c) for c in _CONTROLS) * 200 > len(head)


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if utf16_order(head) or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if head.count(b"\x00") * 100 > len(head):
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # cut in the middle of a character
                return True
    return False


def refusal(name: str) -> str | None:
    """Why a file of this name is not imported, before reading it (None: its bytes decide): the one
    message both `jixiao ingest` and the upload page give for a format outside ACCEPTED. The old Office
    and image formats (REFUSED) are refused by their bytes, so a DOCX saved as .doc is still read."""
    suffix = Path(name).suffix.lower()
    if suffix in ACCEPTED or suffix in REFUSED:
        return None
    return f"不支持的文件格式（{suffix or '无扩展名'}）：可导入 {ACCEPTED_NAMES} 文件"
