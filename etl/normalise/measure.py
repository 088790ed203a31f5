"""Read a printed target or actual value as a measure: operator, number, unit.

`≥95%` -> ('>=', 95.0, '%'); `≧735人次` -> ('>=', 735.0, '人次'); `不低于90%`
-> ('>=', 90.0, '%'); `7人` -> (None, 7.0, '人'). Anything that is not one
number with an optional operator and a short unit (a date, a range, a
sentence, two numbers) is not a measure and gives None.
"""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.measures import fold  # defined there; the parser still imports it from here (Parser v3 switches)
from etl.records import Measure

_OPS = list(lexicon().operators)  # printed operator -> symbol, longest first (etl/lexicon.toml)
_SUFFIX_OPS = list(lexicon().suffix_operators)  # 95%以上 -> >=, 10万元以内 -> <=
_UNIT_ALIASES = lexicon().unit_aliases

_NUM = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
_NUM_RE = re.compile(_NUM)
_AMOUNT_SUFFIX = re.compile(r"(万元|元|分|万)$")
_MEASURE = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>[^\d\s]{{0,8}})$")
# Things that hold digits but are dates or periods, not quantities.
_DATE = re.compile(
    r"^(19|20)\d{2}\s*(年|-|/)\s*\d{1,2}"  # 2023年12月, 2023-07
    r"|^(19|20)\d{2}\.(0?[1-9]|1[0-2])(?![\d.])(?!\s*(万|元|%|个|人|次|天|所|家))"  # 2023.07, but not 2023.5万元
    r"|^\d{1,2}\s*月|^(19|20)\d{2}\s*年(度)?$"
)


def parse_measure(text: str | None) -> Measure | None:
    if text is None:
        return None
    s = fold(text)
    if not s or not re.search(r"\d", s):
        return None
    op = None
    for word, sym in _OPS:
        if s.startswith(word):
            op, s = sym, s[len(word):]
            break
    for word, sym in _SUFFIX_OPS:
        if s.endswith(word):
            if op is None:
                op = sym
            s = s[: -len(word)]
            break
    if _DATE.match(s):
        return None
    m = _MEASURE.match(s)
    if not m:
        return None
    num = float(m.group("num").replace(",", ""))
    raw_unit = m.group("unit") or None
    if raw_unit and re.search(r"[，,。；;:：（）()、]", raw_unit):
        return None
    unit = _UNIT_ALIASES.get(raw_unit, raw_unit) if raw_unit else None
    return Measure(op=op, num=num, unit=unit, raw_unit=raw_unit if unit != raw_unit else None)


def parse_number(text: str | None) -> float | None:
    """A plain amount or score cell: '116.41', '1,234.5', '10分', '160.48万元'. None if not one number."""
    if text is None:
        return None
    s = fold(text)
    s = _AMOUNT_SUFFIX.sub("", s)
    if _NUM_RE.fullmatch(s):
        return float(s.replace(",", ""))
    return None


def parse_rate(text: str | None) -> float | None:
    """执行率 as a fraction: '86%' -> 0.86, '100%' -> 1.0, '0.86' -> 0.86, '86' -> 0.86."""
    if text is None:
        return None
    s = fold(text)
    pct = s.endswith("%") or s.endswith("百分比")
    s = s.rstrip("%").removesuffix("百分比")
    if not re.fullmatch(_NUM, s):
        return None
    v = float(s.replace(",", ""))
    if pct or v > 1.5:
        v /= 100.0
    return round(v, 6)


MAX_OCR_NUMBER = 5  # characters: only a short cell is read through OCR's letter-for-digit confusions


def parse_number_ocr(text: str | None) -> float | None:
    """A number cell read through OCR's confusions ('l0', 'IO' -> 10), for cells that must hold a number."""
    n = parse_number(text)
    if n is not None or text is None:
        return n
    s = fold(text)
    table = lexicon().ocr_digits
    if len(s) > MAX_OCR_NUMBER or not all(c.isdigit() or c == "." or c in table for c in s):
        return None
    return parse_number("".join(table.get(c, c) for c in s))
