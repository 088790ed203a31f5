"""One batch of files -> staged Parquet: the map step of the Ray ingest.

Each file goes through the same `analyse()` and the same `store.write_file()` as
the local engine (into an in-memory DuckDB), so the lake gets the very rows the
DuckDB file would; the batch's tables are then copied out as Parquet.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from etl.inputs import is_sample_name
from etl.lake.layout import PARTITION_BY, PER_FILING, STAGING, sql_text
from etl.load import store
from etl.load.schema import create_schema, fill_reason_texts
from etl.per_file import Job, run_job, warm_up
from etl.workers import run as run_workers


def table_columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]  # our own table names


def new_batch_id() -> str:
    # no underscore: a data file's name is <batch>_<n>.parquet
    return uuid.uuid4().hex


def analyse_supervised(items: list[tuple[str, str, str]], is_sample: bool | None, limits,
                       corrections: dict | None = None) -> list[tuple[dict, store.LoadedFile | None]]:
    """The per-file step (etl/per_file.py) on each (path, name, sha) under the local engine's per-file
    budgets, in its order, with the people's corrections of those bytes (`corrections`: sha -> list,
    etl/review) applied.

    The files go through the local engine's own supervised worker (etl.workers.run over
    per_file.run_job, one process forked from this task): the same CPU-time and address-space
    budgets, and the same failed rows and reasons when a file goes past one, a worker dies or hangs.
    The task itself never holds a file's memory.
    """
    jobs = [Job(path, name, sha, is_sample if is_sample is not None else is_sample_name(name),
                corrections=(corrections or {}).get(sha))
            for path, name, sha in items]
    done: dict[int, tuple[dict, store.LoadedFile | None]] = {}
    if jobs:
        warm_up()
        for out in run_workers(run_job, jobs, 1, limits):
            if out.progress is not None:
                continue
            job = out.job
            if out.error is not None:  # as the local engine logs it (etl/pipeline.py)
                result = {"source_file": job.name, "sha256": job.sha256, "status": "failed",
                          "error": f"{job.name}: {out.error}", "filings": 0, "seconds": limits.seconds}
                lf = None
            else:
                fr, lf = out.value
                result = {"source_file": fr.source_file, "sha256": fr.sha256, "status": fr.status,
                          "error": fr.error, "filings": 0, "seconds": fr.seconds}
            done[id(job)] = (result, lf)
    return [done[id(j)] for j in jobs]


def export_tables(con, out: Path, batch: str, tables=PER_FILING + ("source_files", "source_blobs")) -> None:
    """Copy the tables of `con` out as Parquet under `out`, per-filing ones partitioned by their filing's place and year."""
    out.mkdir(parents=True, exist_ok=True)
    for table in tables:
        if not con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            continue
        cols = table_columns(con, table)
        if table in PER_FILING:
            if table == "filings":
                select = "SELECT * FROM filings"
            else:
                picked = ", ".join(f"t.{c}" for c in cols)
                select = (f"SELECT {picked}, p.province, p.year FROM {table} t "
                          f"JOIN filings p ON p.filing_id = t.filing_id")
            con.execute(
                f"COPY ({select}) TO {sql_text(out / table)} (FORMAT parquet, PARTITION_BY ({', '.join(PARTITION_BY)}), "
                f"FILENAME_PATTERN '{batch}_{{i}}', OVERWRITE_OR_IGNORE)"
            )
        else:
            (out / table).mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY {table} TO {sql_text(out / table / (batch + '_0.parquet'))} (FORMAT parquet)")


def _insert_batch(con, files: list[tuple[dict, store.LoadedFile | None]]) -> None:
    """All loaded files' rows in one insert per table (a statement costs more than its rows here)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    merged: dict[str, list[list]] = {}
    for _, lf in files:
        if lf is not None:
            for table, rows in store.file_rows(lf, now).items():
                merged.setdefault(table, []).extend(rows)
    con.execute("BEGIN TRANSACTION")
    try:
        store.insert_rows(con, merged)
        fill_reason_texts(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_batch(lake: Path, batch: str, files: list[tuple[dict, store.LoadedFile | None]]) -> list[dict]:
    """Write the loaded files of one batch to DIR/_staging/<batch>/; returns every file's result."""
    con = duckdb.connect()
    try:
        create_schema(con)
        started = time.perf_counter()
        try:
            _insert_batch(con, files)
            share = (time.perf_counter() - started) / max(1, sum(lf is not None for _, lf in files))
            for result, lf in files:
                if lf is not None:
                    result["status"], result["filings"] = "loaded", len(lf.filings)
                    result["seconds"] += share
        except Exception:  # some file's rows do not fit: write file by file, as the local engine does
            for result, lf in files:
                if lf is None:
                    continue
                started = time.perf_counter()
                try:
                    store.write_file(con, lf)
                    result["status"], result["filings"] = "loaded", len(lf.filings)
                except Exception as exc:  # rolled back: nothing of this file stays
                    result["status"] = "failed"
                    result["error"] = f"{result['source_file']}: 写入数据库失败：{exc}"
                result["seconds"] += time.perf_counter() - started
        export_tables(con, Path(lake) / STAGING / batch, batch)
    finally:
        con.close()
    return [r for r, _ in files]


def write_log(lake: Path, batch: str, run_id: str, results: list[dict]) -> None:
    """The batch's ingest_log rows, staged with its data so they commit together."""
    if not results:
        return
    con = duckdb.connect()
    try:
        create_schema(con)
        for r in results:
            store.log(con, run_id, r["source_file"], r["sha256"], r["status"], r["error"], r["filings"], r["seconds"])
        export_tables(con, Path(lake) / STAGING / batch, batch, tables=("ingest_log",))
    finally:
        con.close()
