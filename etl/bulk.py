"""Many rows into DuckDB in one statement: the rows travel as an Arrow table or a DataFrame, never as SQL text.

    scan(con, f"INSERT INTO t (a, b) SELECT a, b FROM {ROWS}", rows)
"""
from __future__ import annotations

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
