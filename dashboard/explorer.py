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
REASON_SQL = {
    "no_reason": "m.deductions_no_reason > 0",
    "with_reason": "m.deductions > 0 AND coalesce(m.deductions_no_reason, 0) = 0",
    "no_deduction": "coalesce(m.deductions, 0) = 0",
}

# Sortable columns: key -> SQL expression (our own text only).
SORTS = {
    "total_score": "f.total_score", "score_recomputed": "m.score_recomputed", "inflation": "m.inflation",
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
        SELECT f.filing_id, {q.PLACE} AS place, f.department, coalesce(f.project, f.title) AS project, f.year,
               f.doc_kind, f.total_score, m.score_recomputed, m.inflation, {q.EXEC_RATE} AS exec_rate,
               f.budget_adjusted, coalesce(m.finding_count, 0) AS finding_count,
               m.vague_count::DOUBLE / nullif(m.indicator_count, 0) AS vague_share,
               m.deductions_no_reason, {conf} AS confidence
        {q.FROM_FM}"""


def _where(db: Path, f: Filters, c: Conditions) -> tuple[str, list]:
    where, params = q._where(f)
    conds, extra = [where], []
    _between("f.total_score", c.score, conds, extra)
    _between("m.score_recomputed", c.recomputed, conds, extra)
    _between("m.inflation", c.inflation, conds, extra)
    _between(q.EXEC_RATE, c.exec_rate, conds, extra, hi_exclusive=True)
    if has_confidence(db):
        _between("f.parse_confidence", c.confidence, conds, extra)
    if c.kinds:
        conds.append(f"f.doc_kind IN ({q._in(c.kinds)})")
        extra += list(c.kinds)
    if c.counties:
        conds.append(f"{q.PLACE} IN ({q._in(c.counties)})")
        extra += list(c.counties)
    if c.years:
        conds.append(f"f.year IN ({q._in(c.years)})")
        extra += [int(y) for y in c.years]
    if c.department:
        conds.append("contains(coalesce(f.department, ''), ?)")
        extra.append(c.department)
    if c.reason in REASON_SQL:
        conds.append(REASON_SQL[c.reason])
    sub, sub_params = [], []
    for col, vals in (("rule", c.rules), ("family", c.families), ("severity", c.severities)):
        if vals:
            sub.append(f"x.{col} IN ({q._in(vals)})")
            sub_params += list(vals)
    if sub:
        conds.append(f"EXISTS (SELECT 1 FROM findings x WHERE x.filing_id = f.filing_id AND {' AND '.join(sub)})")
        extra += sub_params
    return " AND ".join(conds), params + extra


def _order(c: Conditions) -> str:
    expr = SORTS.get(c.sort, "m.inflation")
    return f"{expr} {'DESC' if c.descending else 'ASC'} NULLS LAST, f.filing_id"


def count(db: Path, f: Filters, c: Conditions) -> int:
    where, params = _where(db, f, c)
    return int(q.run(db, f"SELECT count(*) AS n {q.FROM_FM} WHERE {where}", params)["n"].iloc[0])


def page(db: Path, f: Filters, c: Conditions, page_no: int = 1, size: int = 50) -> pd.DataFrame:
    where, params = _where(db, f, c)
    return q.run(db, f"{_select(db)} WHERE {where} ORDER BY {_order(c)} LIMIT ? OFFSET ?",
                 params + [int(size), int(max(page_no - 1, 0) * size)])


def department_vague_ranking(db: Path, f: Filters, limit: int = 20) -> pd.DataFrame:
    """The preset "模糊指标占比最高的部门": departments by their share of vague indicators."""
    where, params = q._where(f)
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
