"""Where the database is and how the dashboard reads it.

DuckDB allows one writing process or many reading ones. The dashboard only
reads, and only briefly (open, query, close), so that `jixiao ingest` in a
terminal can take the write lock between two of our queries.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/jixiao.duckdb")
ENV_VAR = "JIXIAO_DB"

# How long a query waits for a writer to let go before giving up.
LOCK_RETRIES = 6
LOCK_DELAY_S = 0.1  # about 1.4 s in all


class DatabaseBusy(Exception):
    """The file is held by a writer (an ingest is running)."""


def resolve_db_path(argv: list[str] | None = None) -> Path:
    """--db on the command line (after `--`), else $JIXIAO_DB, else the default."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.db:
        return Path(args.db)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DEFAULT_DB


def db_version(path: Path) -> tuple:
    """Changes whenever a writer changed the file (or its write-ahead log)."""
    parts: list = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = p.stat()
            parts += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            parts += [0, 0]
    return tuple(parts)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    # Another process holds the lock (IOException), or this process holds a
    # read-write connection, e.g. an upload being ingested (ConnectionException).
    return "lock" in text or "different configuration" in text


def open_readonly(path: Path, retries: int = LOCK_RETRIES) -> duckdb.DuckDBPyConnection:
    """A read-only connection; waits briefly for a writer, then raises DatabaseBusy."""
    last: Exception | None = None
    for attempt in range(max(retries, 1)):
        try:
            con = duckdb.connect(str(path), read_only=True)
            # a lake's views read the same Parquet footers in every query of a page run: keep them
            con.execute("SET parquet_metadata_cache = true")
            return con
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise
            last = exc
            if attempt + 1 < retries:
                time.sleep(LOCK_DELAY_S * (1 + attempt / 2))
    raise DatabaseBusy(str(last))


@contextmanager
def connect(path: Path, retries: int = LOCK_RETRIES):
    con = open_readonly(path, retries)
    try:
        yield con
    finally:
        con.close()
