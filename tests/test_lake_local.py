"""The lake's parts that need no Ray: reasons decided before parsing, attach's refusals, compaction's bookkeeping."""
from __future__ import annotations

import duckdb
import pytest

from etl.lake import layout
from etl.lake.attach import NotALakeDatabase, attach, lake_of
from etl.lake.ray_ingest import ingest_lake
from etl.pipeline import ingest_paths


def test_missing_file_fails_with_the_local_engines_reason(tmp_path):
    missing = tmp_path / "不存在的文件.xlsx"
    local = ingest_paths([missing], tmp_path / "local.duckdb")
    lake = ingest_lake([missing], tmp_path / "lake")  # nothing to parse: Ray is not started
    assert [(r.status, r.error) for r in lake.results] == [(r.status, r.error) for r in local.results]
    assert lake.results[0].error == "不存在的文件.xlsx: 找不到路径：文件或文件夹不存在"
    attach(tmp_path / "lake.duckdb", tmp_path / "lake")
    con = duckdb.connect(str(tmp_path / "lake.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT source_file, status, error FROM ingest_log").fetchall() == [
            ("不存在的文件.xlsx", "failed", "不存在的文件.xlsx: 找不到路径：文件或文件夹不存在")]
        assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == 0  # an empty view of the right columns
        assert "total_score" in [r[0] for r in con.execute("DESCRIBE filings").fetchall()]
    finally:
        con.close()


def test_attach_refuses_a_loaded_database_and_a_missing_lake(seeds_db, tmp_path):
    (tmp_path / "lake").mkdir()
    with pytest.raises(NotALakeDatabase):
        attach(seeds_db, tmp_path / "lake")
    with pytest.raises(FileNotFoundError):
        attach(tmp_path / "x.duckdb", tmp_path / "no_such_lake")
    assert lake_of(seeds_db) is None


def test_recover_drops_files_no_commit_names(tmp_path):
    lake = tmp_path / "lake"
    part = lake / "filings" / "province=NULL" / "year=NULL"
    part.mkdir(parents=True)
    con = duckdb.connect()
    for batch in ("aaa", "bbb"):
        con.execute(f"COPY (SELECT 1 AS x) TO {layout.sql_text(part / (batch + '_0.parquet'))} (FORMAT parquet)")
    layout.publish(lake, "aaa", {"run_id": "t"})
    (lake / layout.STAGING / "ccc").mkdir(parents=True)
    assert layout.recover(lake) == 1
    assert [p.name for p in layout.data_files(lake, "filings")] == ["aaa_0.parquet"]
    assert not (lake / layout.STAGING).exists()


@pytest.mark.slow
def test_rows_of_a_filing_with_no_known_province_are_written_to_the_lake_every_time(tmp_path):
    """Most real filings name no province, so their partition value is NULL. DuckDB 1.4.1 wrote a NULL
    partition value through freed memory (now and then 'Invalid unicode … in value construction', or a crash
    with one thread): `jixiao export` failed on such files at random. The per-filing tables are written
    300 times in a child process (a crash there must not take pytest down) and read back each time."""
    import subprocess
    import sys
    from pathlib import Path

    from test_review import self_eval_text

    src = tmp_path / "in"
    src.mkdir()
    (src / "道路养护.txt").write_text(self_eval_text(), encoding="utf-8")
    db = tmp_path / "local.duckdb"
    assert ingest_paths([src], db, workers=1).loaded == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT province FROM filings").fetchall() == [(None,)]
        reasons = con.execute("SELECT count(*) FROM reason_texts").fetchone()[0]
    finally:
        con.close()
    assert reasons > 0
    child = f"""
import duckdb
from pathlib import Path
from etl.lake.batch import export_tables
from etl.load.schema import create_schema
con = duckdb.connect()
con.execute("SET threads = 1")  # the old fault showed most often with one thread
con.execute("ATTACH {layout.sql_text(db)} AS src (READ_ONLY)")
create_schema(con)
for t in ("filings", "indicators", "reason_texts"):
    con.execute(f"INSERT INTO {{t}} BY NAME SELECT * FROM src.{{t}}")
for i in range(300):
    out = Path({str(tmp_path)!r}) / "out" / str(i)
    export_tables(con, out, f"b{{i}}", tables=("filings", "indicators", "reason_texts"))
    got = con.execute(f"SELECT count(*), count(province) FROM read_parquet('{{out}}/reason_texts/*/*/*.parquet', "
                      "hive_partitioning = true)").fetchone()
    assert got == ({reasons}, 0), got
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", child], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
