"""Expose a lake's tables in DuckDB as views over its Parquet files.

`jixiao attach --db FILE --lake DIR` writes such views into a DuckDB file, so the
dashboard, the exports and users' SQL read the lake as if it were a loaded
database. Tables the lake has no file for yet are empty views of the same columns.

Each per-filing table also gets a table macro `<table>_in(province, year)`: its rows
in one partition only. Looking one filing up through the view opens every
partition's files (20-40 ms per table at 1M filings); through the macro, one file.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.lake.layout import HIVE_TYPES, PER_FILE, PER_FILING, parquet_glob, sql_text
from etl.load.schema import create_schema
from etl.marts import MARTS

LAKE_KEY = "lake"
PARTITION_MACRO = "{table}_in"  # the per-partition reader of a per-filing table
# Whether a database has those macros (a file attached by an older version has none); parameter: the
# indicators macro's name. duckdb_functions() lists every function: callers ask it once, not per row.
HAS_MACROS_SQL = "SELECT count(*) AS n FROM duckdb_functions() WHERE function_name = ?"
INDICATORS_MACRO = PARTITION_MACRO.format(table="indicators")
# Tables of the local schema the lake does not hold: views over the lake stand in for them.
VIEW_TABLES = PER_FILING + PER_FILE + ("copy_clusters", "indicator_keys", "filing_links", "soft_indices", "corrections")


class NotALakeDatabase(Exception):
    """The DuckDB file holds loaded tables of its own; attaching would hide them."""


def _schema() -> dict[str, list[tuple[str, str]]]:
    tmpl = duckdb.connect()
    try:
        create_schema(tmpl)
        return {t: [(r[0], r[1]) for r in tmpl.execute(f"DESCRIBE {t}").fetchall()] for t in VIEW_TABLES + ("findings",)}
    finally:
        tmpl.close()


def _read(glob: str, partitioned: bool) -> str:
    if partitioned:
        types = ", ".join(f"{sql_text(k)}: {v}" for k, v in HIVE_TYPES.items())
        return f"read_parquet({sql_text(glob)}, hive_partitioning = true, hive_types = {{{types}}}, union_by_name = true)"
    return f"read_parquet({sql_text(glob)}, union_by_name = true)"


def _select(lake: Path, table: str, cols: list[tuple[str, str]], partition: bool = False,
            present: set[str] | None = None) -> str:
    """The table's columns read from the lake; with `partition`, only the partition (p, y) a macro is called with.
    A column no file of the lake has yet (one added to the schema since, e.g. filings.source_kind) reads as NULL."""
    glob = parquet_glob(lake, table)
    if glob is None:
        return "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in cols) + " WHERE false"
    picked = ", ".join(f"CAST({c if present is None or c in present else 'NULL'} AS {t}) AS {c}" for c, t in cols)
    sql = f"SELECT {picked} FROM {_read(glob, table in PER_FILING)}"
    if partition and table in PER_FILING:
        # NULL-safe: a filing without a province is in the province=NULL partition
        sql += " WHERE province IS NOT DISTINCT FROM p AND year IS NOT DISTINCT FROM y"
    return sql


def _present(con, lake: Path, table: str) -> set[str] | None:
    """The columns the lake's files of `table` hold (None when it has no file)."""
    glob = parquet_glob(lake, table)
    if glob is None or con is None:
        return None
    return {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_read(glob, table in PER_FILING)}").fetchall()}


def _table_sql(lake: Path, table: str, schema: dict, partition: bool = False, con=None) -> str:
    sql = _select(lake, table, schema[table], partition, _present(con, lake, table))
    if table == "findings":  # per-file findings and the cross-filing copy and soft findings, as one table
        sql += " UNION ALL " + _select(lake, "copy_findings", schema["findings"])
        sql += " UNION ALL " + _select(lake, "soft_findings", schema["findings"])
    return sql


def create_views(con, lake: Path | str, marts: tuple[str, ...] | None = None) -> None:
    """Create (or replace) one view per table of the lake in `con`."""
    lake = Path(lake).resolve()
    schema = _schema()
    for table in VIEW_TABLES:
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {_table_sql(lake, table, schema, con=con)}")
    for table in PER_FILING:
        macro = PARTITION_MACRO.format(table=table)
        con.execute(f"CREATE OR REPLACE MACRO {macro}(p, y) AS TABLE {_table_sql(lake, table, schema, partition=True, con=con)}")
    for mart in (MARTS if marts is None else marts):
        glob = parquet_glob(lake, mart)
        if glob is not None:
            con.execute(f"CREATE OR REPLACE VIEW {mart} AS SELECT * FROM read_parquet({sql_text(glob)})")
        else:
            con.execute(f"DROP VIEW IF EXISTS {mart}")


def partition_indicators(con, cond: str, params: list) -> tuple[str, list]:
    """The indicator rows of the filings matching `cond` (over the views of `con`), read from their
    partitions only, through the macro: the cross-year rules' reader over a lake (etl/recheck.py)."""
    parts = con.execute(f"SELECT DISTINCT province, year FROM filings WHERE {cond}", params).fetchall()
    if not parts:
        return "(SELECT * FROM indicators WHERE false)", []
    return "(" + " UNION ALL ".join([f"SELECT * FROM {INDICATORS_MACRO}(?, ?)"] * len(parts)) + ")", [x for p in parts for x in p]


def lake_of(db: Path | str) -> Path | None:
    """The lake a DuckDB file is attached to, if any."""
    if not Path(db).exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:  # held by a writer, or not a DuckDB file: the command itself will say so
        return None
    try:
        has_meta = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not has_meta:
            return None
        row = con.execute("SELECT value FROM meta WHERE key = ?", [LAKE_KEY]).fetchone()
        return Path(row[0]) if row else None
    finally:
        con.close()


def attach(db: Path | str, lake: Path | str) -> None:
    """Make the DuckDB file `db` read the lake: views for every table, the lake's path in `meta`."""
    lake = Path(lake).resolve()
    if not lake.is_dir():
        raise FileNotFoundError(f"湖目录不存在：{lake}")
    Path(db).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    try:
        base = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()}
        own = base & set(VIEW_TABLES)
        if own:
            raise NotALakeDatabase(f"{db} 已有本地导入的数据表（{', '.join(sorted(own))}），不能再挂接数据湖")
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        create_views(con, lake)
        con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [LAKE_KEY, str(lake)])
        con.execute("CHECKPOINT")
    finally:
        con.close()
