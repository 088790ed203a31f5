"""Helpers shared by the binary readers: cell text cleaning, number display, grids."""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from etl.records import Cell, Loc, Row

# Spaces that mean "space" but are not ' ' (NBSP, figure / narrow NBSP, thin spaces).
# The ideographic space U+3000 is kept: it is a full-width character of the text.
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BREAK = re.compile(r"\r\n|[\r\n\v\f\u2028\u2029\x85]")
# A line break between two of these keeps one space ("2023 年" stays apart, "Level\n2" -> "Level 2").
_LATIN_END = re.compile(r"[A-Za-z0-9%,;:)\]]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\[]")


def clean_text(text: str | None) -> str:
    """One cell's text: strip, normalise odd spaces, join wrapped lines.

    Wrapped lines join without a space (a line break inside '经济效\\n益指标' is
    layout, not content) unless both sides are Latin letters or digits, where
    the break stood for a space.
    """
    if not text:
        return ""
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text)).replace("\t", " ")
    out = ""
    for line in _BREAK.split(text):
        line = line.strip()
        if not line:
            continue
        if out and _LATIN_END.search(out) and _LATIN_START.search(line):
            out += " "
        out += line
    return out


def finish_table(rows: list[Row]) -> list[Row]:
    """Pad a table's rows to its grid width and drop fully blank rows."""
    width = max((len(r.cells) for r in rows), default=0)
    out = []
    for row in rows:
        if not any(c.text for c in row.cells):
            continue
        for c in range(len(row.cells), width):
            loc = row.loc
            row.cells.append(Cell("", Loc(page=loc.page, sheet=loc.sheet, table=loc.table, row=loc.row, col=c + 1)))
        out.append(row)
    return out


def text_row(text: str, loc: Loc) -> Row:
    """A paragraph of free text: one cell, no table."""
    return Row([Cell(text, loc)], loc, None)


# --- numbers as a spreadsheet prints them -----------------------------------

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _sections(fmt: str) -> list[str]:
    """Format sections split on ';' outside quotes."""
    out, cur, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def plain_number(value: float) -> str:
    """A float without float noise or exponent: 0.30000000000000004 -> '0.3', 3.0 -> '3'."""
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    s = format(Decimal(f"{value:.15g}"), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def format_number(value: float | int, fmt: str | None) -> str:
    """A numeric cell as printed under its number format (General, 0.00, #,##0, 0%, 0.0%)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = (fmt or "General").strip()
    sections = _sections(fmt)
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1].strip():
        # The negative section prints its own sign (or brackets); we keep a plain minus.
        section = sections[1]
    code = _QUOTED.sub("", section)
    if not re.search(r"[0#?]", code) or re.search(r"[Ee][+-]|/", code):
        return plain_number(value)
    percent = "%" in code
    m = re.search(r"\.([0#?]+)", code)
    decimals = len(m.group(1)) if m else 0
    shown = value * 100 if percent else value
    grouping = "," if re.search(r"[0#?],[0#?]", code) else ""
    s = format(shown, f"{grouping}.{decimals}f")
    if m and "#" in m.group(1) and "." in s:
        # '#' decimals are optional digits: 0.## prints 1.5, not 1.50
        keep = decimals - m.group(1).count("#")
        intpart, frac = s.split(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * max(0, keep - len(frac))
        s = intpart + ("." + frac if frac else "")
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    return s + ("%" if percent else "")


def format_date(value: dt.datetime | dt.date | dt.time) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%H:%M:%S")
