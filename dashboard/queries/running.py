"""How the dashboard's SQL is run: short read-only connections, a cache per database version, a tracer.

Results are cached per database version (file mtime and size), so a refresh after
an ingest shows the new filings, and a query that finds the file locked by a writer
falls back to the last result it had. Every statement goes through `run` (or
`stream` for exports), so the tracer sees all of them: set JIXIAO_TRACE_SQL=1 (or
start the dashboard with `-- --trace-sql`) and each query is printed to stderr with
its time, or wrap code in `with tracer(fn):` to receive them yourself.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from dashboard.db import LOCK_RETRIES, DatabaseBusy, connect, db_version, open_readonly

USE_CACHE = True  # the benchmark and the equality tests turn this off to time and compare the queries themselves
TRACE_ENV = "JIXIAO_TRACE_SQL"

# A tracer gets (sql, params, seconds, how): how is "run", "cached" (answered by the cache) or "stream".
Tracer = Callable[[str, tuple, float, str], None]
_tracers: list[Tracer] = []

_last_good: dict = {}
_last_good_lock = threading.Lock()
_busy = threading.local()
_local = threading.local()


def print_trace(sql: str, params: tuple, seconds: float, how: str) -> None:
    """The tracer of the setting: one line per query on stderr (a query's SQL folded onto the line)."""
    text = " ".join(sql.split())
    print(f"[sql {seconds * 1000:8.1f} ms {how:6}] {text} -- {list(params)}", file=sys.stderr, flush=True)


def trace_from_setting(on: bool | None = None) -> None:
    """Print every query when JIXIAO_TRACE_SQL is set (or `on` is True); idempotent."""
    on = bool(os.environ.get(TRACE_ENV)) if on is None else on
    if on and print_trace not in _tracers:
        _tracers.append(print_trace)


@contextmanager
def tracer(fn: Tracer):
    """Call `fn(sql, params, seconds, how)` for every query run inside the block (like sqlite-utils' db.tracer)."""
    _tracers.append(fn)
    try:
        yield fn
    finally:
        _tracers.remove(fn)


def _trace(sql: str, params: tuple, seconds: float, how: str) -> None:
    for fn in list(_tracers):
        fn(sql, params, seconds, how)


@contextmanager
def page_session():
    """One read-only connection for one page run, opened at the first uncached query, closed at the end.

    Opening a DuckDB file costs ~20 ms, a page runs a dozen queries, and a run
    lasts well under a second: the writer waits at most that long (and only
    when the cache missed), instead of paying the open per query.
    """
    _local.active = True
    try:
        yield
    finally:
        close_session()
        _local.active = False


def close_session() -> None:
    """Close this run's connection now (before this process writes, e.g. an upload)."""
    con = getattr(_local, "con", None)
    _local.con = None
    if con is not None:
        con.close()


def _execute(db: str, sql: str, params: tuple) -> pd.DataFrame:
    # Once a run found the file locked, its other queries try once and fall back at once.
    retries = 1 if served_stale() else LOCK_RETRIES
    start = time.perf_counter()
    if getattr(_local, "active", False):
        if getattr(_local, "con", None) is None or _local.db != db:
            close_session()
            _local.con, _local.db = open_readonly(Path(db), retries), db
        df = _local.con.execute(sql, list(params)).df()
    else:
        con = open_readonly(Path(db), retries)
        try:
            df = con.execute(sql, list(params)).df()
        finally:
            con.close()
    _local.ran = True
    if _tracers:
        _trace(sql, params, time.perf_counter() - start, "run")
    return df


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(db: str, version: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return _execute(db, sql, params)


def run(db: Path, sql: str, params: list | tuple = (), cache: bool = True) -> pd.DataFrame:
    """The result of one statement (values as parameters only) as a DataFrame."""
    db_s, params_t = str(db), tuple(params)
    if not (USE_CACHE and cache):
        return _execute(db_s, sql, params_t)
    key = (db_s, sql, params_t)
    start = time.perf_counter()
    _local.ran = False  # set by _execute: tells a cache hit from a miss for the tracer
    try:
        df = _cached(db_s, db_version(Path(db_s)), sql, params_t)
    except DatabaseBusy:
        with _last_good_lock:
            stale = _last_good.get(key)
        if stale is None:
            raise
        _busy.flag = True
        if _tracers:
            _trace(sql, params_t, time.perf_counter() - start, "stale")
        return stale.copy()
    if _tracers and not _local.ran:
        _trace(sql, params_t, time.perf_counter() - start, "cached")
    with _last_good_lock:
        if len(_last_good) > 4000:  # a fallback, not a second cache: keep it bounded
            _last_good.clear()
        _last_good[key] = df
    return df


@contextmanager
def stream(db: Path, sql: str, params: list | tuple = ()):
    """A cursor over the whole result on a connection of its own (exports read it in chunks)."""
    start = time.perf_counter()
    with connect(Path(db)) as con:
        cur = con.execute(sql, list(params))
        if _tracers:
            _trace(sql, tuple(params), time.perf_counter() - start, "stream")
        yield cur


def served_stale() -> bool:
    """True once a query of this thread's run answered from the last result because of a lock."""
    return getattr(_busy, "flag", False)


def reset_stale_flag() -> None:
    _busy.flag = False
