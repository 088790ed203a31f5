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
    prefix, suffix = _literals(section)
    return prefix + s + ("%" if percent else "") + suffix


# A format section's pieces: quoted text, an escaped character, a bracket ([Red], [$-804]), padding (_x), fill
# (*x), or one character.
_FORMAT_PIECE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|.', re.S)
# What prints around the figure but is no text of it: the number's own marks, padding spaces and brackets of
# accounting formats, and currency signs (an amount is read without its sign, as the parser reads amounts).
_NOT_LITERAL = set("0#?.,%() -+_*$¥￥€£")


def _literals(section: str) -> tuple[str, str]:
    """The text a number format prints before and after the figure: '0"公里"' prints '12公里', '"≥"0%' '≥95%'."""
    pieces = _FORMAT_PIECE.findall(section)
    at = [k for k, p in enumerate(pieces) if p in ("0", "#", "?")]
    if not at:
        return "", ""

    def text(ps: list[str]) -> str:
        out = ""
        for p in ps:
            if p.startswith('"'):
                out += p[1:-1]
            elif p.startswith("\\") and len(p) == 2:
                out += p[1] if p[1] not in _NOT_LITERAL else ""
            elif len(p) == 1 and p not in _NOT_LITERAL:
                out += p
        return "".join(ch for ch in out if ch not in "$¥￥€£").strip()

    return text(pieces[:at[0]]), text(pieces[at[-1] + 1:])


# A date format's pieces: literals ("年", \\x), brackets ([$-804], [DBNum1]), date and time codes, other text.
_DATE_PIECE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|y+|m+|d+|h+|s+|[^"\\\[ymdhs]+', re.I)
# Chinese date wordings a workbook prints its dates in ('2023年11月', '11月30日'): shown as printed. Other
# formats (m/d/yy, whose display follows the reader's locale) keep the neutral YYYY-MM-DD.
_CJK_DATE = re.compile("[年月日]")


def _as_formatted(value: dt.date, fmt: str) -> str | None:
    """`value` printed under an Excel date format, or None where it spells what this does not render (month or
    weekday names, Chinese numerals)."""
    pieces = _DATE_PIECE.findall(fmt)
    clock = isinstance(value, dt.datetime)
    out = []
    for k, p in enumerate(pieces):
        low = p.lower()
        if p.startswith('"'):
            out.append(p[1:-1])
        elif p.startswith("\\"):
            out.append(p[1:])
        elif p.startswith("["):
            if "dbnum" in low:
                return None
        elif low[0] == "y":
            out.append(f"{value.year:04d}" if len(low) > 2 else f"{value.year % 100:02d}")
        elif low[0] == "m":
            before = next((q.lower()[0] for q in reversed(pieces[:k]) if q[:1].lower() in "ymdhs"), "")
            after = next((q.lower()[0] for q in pieces[k + 1:] if q[:1].lower() in "ymdhs"), "")
            if before == "h" or after == "s":  # minutes
                out.append(f"{value.minute:02d}" if clock else "00")
            elif len(low) > 2:
                return None
            else:
                out.append(f"{value.month:02d}" if len(low) == 2 else str(value.month))
        elif low[0] == "d":
            if len(low) > 2:
                return None
            out.append(f"{value.day:02d}" if len(low) == 2 else str(value.day))
        elif low[0] == "h":
            out.append(f"{value.hour:02d}" if clock else "00")
        elif low[0] == "s":
            out.append(f"{value.second:02d}" if clock else "00")
        else:
            out.append(p)
    return "".join(out).strip() or None


def format_date(value: dt.datetime | dt.date | dt.time, fmt: str | None = None) -> str:
    """A date cell as printed: under a Chinese date format as that format shows it, else YYYY-MM-DD."""
    if fmt and isinstance(value, dt.date) and _CJK_DATE.search(fmt):
        shown = _as_formatted(value, _sections(fmt)[0])
        if shown:
            return shown
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%H:%M:%S")
