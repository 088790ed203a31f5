"""The 筛选查询 explorer's SQL: combinable conditions over filings, one page of rows, full exports.

Every condition is a parameter; the only text spliced into SQL is ours (column
names picked from SORTS and fixed condition templates). The export runs the same
query without LIMIT and streams it in chunks from DuckDB into the writer, so a
result of any size is exported whole in bounded memory.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import full_export
from dashboard import queries as q
from dashboard.filtering import Filters

REASON_STATES = {"": "不限", "no_reason": "有扣分未写原因", "with_reason": "有扣分且都写了原因", "no_deduction": "没有扣分"}
REASON_SQL = {  # over mart_facts f (filings with their metrics)
    "no_reason": "f.deductions_no_reason > 0",
    "with_reason": "f.deductions > 0 AND coalesce(f.deductions_no_reason, 0) = 0",
    "no_deduction": "coalesce(f.deductions, 0) = 0",
}

# Sortable columns: key -> SQL expression (our own text only).
SORTS = {
    "total_score": "f.total_score", "score_recomputed": "f.score_recomputed", "inflation": "f.inflation",
    "exec_rate": "exec_rate", "budget_adjusted": "f.budget_adjusted", "finding_count": "finding_count",
    "vague_share": "vague_share", "confidence": "confidence", "year": "f.year", "place": "place",
    "department": "f.department",
}

@dataclass(frozen=True)
class Conditions:
    score: tuple[float | None, float | None] = (None, None)  # self-score [lo, hi]
    recomputed: tuple[float | None, float | None] = (None, None)
    inflation: tuple[float | None, float | None] = (None, None)
    exec_rate: tuple[float | None, float | None] = (None, None)  # fractions; hi is exclusive ("< 80 %")
    confidence: tuple[float | None, float | None] = (None, None)
    kinds: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()  # place labels as shown ("株洲市 攸县")
    years: tuple[int, ...] = ()
    department: str = ""  # contains
    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    reason: str = ""  # a key of REASON_STATES
    sort: str = "inflation"
    descending: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("extra")
        return d


def _between(expr: str, rng, conds: list, params: list, hi_exclusive: bool = False) -> None:
    lo, hi = rng
    if lo is not None:
        conds.append(f"{expr} >= ?")
        params.append(float(lo))
    if hi is not None:
        conds.append(f"{expr} {'<' if hi_exclusive else '<='} ?")
        params.append(float(hi))


def has_confidence(db: Path) -> bool:
    """The lead adds filings.parse_confidence; the explorer works with and without it."""
    df = q.run(db, """SELECT count(*) AS n FROM information_schema.columns
                      WHERE table_name = 'filings' AND column_name = 'parse_confidence'""")
    return bool(df["n"].iloc[0])


def _select(db: Path) -> str:
    conf = "f.parse_confidence" if has_confidence(db) else "NULL::DOUBLE"
    return f"""
        SELECT f.filing_id, f.place, f.department, coalesce(f.project, f.title) AS project, f.year,
               f.doc_kind, coalesce(f.source_kind, 'document') AS source_kind, f.total_score, f.score_recomputed,
               f.inflation, f.exec_rate,
               f.budget_adjusted, coalesce(f.finding_count, 0) AS finding_count,
               f.vague_count::DOUBLE / nullif(f.indicator_count, 0) AS vague_share,
               f.deductions_no_reason, {conf} AS confidence
        {q._fm(db)}"""


def _where(db: Path, f: Filters, c: Conditions) -> tuple[str, list]:
    where, params = q._where(f)
    conds, extra = [where], []
    _between("f.total_score", c.score, conds, extra)
    _between("f.score_recomputed", c.recomputed, conds, extra)
    _between("f.inflation", c.inflation, conds, extra)
    _between("f.exec_rate", c.exec_rate, conds, extra, hi_exclusive=True)
    if has_confidence(db):
        _between("f.parse_confidence", c.confidence, conds, extra)
    if c.kinds:
        conds.append(f"f.doc_kind IN ({q._in(c.kinds)})")
        extra += list(c.kinds)
    if c.counties:
        conds.append(f"f.place IN ({q._in(c.counties)})")
        extra += list(c.counties)
    if c.years:
        conds.append(f"f.year IN ({q._in(c.years)})")
        extra += [int(y) for y in c.years]
    if c.department:
        conds.append("contains(coalesce(f.department, ''), ?)")
        extra.append(c.department)
    if c.reason in REASON_SQL:
        conds.append(REASON_SQL[c.reason])
    if c.rules or c.families or c.severities:
        # one finding of the filing meets all three: the kinds of finding that do are looked up
        # first, then each filing's list of kinds (mart_facts.finding_keys) is tested for them
        keys = q.finding_keys(db, c.rules, c.families, c.severities)
        if not keys:
            conds.append("FALSE")
        elif len(keys) <= 4:  # a few list_contains: ~15 ms each over a million filings
            conds.append("(" + " OR ".join(["list_contains(f.finding_keys, ?)"] * len(keys)) + ")")
        else:
            conds.append(f"len(list_filter(f.finding_keys, k -> k IN ({q._in(keys)}))) > 0")
        extra += keys
    return " AND ".join(conds), params + extra


def _order(c: Conditions) -> str:
    expr = SORTS.get(c.sort, "f.inflation")
    return f"{expr} {'DESC' if c.descending else 'ASC'} NULLS LAST, f.filing_id"


def count(db: Path, f: Filters, c: Conditions) -> int:
    where, params = _where(db, f, c)
    return int(q.run(db, f"SELECT count(*) AS n {q._fm(db)} WHERE {where}", params)["n"].iloc[0])


def page(db: Path, f: Filters, c: Conditions, page_no: int = 1, size: int = 50) -> pd.DataFrame:
    where, params = _where(db, f, c)
    return q.run(db, f"{_select(db)} WHERE {where} ORDER BY {_order(c)} LIMIT ? OFFSET ?",
                 params + [int(size), int(max(page_no - 1, 0) * size)])


def department_vague_ranking(db: Path, f: Filters, limit: int = 20) -> pd.DataFrame:
    """The preset "模糊指标占比最高的部门": departments by their share of vague indicators."""
    where, params = q._where(f)
    if q.has_marts(db):  # the group mart's sums over the filings with indicators
        return q.run(db, f"""
            SELECT coalesce(f.department, '（部门未知）') AS department, sum(f.filings_with_indicators) AS filings,
                   sum(f.vague_in_counted) AS vague_count, sum(f.indicators_in_counted) AS indicator_count,
                   sum(f.vague_in_counted)::DOUBLE / nullif(sum(f.indicators_in_counted), 0) AS share
            FROM mart_filings f WHERE {where} AND f.filings_with_indicators > 0
            GROUP BY ALL ORDER BY share DESC NULLS LAST, indicator_count DESC, department LIMIT ?
        """, params + [int(limit)])
    return q.run(db, f"""
        SELECT coalesce(f.department, '（部门未知）') AS department, count(*) AS filings,
               sum(m.vague_count) AS vague_count, sum(m.indicator_count) AS indicator_count,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS share
        {q.FROM_FM} WHERE {where} AND m.indicator_count > 0
        GROUP BY ALL ORDER BY share DESC NULLS LAST, indicator_count DESC, department LIMIT ?
    """, params + [int(limit)])


# ----------------------------------------------------------------- full exports

def export_sql(db: Path, f: Filters, c: Conditions) -> tuple[str, list]:
    where, params = _where(db, f, c)
    return f"{_select(db)} WHERE {where} ORDER BY {_order(c)}", params


def export_csv(db: Path, f: Filters, c: Conditions, out) -> int:
    """Write every matching row as CSV (UTF-8 with BOM) to a binary stream; returns the row count."""
    return full_export.write(db, *export_sql(db, f, c), "csv", out)


def export_xlsx(db: Path, f: Filters, c: Conditions, out) -> int:
    return full_export.write(db, *export_sql(db, f, c), "xlsx", out, sheet="筛选结果")
