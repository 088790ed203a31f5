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
