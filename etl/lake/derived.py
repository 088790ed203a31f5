"""What compares filings across files, recomputed over the whole lake after each run.

The copy clusters and their findings use the local engine's own comparison
(etl.check.copy_analysis on the same inputs etl.recheck reads); the marts use
the same SQL as the DuckDB file. Each result replaces its Parquet file atomically.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from etl.lake.attach import create_views
from etl.load.schema import create_schema


def _replace(con, select: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    con.execute(f"COPY ({select}) TO '{tmp}' (FORMAT parquet)")
    os.replace(tmp, target)


def refresh_derived(lake: Path | str, settings_path: str | None = None) -> None:
    from etl import check
    from etl.marts import MART_SQL
    from etl.recheck import _copy_inputs, _write_clusters
    from etl.load.store import write_derived

    lake = Path(lake).resolve()
    out = lake / "derived"
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA work")
        con.execute("USE memory.work")
        create_schema(con)  # empty tables to collect the comparison's rows
        con.execute("USE memory.main")
        create_views(con, lake, marts=())
        filings = _copy_inputs(con)
        clusters, copies = check.copy_analysis(filings, check.load_settings(settings_path))
        con.execute("USE memory.work")
        write_derived(con, copies, [], [])
        _write_clusters(con, clusters)
        con.execute("USE memory.main")
        _replace(con, "SELECT * FROM work.copy_clusters", out / "copy_clusters.parquet")
        _replace(con, "SELECT * FROM work.findings", out / "copy_findings.parquet")
        create_views(con, lake, marts=())  # the findings view now includes the copy findings
        for name, sql in MART_SQL.items():
            _replace(con, sql, out / f"{name}.parquet")
    finally:
        con.close()
