"""Write filings in the long format `jixiao import` reads: one row per indicator, the filing's fields
repeated on each of its rows, headers in the lexicon's first wording.

Any filing can be written, parsed ones too. The target and the actual are written both as the
measure (计算符号 | 指标值 | 计量单位) and as printed (指标值原文), so importing the file gives back the
same text and the same measure. A filing with no indicator rows (a 自评报告) has no place in the
format and is left out (counted). Text is always a string cell, never a formula.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from etl.load import store
from etl.load.readback import read_filings
from etl.records import Filing, Indicator, Measure
from etl.structured.header import vocabulary
from etl.structured.longform import KIND_LABEL, SECTION_FIELDS, SYMBOL, has_repeated_rows, num_text
from etl.write.xlsx_writer import FIXED_TIME, FORMULA_START
from etl.write.zipfix import stable_zip

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# the columns written, in order (fields of etl/lexicon.toml [structured.columns])
FILING_COLUMNS = ("div_code", "province", "city", "county", "year", "doc_kind", "department_code", "department", "unit",
                  "project_code", "project", "title", "amount_unit", "budget_initial", "budget_adjusted",
                  "budget_executed", "budget_fiscal", "budget_other", "budget_carryover", "exec_rate", "exec_weight",
                  "exec_score", "total_weight", "total_score", "grade", "goal", "goal_expected", "goal_actual",
                  "function", "spending_plan")
INDICATOR_COLUMNS = ("level1", "level2", "indicator_code", "name", "description", "basis", "nature", "target_sign",
                     "target", "target_unit", "target_text", "weight", "actual_sign", "actual", "actual_unit",
                     "actual_text", "score", "reason")
COLUMNS = FILING_COLUMNS + INDICATOR_COLUMNS


@dataclass
class ExportSummary:
    filings: int
    rows: int
    skipped: int  # filings without indicator rows
    repeated: int = 0  # filings with the same indicator on two rows: the import refuses those rows as duplicates


def _side(text: str | None, m: Measure | None) -> tuple:
    """(sign, value, unit, as printed) of a target or an actual."""
    if m is None:
        return ("定性" if text else None), text, None, text
    return SYMBOL.get(m.op or "", None), m.num, m.unit, text


def _filing_values(f: Filing) -> list:
    sections = {kind: "\n".join(s.text for s in f.sections if s.kind == kind) or None for kind in SECTION_FIELDS.values()}
    plan = "；".join(f"{p.period}:{num_text(p.value) if p.value is not None else ''}" for p in f.spending_plan) or None
    return [f.adcode, f.province, f.city, f.county, f.year, KIND_LABEL.get(f.doc_kind, f.doc_kind), f.department_code,
            f.department, f.unit, f.project_code, f.project, f.title, "万元", f.budget_initial, f.budget_adjusted,
            f.budget_executed, f.budget_fiscal, f.budget_other, f.budget_carryover,
            None if f.exec_rate_reported is None else num_text(round(f.exec_rate_reported * 100, 9)) + "%",
            f.exec_weight, f.exec_score, f.total_weight, f.total_score, f.grade_reported,
            sections["goal"], sections["goal_expected"], sections["goal_actual"], sections["function"], plan]


def _indicator_values(i: Indicator) -> list:
    t_sign, t_value, t_unit, t_text = _side(i.target, i.target_m)
    a_sign, a_value, a_unit, a_text = _side(i.actual, i.actual_m)
    if a_unit is not None and t_unit is not None and a_unit != t_unit:
        # a row whose actual is in another unit than its target (a finding, not an import error):
        # written as printed, so the import reads it as the text it was
        a_sign, a_value, a_unit = None, i.actual, None
    return [i.level1, i.level2, i.code, i.name, i.description, i.basis, i.nature, t_sign, t_value, t_unit, t_text,
            i.weight, a_sign, a_value, a_unit, a_text, i.score, i.reason]


def rows_of(filings: Iterable[Filing]) -> Iterable[list]:
    for f in filings:
        head = _filing_values(f)
        for i in f.indicators:
            yield head + _indicator_values(i)


def _cell(ws, v):
    if isinstance(v, str):
        cell = WriteOnlyCell(ws, value=_ILLEGAL_XLSX.sub("", v))
        cell.data_type = "s"  # never a formula
        if v.startswith(FORMULA_START):
            cell.quotePrefix = True
        return cell
    return v


def write_xlsx(path: Path, filings: Iterable[Filing], sheet: str = "绩效指标", note: str | None = None,
               stable: bool = False) -> int:
    """Write the filings' rows to `path` (streamed: write-only workbook). Returns the rows written.
    `stable`: the same filings give the same bytes (fixed times; for the sample corpus)."""
    first = vocabulary().first
    wb = Workbook(write_only=True)
    if stable:
        wb.properties.created = wb.properties.modified = FIXED_TIME
        wb.properties.creator = wb.properties.lastModifiedBy = "jixiao"
    ws = wb.create_sheet(sheet)
    if note:  # a title line above the header (the reader finds the header below it)
        ws.append([_cell(ws, note)])
    ws.append([_cell(ws, first[c]) for c in COLUMNS])
    n = 0
    for row in rows_of(filings):
        ws.append([_cell(ws, v) for v in row])
        n += 1
    tmp = Path(str(path) + ".part")  # never a half-written workbook under the final name
    wb.save(tmp)
    if stable:
        tmp.write_bytes(stable_zip(_fixed_modified(tmp.read_bytes())))
    tmp.replace(path)
    return n


def _fixed_modified(data: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml: the fixed time instead."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", body)
            dst.writestr(info, body)
    return buf.getvalue()


def export_long(db: Path | str, out: Path | str, source_kind: str | None = None) -> ExportSummary:
    """Every filing of the database (or those of one source kind) with indicator rows, to `out`."""
    con = store.connect(db, read_only=True)
    try:
        filings = read_filings(con)
    finally:
        con.close()
    if source_kind:
        filings = [f for f in filings if f.source_kind == source_kind]
    kept = [f for f in filings if f.indicators]
    rows = write_xlsx(Path(out), kept)
    return ExportSummary(filings=len(kept), rows=rows, skipped=len(filings) - len(kept),
                         repeated=sum(has_repeated_rows(f) for f in kept))
