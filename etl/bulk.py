"""Many rows into DuckDB in one statement: the rows travel as an Arrow table or a DataFrame, never as SQL text.

    scan(con, f"INSERT INTO t (a, b) SELECT a, b FROM {ROWS}", rows)
"""
from __future__ import annotations

import sys

import pyarrow as pa

# The name a bulk statement reads its rows under: a Python variable DuckDB finds by its replacement scan,
# never a table of ours.
ROWS = "_jixiao_rows"


def scan(con, sql: str, rows) -> None:
    """Run `sql` reading `rows` (an Arrow table or a DataFrame) as the relation named ROWS.

    Read through DuckDB's replacement scan of this function's local variable, not con.register(): a
    registered object is a view in the catalog, and inside a transaction DuckDB keeps each dropped view,
    with the rows it held, until the commit. Registered piece by piece, a 100,000-row export's pieces all
    stayed in memory until its one transaction committed; scanned, each piece is freed once inserted."""
    _jixiao_rows = rows  # noqa: F841 - read by DuckDB under its name (ROWS)
    con.execute(sql)


# Arrow columns are built from the C heap, not Arrow's own allocator (which keeps what it freed): the
# rows then reuse the memory the reading and the checks freed instead of adding their own (etl/load/store.py)
POOL = pa.system_memory_pool()
# DuckDB's column types as Arrow types; any other type is left to Arrow to infer (DuckDB casts on insert)
_ARROW_OF = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
             "FLOAT": pa.float32(), "BOOLEAN": pa.bool_(), "SMALLINT": pa.int16(), "TINYINT": pa.int8(),
             "BLOB": pa.binary()}


def insert_rows(con, table: str, columns: list[str], rows: list[list]) -> None:
    """Many rows into `table` in one statement (executemany costs ~1 ms a row), as one Arrow table typed
    as the table's columns. `table` and `columns` are our own names, never data.

    Arrow, not a pandas DataFrame: the commands that write the database then never import pandas
    (~55 MB of a bulk import's peak memory, ~0.4 s). A float NaN is stored as NULL, as a DataFrame's
    was; rows Arrow cannot type as the column says go through executemany, which casts as DuckDB does."""
    if not rows:
        return
    cols = ", ".join(columns)
    types = [str(d[1]) for d in con.execute(f"SELECT {cols} FROM {table} LIMIT 0").description]
    target = f"INSERT INTO {table} ({cols})"
    try:
        data = pa.table({c: pa.array(_column(rows, k, _ARROW_OF.get(t)), type=_ARROW_OF.get(t), memory_pool=POOL)
                         for k, (c, t) in enumerate(zip(columns, types))})
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        con.executemany(f"{target} VALUES ({', '.join(['?'] * len(columns))})",
                        [[_null_nan(v) for v in r] for r in rows])
        return
    scan(con, f"{target} SELECT {cols} FROM {ROWS}", data)


def without_pandas() -> bool:
    """Keep pandas out of a process that only writes DuckDB (the `jixiao import` / `ingest` commands).

    DuckDB's Python client imports pandas itself on a connection's first statement with parameters,
    to ask whether a parameter is a DataFrame: ~1.5 s CPU and ~50 MB on this machine, for a library no
    ETL module uses (etl/ passes Arrow, above). Marked as not installed, DuckDB answers without it.
    Only for a whole process that is ours (the console entry point): a process that already imported
    pandas, or may need it later (the dashboard, tests), is left alone. Returns whether it was kept out."""
    if "pandas" in sys.modules:
        return False
    # a finder that refuses it, not None in sys.modules: Cython's import (pyarrow's pandas shim) returns a
    # module found there, None included, and then reads None.__version__
    sys.meta_path.insert(0, _NoPandas())
    return True


class _NoPandas:
    """An import finder under which `import pandas` raises ImportError (pandas taken as not installed)."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is kept out of this process (etl/bulk.py without_pandas)", name=name)
        return None


def _null_nan(v):
    return None if v.__class__ is float and v != v else v


# the Arrow types a float NaN can be stored in (as NaN): only there is it made NULL value by value; any other
# type refuses a float, so a NaN there sends the rows to executemany, which makes it NULL (~1M calls fewer
# for a 100,000-row export's keys, most of the columns being text)
_NAN_TYPES = (pa.float64(), pa.float32(), None)


def _column(rows: list[list], k: int, arrow_type):
    if arrow_type in _NAN_TYPES:
        return [_null_nan(r[k]) for r in rows]
    return [r[k] for r in rows]
