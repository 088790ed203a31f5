"""Write parsed filings to DuckDB: one transaction per file, always parameterised.

DuckDB lets one process write or many read. The dashboard reads with short
read-only connections, so the writer opens the file briefly per batch and
retries while a reader holds it, instead of failing on the lock. Two ingests
never interleave: each holds an advisory lock file next to the database for
its whole run (released by the kernel if the process dies).
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from etl.load.schema import create_schema, fill_reason_texts
from etl.records import Filing, Finding, Loc

LOCK_WAIT_SECONDS = 120.0


class DatabaseBusy(Exception):
    """The database stayed locked by another process for longer than we wait."""


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
            if not _is_lock_error(exc):
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy(f"数据库 {path} 被另一个程序占用，等待 {wait:g} 秒后仍无法打开") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def writer(db_path: Path | str):
    con = connect(db_path)
    try:
        yield con
    finally:
        con.close()


def lock_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".ingest-lock")


@contextmanager
def ingest_lock(db_path: Path | str, wait: float | None = None, on_wait=None):
    """Hold the database's writer lock for a whole ingest (or check) run.

    A second run waits, telling `on_wait` once and then every 15 s, for up to
    `wait` seconds (None: until the first finishes), then raises DatabaseBusy.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: DuckDB's own file lock still keeps writes apart
        yield
        return
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        told = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if wait is not None and waited >= wait:
                    raise DatabaseBusy(f"另一个导入正在写入数据库 {db_path}，等待 {wait:g} 秒后放弃") from None
                if on_wait and (told is None or waited - told >= 15):
                    told = waited
                    on_wait(f"另一个导入正在写入数据库 {db_path}，等待它完成…（已等待 {waited:.0f} 秒）")
                time.sleep(0.2)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # closing releases the flock


def get_meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str) -> None:
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])


def clear_meta(con, key: str) -> None:
    con.execute("DELETE FROM meta WHERE key = ?", [key])


def _nul(value):
    """Text from filings may carry NUL bytes (a PDF's text layer, a binary-ish CSV): never store them."""
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _clean(row: list) -> list:
    return [_nul(v) for v in row]


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


@dataclass
class LogRow:
    run_id: str
    source_file: str
    sha256: str | None
    status: str
    error: str | None
    filings: int
    seconds: float


def write_file(con, lf: LoadedFile, log_row: LogRow | None = None, mark: str | None = None) -> None:
    """All rows of one file in one transaction; nothing of it stays if any insert fails.

    The file's ingest_log row (and the meta marker `mark`, saying derived
    cross-filing tables are stale) commit in the same transaction, so a kill
    can never leave a loaded file without its log row.
    """
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [lf.sha256, lf.source_file, lf.fmt, lf.layout, lf.size, lf.is_sample, now],
        )
        for f in lf.filings:
            con.execute(
                "INSERT INTO filings VALUES (" + ", ".join(["?"] * 40) + ")",
                _clean([
                    f.filing_id, f.source_file, f.source_sha256, f.part_index, f.doc_kind, f.title,
                    f.province, f.city, f.county, f.adcode, f.department, f.department_code, f.unit,
                    f.project, f.project_code, f.year, f.amount_unit,
                    f.budget_initial, f.budget_adjusted, f.budget_executed, f.budget_fiscal, f.budget_other,
                    f.budget_carryover, f.exec_rate_reported, f.exec_weight, f.exec_score,
                    f.total_weight, f.total_score, f.grade_reported, f.parse_status,
                    "；".join(f.parse_notes) or None, *_loc_cols(f.loc), lf.is_sample, f.parse_confidence,
                ]),
            )
            if f.indicators:
                con.executemany(
                    "INSERT INTO indicators VALUES (" + ", ".join(["?"] * 27) + ")",
                    [
                        _clean([
                            f.filing_id, i.seq, i.level1, i.level2, i.name, i.description, i.target, i.actual,
                            i.target_m.op if i.target_m else None, i.target_m.num if i.target_m else None,
                            i.target_m.unit if i.target_m else None,
                            i.actual_m.op if i.actual_m else None, i.actual_m.num if i.actual_m else None,
                            i.actual_m.unit if i.actual_m else None,
                            i.weight, i.score, i.reason, i.basis, i.nature, *_loc_cols(i.loc), i.parse_confidence,
                        ])
                        for i in f.indicators
                    ],
                )
            if f.spending_plan:
                con.executemany(
                    "INSERT INTO spending_plan VALUES (?, ?, ?, ?, ?, ?)",
                    [_clean([f.filing_id, k + 1, p.period, p.month, p.value, p.loc.describe() or None]) for k, p in enumerate(f.spending_plan)],
                )
            if f.sections:
                con.executemany(
                    "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?)",
                    [_clean([f.filing_id, k + 1, s.kind, s.heading, s.text, s.loc.describe() or None]) for k, s in enumerate(f.sections)],
                )
        fill_reason_texts(con, [f.filing_id for f in lf.filings])
        write_derived(con, lf.findings, lf.metrics, lf.reasons)
        if log_row is not None:
            log(con, *vars(log_row).values())
        if mark is not None:
            set_meta(con, mark, log_row.run_id if log_row else "1")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_derived(con, findings: list[Finding], metrics: list[dict], reasons: list[tuple[str, int, str]]) -> None:
    if findings:
        con.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_clean([x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence]) for x in findings],
        )
    if metrics:
        cols = [
            "filing_id", "score_recomputed", "inflation", "exec_rate_computed", "measurable_share", "vague_count",
            "indicator_count", "deductions", "deductions_no_reason", "grade_computed", "finding_count", "error_count",
        ]
        con.executemany(
            f"INSERT OR REPLACE INTO filing_metrics ({', '.join(cols)}) VALUES ({', '.join(['?'] * len(cols))})",
            [[m.get(c) for c in cols] for m in metrics],
        )
    if reasons:
        con.executemany("INSERT INTO indicator_reasons VALUES (?, ?, ?)", [list(r) for r in reasons])


def log(con, run_id: str, source_file: str, sha: str | None, status: str, error: str | None, filings: int, seconds: float) -> None:
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        _clean([run_id, datetime.now(timezone.utc).replace(tzinfo=None), source_file, sha, status, error, filings, seconds]),
    )
