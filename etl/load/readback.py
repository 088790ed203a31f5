"""Rebuild Filing records from a DuckDB database (for `jixiao check`).

Reads the staging tables of etl/load/schema.py (filings, indicators,
spending_plan, sections) back into etl.records objects, so the checks can be
re-run without the source files. Measures come from the stored target_/actual_
columns; where those are empty but the text is there, the text is parsed again.
"""
from __future__ import annotations

import json

from etl.normalise.measure import parse_measure
from etl.records import Filing, Indicator, Loc, Measure, Section, SpendPoint

_FILING_FIELDS = [
    "filing_id", "source_file", "source_sha256", "part_index", "doc_kind", "title", "province", "city", "county",
    "adcode", "department", "department_code", "unit", "project", "project_code", "year", "amount_unit",
    "budget_initial", "budget_adjusted", "budget_executed", "budget_fiscal", "budget_other", "budget_carryover",
    "exec_rate_reported", "exec_weight", "exec_score", "total_weight", "total_score", "grade_reported",
    "parse_status", "parse_notes", "parse_confidence", "source_kind",
]


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}


def _loc(r: dict) -> Loc:
    return Loc(page=r.get("src_page"), sheet=r.get("src_sheet"), table=r.get("src_table"), row=r.get("src_row"),
               line_start=r.get("src_line_start"), line_end=r.get("src_line_end"))


def stored_measure(op, num, unit, text) -> Measure | None:
    if num is not None:
        return Measure(op=op, num=float(num), unit=unit)
    return parse_measure(text) if text else None


def _notes(value) -> list[str]:
    if not value:
        return []
    try:
        got = json.loads(value)
        if isinstance(got, list):
            return [str(x) for x in got]
    except (ValueError, TypeError):
        pass
    # the loader joins notes with '；' (etl/load/store.py)
    return [s for s in str(value).replace("\n", "；").split("；") if s.strip()]


def _where(ids: list[str] | None) -> tuple[str, list]:
    if not ids:
        return "", []
    return " WHERE filing_id IN (" + ",".join("?" * len(ids)) + ")", list(ids)


def read_filings(con, filing_ids: list[str] | None = None, texts: bool = True) -> list[Filing]:
    """Filings (all, or the given ids) with their indicators, spending plan and sections, in a stable order.
    With `texts` False, without the plan and the sections (a saved correction rewrites neither)."""
    where, params = _where(filing_ids)
    have = _columns(con, "filings")
    cols = [c for c in _FILING_FIELDS if c in have] + [c for c in ("src_page", "src_sheet", "src_table", "src_row",
                                                                   "src_line_start", "src_line_end") if c in have]
    filings: dict[str, Filing] = {}
    for r in _rows(con, f"SELECT {', '.join(cols)} FROM filings{where} ORDER BY source_file, part_index, filing_id",
                   params):
        kw = {k: r.get(k) for k in _FILING_FIELDS if k in r and k != "parse_notes"}
        kw["parse_notes"] = _notes(r.get("parse_notes"))
        kw["amount_unit"] = kw.get("amount_unit") or "万元"
        kw["parse_status"] = kw.get("parse_status") or "ok"
        kw["part_index"] = kw.get("part_index") or 0
        kw["source_kind"] = kw.get("source_kind") or "document"
        filings[r["filing_id"]] = Filing(loc=_loc(r), **kw)

    for r in _rows(con, f"SELECT * FROM indicators{where} ORDER BY filing_id, seq", params):
        f = filings.get(r["filing_id"])
        if f is None:
            continue
        f.indicators.append(Indicator(
            seq=r["seq"], level1=r.get("level1"), level2=r.get("level2"), name=r.get("name"),
            description=r.get("description"), target=r.get("target"), actual=r.get("actual"),
            weight=r.get("weight"), score=r.get("score"), reason=r.get("reason"), basis=r.get("basis"),
            nature=r.get("nature"),
            target_m=stored_measure(r.get("target_op"), r.get("target_num"), r.get("target_unit"), r.get("target")),
            actual_m=stored_measure(r.get("actual_op"), r.get("actual_num"), r.get("actual_unit"), r.get("actual")),
            loc=_loc(r), parse_confidence=r.get("parse_confidence"), code=r.get("indicator_code")))

    if not texts:
        return list(filings.values())
    tables = {t[0] for t in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "spending_plan" in tables:
        for r in _rows(con, f"SELECT * FROM spending_plan{where} ORDER BY filing_id, seq", params):
            if r["filing_id"] in filings:
                filings[r["filing_id"]].spending_plan.append(
                    SpendPoint(period=r.get("period") or "", month=r.get("month"), value=r.get("value")))
    if "sections" in tables:
        for r in _rows(con, f"SELECT * FROM sections{where} ORDER BY filing_id, seq", params):
            if r["filing_id"] in filings:
                filings[r["filing_id"]].sections.append(
                    Section(kind=r.get("kind") or "", heading=r.get("heading") or "", text=r.get("text") or ""))
    return list(filings.values())


def read_filing(con, filing_id: str, texts: bool = True) -> Filing | None:
    got = read_filings(con, [filing_id], texts)
    return got[0] if got else None


__all__ = ["read_filings", "read_filing"]
