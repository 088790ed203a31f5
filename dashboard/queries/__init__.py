"""Every SQL statement of the dashboard. Pages call these queries and hold no SQL.

    qs = queries.connect(db)          # picks the query class for what the file holds, once per version
    qs.overview_counts(filters)       # a dict / DataFrame, cached per database version

One class per storage choice, each a module of its own:

- base.py   FileQueries: a DuckDB file without marts (an old file): every figure from the base tables.
            The reference: the others must answer as it does (tests/test_marts.py).
- marts.py  MartQueries: a DuckDB file with the marts every ingest builds: the headline figures, lists
            and comparisons read pre-aggregated tables.
- lake.py   LakeQueries: a Parquet lake attached to a DuckDB file (views, marts included): one filing's
            rows are read from its partition only.
- explorer.py  the 筛选查询 page's conditions (label, SQL and Chinese sentence each) over any of them.
- running.py   how a statement runs: short read-only connections, the cache, the query tracer
               (JIXIAO_TRACE_SQL=1 prints every query and its time).
"""
from __future__ import annotations

from pathlib import Path

from dashboard.db import db_version
from dashboard.queries.base import FileQueries
from dashboard.queries.lake import LakeQueries
from dashboard.queries.marts import MartQueries
from dashboard.queries.running import (close_session, page_session, reset_stale_flag, run, served_stale,  # noqa: F401
                                       stream, trace_from_setting, tracer)
from etl.lake.attach import HAS_MACROS_SQL, INDICATORS_MACRO, LAKE_KEY
from etl.marts import LAKE_PENDING_FILE, MARTS, MARTS_PENDING

_stores: dict[tuple, FileQueries] = {}  # (db, version) -> its queries: what a file holds changes only with it


def connect(db: Path | str) -> FileQueries:
    """The queries for what `db` holds: a file without marts, a file with marts, or an attached lake.

    Decided once per database version (a write, e.g. an ingest that builds the marts,
    makes a new choice); no query asks again which storage it reads. A lake is rewritten
    without the file changing: while its marts are marked stale (lake_pending), the base
    tables are read.
    """
    key = (str(db), db_version(Path(db)))
    qs = _stores.get(key)
    if qs is None:
        qs = _choose(Path(db))
        if len(_stores) > 64:  # a memo, not a store: keep it bounded
            _stores.clear()
        _stores[key] = qs
    if qs.has_marts and qs.lake is not None and lake_pending(qs.lake):
        return FileQueries(db, qs.lake)
    return qs


def lake_pending(lake: str | Path) -> bool:
    """A lake run committed files and has not rewritten the lake's derived tables and marts yet
    (or stopped before it did): its marts count too little."""
    return (Path(lake) / "derived" / LAKE_PENDING_FILE).exists()


def has_marts(db: Path | str) -> bool:
    """True when the database carries every mart (built by every ingest since they exist) and they
    are current: a run that stopped after changing the base tables but before rebuilding the marts
    leaves them marked (etl.marts.MARTS_PENDING; over a lake, DIR/derived/_pending), and until the
    next run rebuilds them the base tables are read, which give the same rows."""
    df = run(db, f"SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ({', '.join('?' * len(MARTS))})",
             MARTS)
    if int(df["n"].iloc[0]) != len(MARTS):
        return False
    # marts of an older shape (before findings 待核实) are read as no marts until the next ingest rebuilds them
    df = run(db, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'mart_finding_rows' "
                 "AND column_name = 'unverified'")
    if not int(df["n"].iloc[0]):
        return False
    lake = attached_lake(db)
    if lake is not None:
        return not lake_pending(lake)
    return int(run(db, "SELECT count(*) AS n FROM meta WHERE key = ?", [MARTS_PENDING])["n"].iloc[0]) == 0


def attached_lake(db: Path | str) -> str | None:
    """The Parquet lake a DuckDB file reads through views (`jixiao attach`), else None."""
    if not int(run(db, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'meta'")["n"].iloc[0]):
        return None
    df = run(db, "SELECT value FROM meta WHERE key = ?", [LAKE_KEY])
    return None if df.empty else str(df["value"].iloc[0])


def _choose(db: Path) -> FileQueries:
    lake = attached_lake(db)
    if not has_marts(db):
        return FileQueries(db, lake)
    # duckdb_functions() lists every function (~12 ms): asked once per version, and only of a lake
    if lake is not None and int(run(db, HAS_MACROS_SQL, [INDICATORS_MACRO])["n"].iloc[0]):
        return LakeQueries(db, lake)
    return MartQueries(db, lake)
