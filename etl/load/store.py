"""Write parsed filings to DuckDB: one transaction per file, always parameterised.

DuckDB lets one process write or many read. The dashboard reads with short
read-only connections, so the writer opens the file briefly per batch and
retries while a reader holds it, instead of failing on the lock.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.load.schema import create_schema, fill_reason_texts
from etl.records import Filing, Finding, Loc

LOCK_WAIT_SECONDS = 30.0


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


def connect(db_path: Path | str, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting while another process holds its lock."""
    path = str(db_path)
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
            if not read_only:
                create_schema(con)
            return con
        except duckdb.Error as exc:  # IOException on a held lock
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def writer(db_path: Path | str):
    con = connect(db_path)
    try:
        yield con
    finally:
        con.close()


_ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
                "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us")}
_columns_of: dict[str, list[tuple[str, str]]] = {}


def _insert(con, table: str, rows: list[list], columns: list[str] | None = None, verb: str = "INSERT") -> None:
    """Insert many rows at once, as one Arrow table (DuckDB's executemany costs ~0.3 ms a row).

    The values travel as data, never as SQL text; rows Arrow cannot type as the
    column says go through executemany, which casts as DuckDB always did.
    """
    if not rows:
        return
    if table not in _columns_of:  # our own table names
        _columns_of[table] = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    types = dict(_columns_of[table])
    names = columns or [c for c, _ in _columns_of[table]]
    target = f"{verb} INTO {table} ({', '.join(names)})"
    try:
        data = pa.table({c: pa.array([r[k] for r in rows], type=_ARROW_TYPES.get(types[c])) for k, c in enumerate(names)})
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        con.executemany(f"{target} VALUES ({', '.join(['?'] * len(names))})", rows)
        return
    con.register("_jixiao_rows", data)
    try:
        con.execute(f"{target} SELECT * FROM _jixiao_rows")
    finally:
        con.unregister("_jixiao_rows")


def _loc_cols(loc: Loc) -> list:
    return [loc.page, loc.sheet, loc.table, loc.row, loc.line_start, loc.line_end, loc.describe() or None]


def known_sha(con, sha: str) -> bool:
    return con.execute("SELECT 1 FROM source_files WHERE source_sha256 = ?", [sha]).fetchone() is not None


@dataclass
class LoadedFile:
    source_file: str
    sha256: str
    fmt: str
    layout: str
    size: int
    is_sample: bool
    filings: list[Filing]
    findings: list[Finding]
    metrics: list[dict]
    reasons: list[tuple[str, int, str]]  # (filing_id, seq, category)


METRIC_COLUMNS = [
    "filing_id", "score_recomputed", "inflation", "exec_rate_computed", "measurable_share", "vague_count",
    "indicator_count", "deductions", "deductions_no_reason", "grade_computed", "finding_count", "error_count",
]


def file_rows(lf: LoadedFile, now: datetime) -> dict[str, list[list]]:
    """Every row one file adds, per table (what was read, then what the checks derived)."""
    rows: dict[str, list[list]] = {
        "source_files": [[lf.sha256, lf.source_file, lf.fmt, lf.layout, lf.size, lf.is_sample, now]],
        "filings": [], "indicators": [], "spending_plan": [], "sections": [],
    }
    for f in lf.filings:
        rows["filings"].append([
            f.filing_id, f.source_file, f.source_sha256, f.part_index, f.doc_kind, f.title,
            f.province, f.city, f.county, f.adcode, f.department, f.department_code, f.unit,
            f.project, f.project_code, f.year, f.amount_unit,
            f.budget_initial, f.budget_adjusted, f.budget_executed, f.budget_fiscal, f.budget_other,
            f.budget_carryover, f.exec_rate_reported, f.exec_weight, f.exec_score,
            f.total_weight, f.total_score, f.grade_reported, f.parse_status,
            "；".join(f.parse_notes) or None, *_loc_cols(f.loc), lf.is_sample,
        ])
        rows["indicators"].extend(
            [
                f.filing_id, i.seq, i.level1, i.level2, i.name, i.description, i.target, i.actual,
                i.target_m.op if i.target_m else None, i.target_m.num if i.target_m else None,
                i.target_m.unit if i.target_m else None,
                i.actual_m.op if i.actual_m else None, i.actual_m.num if i.actual_m else None,
                i.actual_m.unit if i.actual_m else None,
                i.weight, i.score, i.reason, i.basis, i.nature, *_loc_cols(i.loc),
            ]
            for i in f.indicators
        )
        rows["spending_plan"].extend([f.filing_id, k + 1, p.period, p.month, p.value, p.loc.describe() or None]
                                     for k, p in enumerate(f.spending_plan))
        rows["sections"].extend([f.filing_id, k + 1, s.kind, s.heading, s.text, s.loc.describe() or None]
                                for k, s in enumerate(f.sections))
    rows.update(derived_rows(lf.findings, lf.metrics, lf.reasons))
    return rows


def derived_rows(findings: list[Finding], metrics: list[dict], reasons: list[tuple[str, int, str]]) -> dict[str, list[list]]:
    return {
        "findings": [[x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence] for x in findings],
        "filing_metrics": [[m.get(c) for c in METRIC_COLUMNS] for m in metrics],
        "indicator_reasons": [list(r) for r in reasons],
    }


def insert_rows(con, rows: dict[str, list[list]]) -> None:
    for table, table_rows in rows.items():
        if table == "filing_metrics":
            _insert(con, table, table_rows, columns=METRIC_COLUMNS, verb="INSERT OR REPLACE")
        else:
            _insert(con, table, table_rows)


def write_file(con, lf: LoadedFile) -> None:
    """All rows of one file in one transaction; nothing of it stays if any insert fails."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        insert_rows(con, file_rows(lf, now))
        fill_reason_texts(con, [f.filing_id for f in lf.filings])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_derived(con, findings: list[Finding], metrics: list[dict], reasons: list[tuple[str, int, str]]) -> None:
    insert_rows(con, derived_rows(findings, metrics, reasons))


def log(con, run_id: str, source_file: str, sha: str | None, status: str, error: str | None, filings: int, seconds: float) -> None:
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, datetime.now(timezone.utc).replace(tzinfo=None), source_file, sha, status, error, filings, seconds],
    )
