"""Write parsed filings to DuckDB: a batch of files per transaction, always parameterised.

DuckDB lets one process write or many read. The dashboard reads with short
read-only connections, so the writer opens the file briefly per batch and
retries while a reader holds it, instead of failing on the lock. Two ingests
never interleave: each holds an advisory lock file next to the database for
its whole run (released by the kernel when the process dies, whatever it started).
"""
from __future__ import annotations

import errno
import os
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

try:
    import fcntl  # the ingest lock file (POSIX)
except ImportError:
    fcntl = None

from etl.bulk import ROWS, scan
from etl.check.settings import load_settings
from etl.load.schema import create_schema
from etl.records import Filing, Finding, Loc, many_records

LOCK_WAIT_SECONDS = 120.0
# meta key: filings changed (an ingest, a reviewer's save) since the cross-filing tables (copy clusters,
# cross-year links) were computed; the next run recomputes them and clears it
COPIES_PENDING = "copies_pending"


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
                limit = load_settings().writer_memory_mb  # ([database] in etl/check/settings.toml: why)
                if limit > 0:
                    con.execute(f"SET memory_limit = '{int(limit)}MB'")
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


@contextmanager
def rebuild_memory(con):
    """DuckDB's memory_limit set to `[database] rebuild_memory_mb` (0: DuckDB's default) for a full rebuild
    on `con`, then put back: the writer's own limit (writer_memory_mb) holds an ingest's refresh, but
    building every mart of 1.17M filings at once (sorts and medians over every row) ran out of memory at
    1 GB and at 2.8 GiB."""
    want = load_settings().rebuild_memory_mb
    old = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    if want > 0:
        con.execute(f"SET memory_limit = '{int(want)}MB'")
    else:
        # RESET puts the setting back to DuckDB's default but leaves the buffer manager at the old limit
        # (DuckDB 1.4: pragma_database_size still says 976.5 MiB after it), so the default is set again by value
        con.execute("RESET memory_limit")
        con.execute("SET memory_limit = ?", [con.execute("SELECT current_setting('memory_limit')").fetchone()[0]])
    try:
        yield
    finally:
        con.execute("SET memory_limit = ?", [old])


class HeldWriter:
    """The ingest's connection across its flushes: opened when a flush needs it, closed (checkpointed) by
    `release()` once it has been held `[database] hold_per_close` x as long as its last close took (the reason is
    beside that setting), and by `close()`."""

    def __init__(self, db_path: Path | str):
        self.db_path = db_path
        self._con = None
        self._opened = 0.0
        self._last_close = 0.0
        self._hold = load_settings().hold_per_close

    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect(self.db_path)
            self._opened = time.monotonic()
        return self._con

    def release(self) -> None:
        if self._con is not None and time.monotonic() - self._opened >= self._hold * self._last_close:
            self.close()

    def close(self) -> None:
        if self._con is not None:
            started = time.monotonic()
            con, self._con = self._con, None
            con.close()
            self._last_close = time.monotonic() - started


def lock_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".ingest-lock")


_LOCAL: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()


def lock_holder(path: Path) -> int | None:
    """The pid a lock file names (the last process that took it), or None."""
    try:
        text = path.read_text(encoding="ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


@contextmanager
def ingest_lock(db_path: Path | str, wait: float | None = None, on_wait=None, what: str = "数据库",
                path: Path | None = None):
    """Hold the writer lock of a database (or a lake: `path`, `what`) for a whole ingest (or check) run.

    A second run waits, telling `on_wait` once and then every 15 s, for up to
    `wait` seconds (None: until the first finishes), then raises DatabaseBusy.

    The lock is a POSIX record lock (fcntl F_SETLK), which belongs to the process
    that took it: a forked child does not inherit it, and the kernel drops it the
    moment its holder dies. A process killed with -9 therefore never leaves the
    database locked, even if something it started lives on; the pid in the lock
    file is only there to be shown.
    """
    if fcntl is None:  # not POSIX: DuckDB's own file lock still keeps writes apart
        yield
        return
    path = path or lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCAL_GUARD:  # record locks do not exclude threads of one process: a lock per file does
        local = _LOCAL.setdefault(str(path.resolve()), threading.Lock())
    fd = None
    started = time.monotonic()
    told = None
    try:
        while True:
            if fd is None and local.acquire(blocking=False):
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            if fd is not None:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:  # EAGAIN / EACCES: another process holds it
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                # (reading the file here is safe: this process holds no record lock on it)
                holder = lock_holder(path)
            else:
                holder = os.getpid()  # another thread of this process; opening the file would drop its lock
            waited = time.monotonic() - started
            by = f"（进程 {holder}）" if holder else ""
            if wait is not None and waited >= wait:
                raise DatabaseBusy(f"另一个导入正在写入{what} {db_path}{by}，等待 {wait:g} 秒后放弃") from None
            if on_wait and (told is None or waited - told >= 15):
                told = waited
                on_wait(f"另一个导入正在写入{what} {db_path}{by}，等待它完成…（已等待 {waited:.0f} 秒）")
            time.sleep(0.2)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        yield
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the lock
            local.release()


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


# The rows' Arrow columns are built from the C heap, not from Arrow's own allocator (mimalloc): a bulk
# export's columns then reuse the memory the reading and the checks freed instead of adding their own
# (~40 MB less peak for 100,000 indicator rows; DuckDB's transaction adds its own on top either way).
_POOL = pa.system_memory_pool()


def _no_nul(arr: pa.Array) -> pa.Array:
    """A text column without NUL bytes: one vectorised pass over the column instead of a test per value."""
    if pa.types.is_string(arr.type) and pc.any(pc.match_substring(arr, "\x00", memory_pool=_POOL),
                                               memory_pool=_POOL).as_py():
        return pc.replace_substring(arr, "\x00", "", memory_pool=_POOL)
    return arr


_ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
                "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "BLOB": pa.binary()}
_columns_of: dict[str, list[tuple[str, str]]] = {}


def _schema_columns(table: str) -> list[tuple[str, str]]:
    """A table's columns (name, type) in the order of the DDL, which is the order rows are built in.

    Read from a new in-memory database, not from the file written to: a database migrated forward
    has its added columns at the end, in the order the steps added them, so its own column order
    is not the DDL's; inserts name their columns, and the order stored does not matter."""
    if not _columns_of:
        mem = duckdb.connect()
        try:
            create_schema(mem)
            for name in {r[0] for r in mem.execute("SELECT table_name FROM information_schema.tables").fetchall()}:
                _columns_of[name] = [(r[0], r[1]) for r in mem.execute(f"DESCRIBE {name}").fetchall()]
        finally:
            mem.close()
    return _columns_of[table]


def _insert(con, table: str, rows: list[list], columns: list[str] | None = None, verb: str = "INSERT") -> None:
    """Insert many rows at once, as one Arrow table (DuckDB's executemany costs ~0.3 ms a row).

    The values travel as data, never as SQL text; rows Arrow cannot type as the
    column says go through executemany, which casts as DuckDB always did.
    """
    if not rows:
        return
    schema = _schema_columns(table)  # our own table names
    types = dict(schema)
    names = columns or [c for c, _ in schema]
    target = f"{verb} INTO {table} ({', '.join(names)})"
    try:
        data = pa.table({c: _no_nul(pa.array([r[k] for r in rows], type=_ARROW_TYPES.get(types[c]), memory_pool=_POOL))
                         for k, c in enumerate(names)})
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        con.executemany(f"{target} VALUES ({', '.join(['?'] * len(names))})", [_clean(r) for r in rows])
        return
    scan(con, f"{target} SELECT * FROM {ROWS}", data)


def _loc_cols(loc: Loc) -> list:
    return [loc.page, loc.sheet, loc.table, loc.row, loc.line_start, loc.line_end, loc.describe() or None]


def known_sha(con, sha: str) -> bool:
    return con.execute("SELECT 1 FROM source_files WHERE source_sha256 = ?", [sha]).fetchone() is not None


def known_shas(con, shas: list[str]) -> set[str]:
    """Which of these files the database already holds (one query for a batch)."""
    if not shas:
        return set()
    rows = con.execute("SELECT source_sha256 FROM source_files WHERE list_contains(?, source_sha256)", [shas]).fetchall()
    return {r[0] for r in rows}


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
    bands: list[tuple[str, int, int]] = field(default_factory=list)  # (filing_id, band, hash): copy_bands
    notes: list[str] = field(default_factory=list)  # rows of a structured export left out (--skip-bad-rows)
    blob: tuple[str, int, bytes] | None = None  # (codec, size, compressed bytes): source_blobs (etl/review/blobs.py)
    stale: list[tuple[str, str]] = field(default_factory=list)  # (correction_id, why): corrections that no longer apply


@dataclass
class LogRow:
    run_id: str
    source_file: str
    sha256: str | None
    status: str
    error: str | None
    filings: int
    seconds: float
    at: datetime | None = None  # when it happened (the time of writing when None)
    note: str | None = None  # what else was done with the file (replaced an older version, renamed it)


METRIC_COLUMNS = [
    "filing_id", "score_recomputed", "inflation", "exec_rate_computed", "measurable_share", "vague_count",
    "indicator_count", "deductions", "deductions_no_reason", "grade_computed", "finding_count", "error_count",
]


def file_rows(lf: LoadedFile, now: datetime) -> dict[str, list[list]]:
    """Every row one file adds, per table (what was read, then what the checks derived)."""
    rows: dict[str, list[list]] = {
        "source_files": [[lf.sha256, lf.source_file, lf.fmt, lf.layout, lf.size, lf.is_sample, now]],
        "filings": [], "indicators": [], "spending_plan": [], "sections": [], "reason_texts": [],
        "copy_bands": [list(b) for b in lf.bands],
        "source_blobs": [[lf.sha256, *lf.blob]] if lf.blob else [],
    }
    for f in lf.filings:
        rows["filings"].append([
            f.filing_id, f.source_file, f.source_sha256, f.part_index, f.doc_kind, f.title,
            f.province, f.city, f.county, f.adcode, f.department, f.department_code, f.unit,
            f.project, f.project_code, f.year, f.amount_unit,
            f.budget_initial, f.budget_adjusted, f.budget_executed, f.budget_fiscal, f.budget_other,
            f.budget_carryover, f.exec_rate_reported, f.exec_weight, f.exec_score,
            f.total_weight, f.total_score, f.grade_reported, f.parse_status,
            "；".join(f.parse_notes) or None, *_loc_cols(f.loc), lf.is_sample, f.parse_confidence,
            f.source_kind, False,
        ])
        rows["indicators"].extend(
            [
                f.filing_id, i.seq, i.level1, i.level2, i.name, i.description, i.target, i.actual,
                i.target_m.op if i.target_m else None, i.target_m.num if i.target_m else None,
                i.target_m.unit if i.target_m else None,
                i.actual_m.op if i.actual_m else None, i.actual_m.num if i.actual_m else None,
                i.actual_m.unit if i.actual_m else None,
                i.weight, i.score, i.reason, i.basis, i.nature, *_loc_cols(i.loc), i.parse_confidence, i.code,
            ]
            for i in f.indicators
        )
        # the non-empty reasons again, as stored (fill_reason_texts selects the same from indicators)
        rows["reason_texts"].extend([f.filing_id, i.seq, r] for i in f.indicators
                                    if (r := _nul(i.reason)) is not None and r != "")
        rows["spending_plan"].extend([f.filing_id, k + 1, p.period, p.month, p.value, p.loc.describe() or None]
                                     for k, p in enumerate(f.spending_plan))
        rows["sections"].extend([f.filing_id, k + 1, s.kind, s.heading, s.text, s.loc.describe() or None]
                                for k, s in enumerate(f.sections))
    rows.update(derived_rows(lf.findings, lf.metrics, lf.reasons))
    return rows  # NUL bytes are taken out column by column where the rows are inserted (_insert)


def derived_rows(findings: list[Finding], metrics: list[dict], reasons: list[tuple[str, int, str]]) -> dict[str, list[list]]:
    return {
        "findings": [[x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence] for x in findings],
        "filing_metrics": [[m.get(c) for c in METRIC_COLUMNS] for m in metrics],
        "indicator_reasons": [list(r) for r in reasons],
    }


def insert_rows(con, rows: dict[str, list[list]], replace: tuple[str, ...] = ()) -> None:
    """Insert each table's rows; the tables in `replace` (keyed ones) replace the row their key finds."""
    for table, table_rows in rows.items():
        if table == "filing_metrics":
            _insert(con, table, table_rows, columns=METRIC_COLUMNS, verb="INSERT OR REPLACE")
        else:
            _insert(con, table, table_rows, verb="INSERT OR REPLACE" if table in replace else "INSERT")


def _set_marks(con, mark: str | tuple[str, ...] | None, value: str) -> None:
    for key in (mark,) if isinstance(mark, str) else (mark or ()):
        set_meta(con, key, value)


CHUNK_FILINGS = 1000  # a file with more filings (a bulk export) is inserted this many filings at a time


def _pieces(lf: LoadedFile) -> list[LoadedFile]:
    """A large file as consecutive slices of its filings, each with its findings, metrics, reasons and bands,
    the file's own row in the first only: the rows of a 100,000-row export are never all built as Python lists
    at once. A small file is one piece."""
    if len(lf.filings) <= CHUNK_FILINGS:
        return [lf]
    per: dict[str, dict[str, list]] = defaultdict(lambda: {"findings": [], "metrics": [], "reasons": [], "bands": []})
    for x in lf.findings:
        per[x.filing_id]["findings"].append(x)
    for m in lf.metrics:
        per[m["filing_id"]]["metrics"].append(m)
    for r in lf.reasons:
        per[r[0]]["reasons"].append(r)
    for b in lf.bands:
        per[b[0]]["bands"].append(b)
    out = []
    for k in range(0, len(lf.filings), CHUNK_FILINGS):
        fs = lf.filings[k:k + CHUNK_FILINGS]
        got = [per.get(f.filing_id, {}) for f in fs]
        out.append(LoadedFile(lf.source_file, lf.sha256, lf.fmt, lf.layout, lf.size, lf.is_sample, fs,
                              [x for g in got for x in g.get("findings", ())], [x for g in got for x in g.get("metrics", ())],
                              [x for g in got for x in g.get("reasons", ())], [x for g in got for x in g.get("bands", ())],
                              blob=lf.blob))
    return out


def _insert_file(con, lf: LoadedFile, now: datetime) -> None:
    for k, piece in enumerate(_pieces(lf)):
        rows = file_rows(piece, now)
        if k:  # the file's own rows (its source_files row, its kept copy) come with the first piece only
            rows.pop("source_files")
            rows.pop("source_blobs")
        insert_rows(con, rows)


def write_file(con, lf: LoadedFile, log_row: LogRow | None = None, mark: str | tuple[str, ...] | None = None,
               replace: bool = False, before=None) -> None:
    """All rows of one file in one transaction; nothing of it stays if any insert fails.

    The file's ingest_log row (and the meta markers `mark`, saying derived
    cross-filing tables and the marts are stale) commit in the same transaction, so a kill
    can never leave a loaded file without its log row. `before(con)`, when given, runs first in the
    same transaction (the older version the file replaces moves to history: etl/load/versions.py).
    """
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        if before is not None:  # the versions this file replaces or renames (etl/load/versions.py)
            before(con)
        first = delete_files(con, [lf.sha256]) if replace else {}
        with many_records():  # the rows as lists, a bulk export's piece by piece
            _insert_file(con, lf, now)
        keep_dates(con, first)
        mark_stale(con, lf.stale)
        if log_row is not None:
            log(con, log_row.run_id, log_row.source_file, log_row.sha256, log_row.status, log_row.error,
                log_row.filings, log_row.seconds, log_row.note)
        _set_marks(con, mark, log_row.run_id if log_row else "1")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_batch(con, files: list[tuple[LoadedFile | None, LogRow]], mark: str | tuple[str, ...] | None = None,
                replace: set[str] | frozenset = frozenset(), before=None) -> None:
    """Many files' rows and every log row in one transaction, one insert per table.

    A statement costs DuckDB more than a file's rows (~3 ms against ~0.1 ms), so a
    batch of files is written as one. It is all or nothing: when it fails, the
    caller writes the same files one transaction each (`write_file`), so one bad
    file still fails alone. `files` pairs each loaded file with its log row; a
    log row without a file (a duplicate, a failure) is logged in the same order. `before(con)`, when
    given, runs first in the same transaction (re-submissions: etl/load/versions.py) and counts as a
    change for the marker.
    """
    with many_records():  # the rows as lists, a bulk export's piece by piece
        _write_batch(con, files, mark, replace, before)


def _write_batch(con, files, mark, replace, before) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    merged: dict[str, list[list]] = {}
    large = []  # bulk exports: inserted piece by piece in the same transaction (_insert_file)
    for lf, _ in files:
        if lf is not None and len(lf.filings) > CHUNK_FILINGS:
            large.append(lf)
        elif lf is not None:
            for table, rows in file_rows(lf, now).items():
                merged.setdefault(table, []).extend(rows)
    logs = [_clean([r.run_id, r.at or now, r.source_file, r.sha256, r.status, r.error, r.filings, r.seconds, r.note])
            for _, r in files]
    con.execute("BEGIN TRANSACTION")
    try:
        if before is not None:  # the versions these files replace or rename (etl/load/versions.py)
            before(con)
        first = delete_files(con, sorted(replace))  # files read again (ingest --reread): their old rows go first
        insert_rows(con, merged)
        for lf in large:
            _insert_file(con, lf, now)
        keep_dates(con, first)
        mark_stale(con, [s for lf, _ in files if lf is not None for s in lf.stale])
        _insert(con, "ingest_log", logs, columns=LOG_COLUMNS)
        if before is not None or any(lf is not None for lf, _ in files):
            _set_marks(con, mark, files[0][1].run_id)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# Every table holding rows of a filing (its reading, what the checks derived, its place in the cross-filing tables)
FILING_TABLES = ("indicators", "spending_plan", "sections", "findings", "filing_metrics", "indicator_reasons",
                 "reason_texts", "copy_bands", "copy_clusters", "indicator_keys")


def delete_files(con, shas: list[str]) -> dict[str, datetime]:
    """Remove every row of these files (by content hash): before a re-read writes them again.
    The cross-filing tables lose the files' filings too; the refresh after the ingest recomputes them.
    Returns when each file was first ingested (a re-read file keeps that date: `keep_dates`)."""
    if not shas:
        return {}
    marks = ", ".join("?" * len(shas))
    ids = f"(SELECT filing_id FROM filings WHERE source_sha256 IN ({marks}))"
    for table in FILING_TABLES:  # our own table names
        con.execute(f"DELETE FROM {table} WHERE filing_id IN {ids}", shas)
    con.execute(f"DELETE FROM filing_links WHERE filing_id IN {ids} OR prev_filing_id IN {ids}", shas + shas)
    first = dict(con.execute(f"SELECT source_sha256, first_ingested_at FROM source_files WHERE source_sha256 IN ({marks})",
                             shas).fetchall())
    for table in ("filings", "source_files", "source_blobs"):
        con.execute(f"DELETE FROM {table} WHERE source_sha256 IN ({marks})", shas)
    return first


def keep_dates(con, first: dict[str, datetime]) -> None:
    """A re-read file's first ingestion date, as before (which of two versions of a file is newer goes by it)."""
    for sha, when in first.items():
        con.execute("UPDATE source_files SET first_ingested_at = ? WHERE source_sha256 = ?", [when, sha])


def mark_stale(con, stale: list[tuple[str, str]]) -> None:
    """Corrections the per-file step could not apply to a new reading (etl/review): kept, flagged, with why."""
    for correction_id, why in stale:
        con.execute("UPDATE corrections SET state = 'stale', note = ? WHERE correction_id = ?", [why, correction_id])


def write_derived(con, findings: list[Finding], metrics: list[dict], reasons: list[tuple[str, int, str]]) -> None:
    insert_rows(con, derived_rows(findings, metrics, reasons))


LOG_COLUMNS = ["run_id", "ingested_at", "source_file", "source_sha256", "status", "error", "filings", "seconds", "note"]


def log(con, run_id: str, source_file: str, sha: str | None, status: str, error: str | None, filings: int, seconds: float,
        note: str | None = None) -> None:
    con.execute(
        f"INSERT INTO ingest_log ({', '.join(LOG_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _clean([run_id, datetime.now(timezone.utc).replace(tzinfo=None), source_file, sha, status, error, filings, seconds,
                note]),
    )
