"""What jixiao does with a database it did not write, or wrote at another version (issue 22, item 10).

`info` and `check` on a file that is not DuckDB say so in Chinese, without a traceback; a
database of a newer schema version is refused by every writer and left untouched; an older
one is migrated forward, its rows kept.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.load.schema import SCHEMA_VERSION, create_schema
from tests.conftest import SEED_000, SEED_003, query

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"


def jixiao(*args) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", ["info", "check"])
def test_a_file_that_is_not_duckdb_gets_a_clear_message(tmp_path, command):
    db = tmp_path / "notes.duckdb"
    db.write_text("这不是数据库，只是一段文字。\n" * 20, encoding="utf-8")
    before = db.read_bytes()
    run = jixiao(command, "--db", db)
    assert run.returncode == 2
    assert "不是 DuckDB 数据库文件" in run.stderr and str(db) in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert len((run.stdout + run.stderr).strip().splitlines()) <= 2
    assert db.read_bytes() == before


def _digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture()
def newer_db(tmp_path) -> Path:
    """A database written by a (future) jixiao of schema version 7, with a column this one does not know."""
    db = tmp_path / "newer.duckdb"
    assert jixiao("ingest", SEED_000, "--db", db, "-q").returncode == 0
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.execute("ALTER TABLE ingest_log ADD COLUMN attempt INTEGER")
    con.execute("ALTER TABLE filings ADD COLUMN review_state VARCHAR")
    con.execute("CHECKPOINT")
    con.close()
    return db


def test_a_database_of_a_newer_schema_is_refused_and_left_untouched(newer_db):
    before = _digest(newer_db)
    for args in (("ingest", SEED_003, "--db", newer_db, "-q"), ("check", "--db", newer_db)):
        run = jixiao(*args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "数据结构版本 7" in run.stderr and f"只支持到版本 {SCHEMA_VERSION}" in run.stderr, run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert _digest(newer_db) == before, args  # not a byte written
    assert query(newer_db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("7",)]
    info = jixiao("info", "--db", newer_db)
    assert info.returncode == 0 and "schema_version: 7" in info.stdout and "不会写入" in info.stderr


# the columns each version added: version 2 parse_confidence, version 3 the structured imports'
ADDED = {2: [("filings", "parse_confidence"), ("indicators", "parse_confidence")],
         3: [("filings", "source_kind"), ("filings", "superseded"), ("indicators", "indicator_code")]}


def _older(db: Path, version: int) -> None:
    """A database as an older release wrote it: without the columns later versions added, its
    schema_version recorded, marts of that release built (without those columns)."""
    con = duckdb.connect(str(db))
    create_schema(con)
    con.close()
    assert jixiao("ingest", SEED_000, "--db", db, "-q").returncode == 0
    con = duckdb.connect(str(db))
    for table in ("mart_facts", "mart_units"):  # they carry the columns: built without them then
        con.execute(f"DROP TABLE {table}")
    for added in range(version + 1, SCHEMA_VERSION + 1):
        for table, column in ADDED[added]:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    if version < 3:
        con.execute("DROP TABLE filing_twins")
    con.execute("CREATE TABLE mart_facts AS SELECT filing_id, province FROM filings")
    con.execute("CREATE TABLE mart_units AS SELECT province AS unit FROM filings")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    con.close()


def _version_1(db: Path) -> None:
    _older(db, 1)


def test_a_version_1_database_is_migrated_forward_with_its_rows(tmp_path):
    db = tmp_path / "old.duckdb"
    _version_1(db)
    old_filings = query(db, "SELECT filing_id, title, total_score FROM filings ORDER BY 1")
    run = jixiao("ingest", SEED_003, "--db", db, "-q")
    assert run.returncode == 0, run.stderr
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'parse_confidence' "
                     "AND table_name IN ('filings', 'indicators')") == [(2,)]
    kept = query(db, f"SELECT filing_id, title, total_score FROM filings WHERE filing_id IN "
                     f"({', '.join(repr(f) for f, _, _ in old_filings)}) ORDER BY 1")
    assert kept == old_filings
    assert query(db, "SELECT count(DISTINCT source_sha256) FROM filings") == [(2,)]
    # the marts of the old release were rebuilt with the new column
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'mart_facts' "
                     "AND column_name = 'parse_confidence'") == [(1,)]
    assert query(db, "SELECT count(*) FROM mart_facts") == query(db, "SELECT count(*) FROM filings")
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'marts_pending'") == [(0,)]
    # version 3's columns: the old filings are published documents, none superseded
    assert query(db, "SELECT DISTINCT source_kind, superseded FROM filings") == [("document", False)]


def test_a_version_2_database_gets_the_structured_columns_and_loads(tmp_path):
    """A column added by a migration lands at the end of its table, so a migrated table is not laid
    out as a new one: rows are inserted by column name, and the new file's values go to their columns."""
    db = tmp_path / "v2.duckdb"
    _older(db, 2)
    con = duckdb.connect(str(db))  # is_sample moved behind parse_confidence, as an ALTER would leave it
    con.execute("ALTER TABLE filings DROP COLUMN is_sample")
    con.execute("ALTER TABLE filings ADD COLUMN is_sample BOOLEAN DEFAULT FALSE")
    con.close()
    run = jixiao("ingest", SEED_003, "--db", db, "-q")
    assert run.returncode == 0, run.stderr
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(db, "SELECT count(DISTINCT source_sha256), min(source_kind), max(source_kind), "
                     "bool_or(superseded), bool_or(is_sample) FROM filings") == [(2, "document", "document", False, False)]
    # the new file's confidence went into its own column, not into another
    new = query(db, "SELECT count(*), count(parse_confidence), min(parse_confidence) BETWEEN 0 AND 1 FROM filings "
                    "WHERE source_file = ?", [SEED_003.name])
    assert new[0][0] > 0 and new[0][1] == new[0][0] and new[0][2], new
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'mart_facts' "
                     "AND column_name = 'parse_confidence'") == [(1,)]
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'marts_pending'") == [(0,)]


def test_a_version_1_database_with_nothing_new_is_migrated_too(tmp_path):
    """Re-ingesting what it holds (nothing to load) still migrates and rebuilds the marts."""
    db = tmp_path / "old.duckdb"
    _version_1(db)
    run = jixiao("ingest", SEED_000, "--db", db, "-q")
    assert run.returncode == 0 and "duplicate 1" in run.stdout, run.stderr
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'mart_facts' "
                     "AND column_name = 'parse_confidence'") == [(1,)]


def test_migrations_only_go_forward():
    from etl.load.schema import MIGRATIONS

    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))  # one step per version, none back
    con = duckdb.connect()
    create_schema(con)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
    create_schema(con)  # at the current version: nothing to do, the version stays
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [(str(SCHEMA_VERSION),)]
