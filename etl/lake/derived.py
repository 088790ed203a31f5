"""What compares filings across files, recomputed over the whole lake after each run.

The copy clusters and their findings (etl/copies.py, a batch of band components at a
time), and the cross-year links, soft-target findings and their indices, use the local
engine's own code; the marts use
the same SQL as the DuckDB file. Each result replaces its Parquet file atomically.
"""
from __future__ import annotations

import os
from pathlib import Path

from etl import check
from etl.lake.attach import create_views, partition_indicators
from etl.copies import refresh_copies_scoped
from etl.lake.layout import DERIVED_ORDER, bounded_duckdb, parquet_glob, sql_text
from etl.link.tables import build_indices
from etl.load.schema import create_schema
from etl.marts import MART_SQL, current_sql, mart_select
from etl.recheck import write_soft
from etl.review.ledger import flag_changed_files


def replace_parquet(con, select: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    if target.stem in DERIVED_ORDER:
        select = f"SELECT * FROM ({select}) ORDER BY {DERIVED_ORDER[target.stem]}"
    con.execute(f"COPY ({select}) TO {sql_text(tmp)} (FORMAT parquet)")
    os.replace(tmp, target)


def refresh_copies(lake: Path, settings_path: str | None = None) -> None:
    """Copy clusters and their findings by the local engine's code (etl/copies.py: the components of
    the lake's copy_bands, a batch at a time, numbered in SQL) into derived/*.parquet."""
    out = Path(lake) / "derived"
    con = bounded_duckdb(lake)
    try:
        con.execute("CREATE SCHEMA work")
        con.execute("USE memory.work")
        create_schema(con)  # empty tables to collect the comparison's rows
        for table in ("filings", "indicators"):  # read from the lake's views instead
            con.execute(f"DROP TABLE {table}")  # our own table names
        con.execute("USE memory.main")
        create_views(con, lake, marts=())
        # the bands as a table: a filing without them (its checks crashed) gets them computed and added
        con.execute("INSERT INTO work.copy_bands SELECT filing_id, band, hash FROM main.copy_bands")
        con.execute("USE memory.work")
        con.execute("SET search_path = 'memory.work,memory.main'")  # rows written to work, lake read from main
        refresh_copies_scoped(con, check.load_settings(settings_path), None)
        con.execute("USE memory.main")
        replace_parquet(con, "SELECT * FROM work.copy_clusters", out / "copy_clusters.parquet")
        replace_parquet(con, "SELECT * FROM work.findings", out / "copy_findings.parquet")
    finally:
        con.close()


SOFT_TABLES = ("indicator_keys", "filing_links", "soft_indices")


def refresh_soft(lake: Path, settings_path: str | None = None) -> None:
    """Cross-year links, soft-target findings and their indices, by the local engine's own code
    (etl.recheck.refresh_soft's steps) over the lake's filings, into derived/*.parquet."""
    settings = check.load_settings(settings_path)
    out = Path(lake) / "derived"
    con = bounded_duckdb(lake)
    try:
        create_schema(con)  # real tables in main: the indices join filings and metrics with the new rows
        con.execute("CREATE SCHEMA lake")
        views = con.cursor()  # a second client of the same database, reading the lake's views by default
        views.execute("USE memory.lake")
        create_views(views, lake, marts=())
        for table in ("filings", "filing_metrics"):  # our own table names
            con.execute(f"INSERT INTO {table} SELECT * FROM lake.{table}")
        write_soft(con, views, settings, partition_indicators)  # one province group at a time
        build_indices(con)
        for table in SOFT_TABLES:
            replace_parquet(con, f"SELECT * FROM {table}", out / f"{table}.parquet")
        replace_parquet(con, "SELECT * FROM findings", out / "soft_findings.parquet")
    finally:
        con.close()


def refresh_marts(lake: Path) -> None:
    current_sql()  # the settings as they are now
    con = bounded_duckdb(lake)
    try:
        create_views(con, lake, marts=())
        for name, sql in MART_SQL.items():
            replace_parquet(con, mart_select(name), Path(lake) / "derived" / f"{name}.parquet")
    finally:
        con.close()


def refresh_corrections(lake: Path) -> None:
    """Flag the lake's corrections of files that came in again with other bytes (etl/review/ledger.py's own check)."""
    glob = parquet_glob(lake, "corrections")
    if glob is None:
        return
    con = bounded_duckdb(lake)
    try:
        create_views(con, lake, marts=())
        con.execute("DROP VIEW corrections")
        con.execute(f"CREATE TABLE corrections AS SELECT * FROM read_parquet({sql_text(glob)})")
        if flag_changed_files(con):
            replace_parquet(con, "SELECT * FROM corrections", Path(lake) / "derived" / "corrections.parquet")
    finally:
        con.close()


def refresh_derived(lake: Path | str, settings_path: str | None = None) -> None:
    lake = Path(lake).resolve()
    refresh_corrections(lake)
    refresh_copies(lake, settings_path)
    refresh_soft(lake, settings_path)
    refresh_marts(lake)  # last: they sum the findings the two above wrote
