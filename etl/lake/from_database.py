"""A DuckDB file's tables written out as a lake (one committed batch), e.g. to move a database onto a cluster."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.lake import layout
from etl.lake.batch import export_tables, new_batch_id
from etl.lake.derived import SOFT_TABLES, refresh_marts, replace_parquet
from etl.load.schema import create_schema
from etl.recheck import soft_rule_ids


def export_db(db: Path | str, lake: Path | str) -> None:
    soft = soft_rule_ids()
    lake = Path(lake).resolve()
    if layout.committed(lake):
        raise FileExistsError(f"{lake} 已有数据，导出只写入空的数据湖目录")
    lake.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {layout.sql_text(Path(db).resolve())} AS src (READ_ONLY)")
        create_schema(con)
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'")
                .fetchall()}
        for table in [t for t in layout.PER_FILING + layout.PER_FILE if t in have]:  # an older file lacks some
            # copy and soft-target findings compare filings across files: derived files of their own
            keep = f" WHERE family <> 'copying' AND rule NOT IN ({', '.join('?' * len(soft))})" if table == "findings" else ""
            # by name: a file written before a column was added (ingest_log.note) exports with it NULL
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM src.{table}{keep}", soft if keep else [])  # our own table names
        batch = new_batch_id()
        export_tables(con, lake / layout.STAGING / batch, batch, tables=layout.PER_FILING + layout.PER_FILE)
        layout.publish(lake, batch, {"run_id": "export", "source": str(db)})
        replace_parquet(con, "SELECT * FROM src.copy_clusters", lake / "derived" / "copy_clusters.parquet")
        replace_parquet(con, "SELECT * FROM src.findings WHERE family = 'copying'", lake / "derived" / "copy_findings.parquet")
        # the cross-year tables as the file holds them, like the copy clusters (not recomputed)
        for table in SOFT_TABLES:
            replace_parquet(con, f"SELECT * FROM src.{table}", lake / "derived" / f"{table}.parquet")
        in_soft = f"rule IN ({', '.join(repr(r) for r in soft)})"  # our own rule ids
        replace_parquet(con, f"SELECT * FROM src.findings WHERE {in_soft}", lake / "derived" / "soft_findings.parquet")
        if "corrections" in have:  # who corrected what: the exported rows already hold the corrections
            replace_parquet(con, "SELECT * FROM src.corrections", lake / "derived" / "corrections.parquet")
    finally:
        con.close()
    refresh_marts(lake)
