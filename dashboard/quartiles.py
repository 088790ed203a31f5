"""The scorecard's columns and its cells' positions among peers (fixed quartile bands), for the page and its XLSX.

What a column measures, how it is read (direction) and the band colours are defined in
etl/measures.py (SCORECARD, BAND_COLORS), shared with the printed report; here they
become the page's columns, its P25/P50/P75 rows, a Styler and a coloured workbook.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.export import HEADER_FILL, XLSX_FORMATS, is_formula_like
from etl.check.registry import FAMILIES, FAMILY_TITLES
from etl.measures import BAND_COLORS, BAND_NAMES, FAMILY_RATE, SCORECARD, SOFT_SHARE, quartile_band

KIND_OF = {"share": "percent", "score": "score", "count": "int", "money": "money", "ratio": "ratio"}
QUARTILE_ROWS = ("P25", "P50", "P75")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # a display kind of dashboard.labels.COLUMN_KINDS (percent, score, int, money, ratio)
    direction: str  # up, down, watch, size (etl/measures.py)


def columns() -> list[Column]:
    """The scorecard's measure columns, in order: the measures, each family's problems per filing, the soft share."""
    out = [Column(k, m.label, KIND_OF[m.kind], m.direction) for k, m in SCORECARD.items()]
    out += [Column(FAMILY_RATE.format(family=f), f"{FAMILY_TITLES[f]}（问题/份）", "ratio", "down") for f in FAMILIES]
    out.append(Column(SOFT_SHARE, "软目标占比（各年）", "percent", "down"))
    return out


def quartiles(df: pd.DataFrame, cols: list[Column]) -> pd.DataFrame:
    """P25 / P50 / P75 of each column over the rows (the peers), as DuckDB's quantile_cont computes them."""
    keys = [c.key for c in cols]
    # all columns at once (one pass; per column and quartile it was 3 × 19 Series.quantile calls, ~70 ms at 240 rows)
    out = df[keys].astype("float64").quantile([0.25, 0.5, 0.75])
    out.index = list(QUARTILE_ROWS)
    for k in keys:
        if out[k].isna().all():  # no value among the peers: no quartile (None, as the printed report has it)
            out[k] = pd.Series([None] * len(QUARTILE_ROWS), index=out.index, dtype=object)
    return out


def bands(df: pd.DataFrame, q: pd.DataFrame, cols: list[Column]) -> pd.DataFrame:
    """Each cell's quartile band among the rows (0-3, None without a value)."""
    out = {}
    for c in cols:
        p25, p50, p75 = (q.at[r, c.key] for r in QUARTILE_ROWS)
        out[c.key] = [quartile_band(v, p25, p50, p75) for v in df[c.key]]
    return pd.DataFrame(out, index=df.index)


def colour(band, direction: str) -> str | None:
    if band is None or band != band:
        return None
    return BAND_COLORS[direction][int(band)]


def cell_styles(b: pd.DataFrame, cols: list[Column], shown: list[str]) -> pd.DataFrame:
    """CSS per displayed cell: the band colour of each measure column, nothing for the others."""
    style = pd.DataFrame("", index=b.index, columns=shown)
    for c in cols:
        style[c.key] = [f"background-color: {x}" if (x := colour(v, c.direction)) else "" for v in b[c.key]]
    return style


def legend() -> str:
    """What the colours say, in words (shown under the table)."""
    return ("颜色按在同组中的位置（四分位）：绿色较好、红色较差（执行率、问题数等）；"
            "自评得分和自评≥95占比越高越需要核实（黄、红），不代表成绩好；蓝色深浅只表示多少（填报数、资金）。")


def xlsx(df: pd.DataFrame, q: pd.DataFrame, b: pd.DataFrame, cols: list[Column], lead: list[tuple[str, str]],
         sheet: str = "县区评分卡") -> bytes:
    """The scorecard as a workbook: the rows with each cell's band colour, then P25 / P50 / P75 and a legend.

    `lead` are the identifying columns before the measures: (key, header). Numbers stay numbers, formatted
    (%, 万元, one decimal), the unit once (in the header or in the format, never both); text from filings
    is written as text, never a formula.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    headers = [h for _, h in lead] + [c.label for c in cols]
    ws.append(headers)  # our own labels
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    fills: dict[str, PatternFill] = {}

    def fill(hex_colour: str) -> PatternFill:
        if hex_colour not in fills:
            fills[hex_colour] = PatternFill("solid", fgColor=hex_colour.lstrip("#"))
        return fills[hex_colour]

    def put(row_no: int, values: list, band_row=None) -> None:
        for j, v in enumerate(values, start=1):
            v = _plain(v)
            cell = ws.cell(row=row_no, column=j, value=v)
            if is_formula_like(v):  # a name from a filing: text as typed, never a formula
                cell.data_type, cell.quotePrefix = "s", True
            k = j - 1 - len(lead)
            if k >= 0:
                c = cols[k]
                cell.number_format = XLSX_FORMATS[c.kind]
                if band_row is not None and (x := colour(band_row[c.key], c.direction)):
                    cell.fill = fill(x)

    r = 2
    for i in df.index:
        put(r, [df.at[i, k] for k, _ in lead] + [df.at[i, c.key] for c in cols], b.loc[i])
        r += 1
    for name in QUARTILE_ROWS:
        put(r, [f"同组 {name}"] + [None] * (len(lead) - 1) + [q.at[name, c.key] for c in cols])
        ws.cell(row=r, column=1).font = Font(bold=True)
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="颜色说明").font = Font(bold=True)
    for direction, said in (("up", "越高越好（执行率、解析置信度）"), ("down", "越低越好（问题、模糊、软目标）"),
                            ("watch", "越高越需要核实（自评得分、自评≥95占比）"), ("size", "只表示多少（填报数、资金）")):
        r += 1
        ws.cell(row=r, column=1, value=said)
        for k, name in enumerate(BAND_NAMES):
            cell = ws.cell(row=r, column=2 + k, value=name)
            if BAND_COLORS[direction][k]:
                cell.fill = fill(BAND_COLORS[direction][k])
    for j, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(2 * len(str(h)) + 2, 30))
    ws.freeze_panes = ws.cell(row=2, column=len(lead) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(df) + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plain(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") and not isinstance(v, str) else v
