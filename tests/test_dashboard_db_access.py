"""The dashboard and a writing `jixiao ingest` process share the DuckDB file."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_db import build_dashboard_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")

WRITER = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    if sys.argv[2] == "insert":
        con.execute("INSERT INTO filings (filing_id, source_file, source_sha256, part_index, doc_kind, province,"
                    " city, county, department, year, parse_status) VALUES ('NEW1', 'new.txt', 'shanew', 0,"
                    " 'project_target', '湖南省', '株洲市', '渌口区', '新部门', 2023, 'ok')")
        con.execute("CHECKPOINT")
    print("ready", flush=True)
    sys.stdin.readline()  # hold the lock until the test says so
    con.close()
""")


def start_writer(db: Path, mode: str) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", WRITER, str(db), mode], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


def stop_writer(p: subprocess.Popen) -> None:
    p.stdin.write("\n")
    p.stdin.flush()
    p.wait(timeout=20)


def run(monkeypatch, db: Path) -> AppTest:
    monkeypatch.setenv("JIXIAO_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def filings_metric(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "填报数")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "jixiao.duckdb"
    build_dashboard_db(path)
    return path


def test_locked_database_shows_a_friendly_message(monkeypatch, db):
    writer = start_writer(db, "hold")
    try:
        t0 = time.time()
        at = run(monkeypatch, db)
        assert time.time() - t0 < 30
        assert any("正在被其他程序写入" in w.value for w in at.warning)
        assert not at.metric
    finally:
        stop_writer(writer)
    at.run()
    assert filings_metric(at) == "48"


def test_ingest_while_open_then_refresh_shows_new_filing(monkeypatch, db):
    at = run(monkeypatch, db)
    assert filings_metric(at) == "48"
    # The dashboard holds no connection between runs: a writer gets the lock at once.
    writer = start_writer(db, "insert")
    try:
        at.run()  # the file changed but is locked: the last results are shown, with a notice
        assert not at.exception
        assert filings_metric(at) == "48"
        assert any("上一次读取的结果" in i.value for i in at.info)
    finally:
        stop_writer(writer)
    at.run()  # refresh after the ingest finished
    assert filings_metric(at) == "49"
    assert not any("上一次读取的结果" in i.value for i in at.info)


def test_missing_database_explains_how_to_ingest(monkeypatch, tmp_path):
    missing = tmp_path / "none.duckdb"
    at = run(monkeypatch, missing)
    assert [t.value for t in at.title] == ["预算绩效看板"]
    assert any(f"jixiao ingest 文件或文件夹 --db {missing}" in c.value for c in at.code)
    assert not missing.exists()  # reading never creates the file


def test_database_without_tables(monkeypatch, tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    at = run(monkeypatch, empty)
    assert any("没有看板所需的表" in e.value for e in at.error)


def test_db_path_from_command_line_beats_env(monkeypatch, tmp_path):
    from dashboard.db import resolve_db_path

    monkeypatch.setenv("JIXIAO_DB", "/env.duckdb")
    assert resolve_db_path(["--db", "/cli.duckdb"]) == Path("/cli.duckdb")
    assert resolve_db_path([]) == Path("/env.duckdb")
    monkeypatch.delenv("JIXIAO_DB")
    assert resolve_db_path([]) == Path("data/jixiao.duckdb")
