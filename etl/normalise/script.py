"""Traditional -> simplified characters, for filings printed (or OCR'd) in traditional script.

Matching the fixed vocabulary (一級指標, 產出指標, 項目名稱) and the gazetteer needs
simplified text, and comparisons across counties need one spelling, so a
document found to be traditional is converted whole, with a note saying so.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from etl.records import Cell, Document, Row

_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented: pure Python, ships its dictionaries

    return opencc.OpenCC("t2s")


def is_traditional(text: str, min_share: float = 0.02, min_chars: int = 5) -> bool:
    sample = "".join(_CJK.findall(text))[:4000]
    if not sample:
        return False
    converted = _t2s().convert(sample)
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return changed >= min_chars and changed / len(sample) >= min_share


def to_simplified(doc: Document) -> Document:
    """The document with simplified text if it was printed in traditional script, else itself."""
    text = "".join(c.text for r in doc.rows for c in r.cells)
    if not is_traditional(text):
        return doc
    t2s = _t2s()
    rows = [Row(cells=[Cell(t2s.convert(c.text), c.loc) for c in r.cells], loc=r.loc, table=r.table) for r in doc.rows]
    return replace(doc, rows=rows, warnings=doc.warnings + ["原文为繁体字，已转换为简体字后解析和存储"])
