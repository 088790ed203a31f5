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
from typer.testing import CliRunner

from etl.cli import app
from etl.load.schema import HISTORY_TABLES, SCHEMA_VERSION, VERSION_4_COLUMNS, create_schema
from etl.sample.generate import generate_filings
from etl.write import render
from tests.conftest import SEED_000, SEED_003, query

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"


def jixiao(*args) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.mark.slow
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


@pytest.mark.slow
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


# What main's releases wrote. Version 1: jixiao's tables, some releases with parse_confidence and the
# structured imports' columns (added then without a version of their own), some without. Version 2
# (re-submissions): file_history, the history_* tables and ingest_log.note, with all of those columns.
# Version 3 (review): corrections, source_blobs. Version 4 gives those columns a version and the marts
# their marker (etl.load.schema).
VERSION_2_TABLES = ["file_history", *(f"history_{t}" for t in HISTORY_TABLES)]
VERSION_3_TABLES = ["corrections", "source_blobs"]
V4_COLUMNS = [(table, column) for table, column, _ in VERSION_4_COLUMNS]
V1_RELEASES = {"first": [], "with_confidence": ["parse_confidence"], "last": [c for _, c in V4_COLUMNS]}

NAME = "报告.txt"
runner = CliRunner()


def _ingest(db: Path, *paths) -> str:
    result = runner.invoke(app, ["ingest", *map(str, paths), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return result.output


def _report(tmp_path: Path, add: float = 0.0) -> Path:
    """One department's four self-evaluations as text (raised by `add` 万元: a corrected version)."""
    pool = [f for f in generate_filings(80) if f.budget_adjusted and f.doc_kind.endswith("_self_eval")][:4]
    for f in pool:
        f.budget_adjusted = round(f.budget_adjusted + add, 2)
    folder = tmp_path / f"v{add:g}"
    folder.mkdir(exist_ok=True)
    (folder / NAME).write_bytes(render(pool, "txt"))
    return folder / NAME


def _older(db: Path, version: int, has: list[str], corrected: Path | None = None) -> None:
    """A database as main's release of `version` wrote it, holding SEED_000 and 报告.txt (and, when `corrected`
    is given, its corrected version, the first one kept as history): without the tables and columns that
    release did not have (`has`: the version-4 columns it had), its version recorded, marts of that release."""
    _ingest(db, SEED_000, _report(db.parent))
    if corrected is not None:
        _ingest(db, corrected)
    con = duckdb.connect(str(db))
    if version < 3:
        for table in VERSION_3_TABLES:
            con.execute(f"DROP TABLE {table}")
        con.execute("DELETE FROM meta WHERE key = 'marts_version'")
    if version < 2:
        for table in VERSION_2_TABLES:
            con.execute(f"DROP TABLE {table}")
        con.execute("ALTER TABLE ingest_log DROP COLUMN note")
    for table, column in V4_COLUMNS:
        if column not in has:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            if version >= 2 and table in HISTORY_TABLES:
                con.execute(f"ALTER TABLE history_{table} DROP COLUMN {column}")
    if "source_kind" not in has:
        con.execute("DROP TABLE filing_twins")
    if "parse_confidence" not in has:  # the marts carry it: that release built them without
        for table in ("mart_facts", "mart_units"):
            con.execute(f"DROP TABLE {table}")
        con.execute("CREATE TABLE mart_facts AS SELECT filing_id, province FROM filings")
        con.execute("CREATE TABLE mart_units AS SELECT province AS unit FROM filings")
    if has == ["parse_confidence"]:  # is_sample behind parse_confidence, as an ALTER would leave it
        con.execute("ALTER TABLE filings DROP COLUMN is_sample")
        con.execute("ALTER TABLE filings ADD COLUMN is_sample BOOLEAN DEFAULT FALSE")
    con.execute("DELETE FROM meta WHERE key = 'marts_pending'")  # no release before 4 wrote it
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    con.close()


def _assert_migrated_and_loaded(db: Path, old_filings: list, corrected: Path) -> None:
    """SEED_003 and a corrected 报告.txt were ingested into the older database: it is at the current version with every
    table and column, its rows kept, the new rows in their own columns, the replaced version in history,
    the marts rebuilt and not marked."""
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    tables = {r[0] for r in query(db, "SELECT table_name FROM information_schema.tables")}
    assert set(VERSION_2_TABLES + VERSION_3_TABLES) <= tables and "filing_twins" in tables
    columns = set(query(db, "SELECT table_name, column_name FROM information_schema.columns"))
    assert ("ingest_log", "note") in columns
    for table, column in V4_COLUMNS:
        assert (table, column) in columns and (f"history_{table}", column) in columns, (table, column)
    ids = [f for f, _, _ in old_filings]
    assert query(db, "SELECT filing_id, title, total_score FROM filings WHERE list_contains(?, filing_id) ORDER BY 1",
                 [ids]) == old_filings
    assert query(db, "SELECT DISTINCT source_kind, superseded, is_sample FROM filings") == [("document", False, False)]
    # the new file's confidence went into its own column, not into another
    new = query(db, "SELECT count(*), count(parse_confidence), min(parse_confidence) BETWEEN 0 AND 1 FROM filings "
                    "WHERE source_file = ?", [SEED_003.name])
    assert new[0][0] > 0 and new[0][1] == new[0][0] and new[0][2], new
    # the corrected file is the current version; what it replaced is history
    current = query(db, "SELECT source_sha256 FROM source_files WHERE source_file = ?", [NAME])
    assert len(current) == 1
    assert query(db, "SELECT count(*) FROM filings WHERE source_file = ?", [NAME]) == [(4,)]
    assert query(db, "SELECT count(*) FROM history_filings WHERE source_file = ? AND source_sha256 <> ?",
                 [NAME, current[0][0]])[0][0] >= 4
    assert query(db, "SELECT DISTINCT change, current_sha256 FROM file_history") == [("replaced", current[0][0])]
    assert query(db, "SELECT note IS NOT NULL FROM ingest_log WHERE source_file = ? ORDER BY ingested_at DESC LIMIT 1",
                 [NAME]) == [(True,)]
    # the marts of the old release were rebuilt, with the current version only
    assert ("mart_facts", "parse_confidence") in columns
    assert query(db, "SELECT count(*) FROM mart_facts") == query(db, "SELECT count(*) FROM filings")
    assert query(db, "SELECT round(sum(budget_adjusted), 2) FROM mart_facts WHERE source_file = ?", [NAME]) == \
        query(db, "SELECT round(sum(budget_adjusted), 2) FROM filings WHERE source_file = ?", [NAME])
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'marts_pending'") == [(0,)]


@pytest.mark.slow
@pytest.mark.parametrize("release", sorted(V1_RELEASES))
def test_a_version_1_database_is_migrated_forward_and_loads(tmp_path, release):
    db = tmp_path / "v1.duckdb"
    _older(db, 1, V1_RELEASES[release])
    old_filings = query(db, "SELECT filing_id, title, total_score FROM filings WHERE source_file = ? ORDER BY 1", [SEED_000.name])
    fixed = _report(tmp_path, add=1.0)
    _ingest(db, SEED_003, fixed)
    _assert_migrated_and_loaded(db, old_filings, fixed)
    assert query(db, "SELECT count(*) FROM file_history") == [(1,)]


@pytest.mark.slow
@pytest.mark.parametrize("version", [2, 3])
def test_a_version_2_or_3_database_with_history_is_migrated_forward_and_loads(tmp_path, version):
    """Main's versions 2 and 3 had every version-4 column: the step adds none twice, keeps the history it
    holds, and the next correction adds to it."""
    db = tmp_path / f"v{version}.duckdb"
    _older(db, version, V1_RELEASES["last"], corrected=_report(tmp_path, add=1.0))
    old_filings = query(db, "SELECT filing_id, title, total_score FROM filings WHERE source_file = ? ORDER BY 1", [SEED_000.name])
    old_history = query(db, "SELECT filing_id, budget_adjusted FROM history_filings ORDER BY 1")
    assert len(old_history) == 4
    fixed = _report(tmp_path, add=2.0)
    _ingest(db, SEED_003, fixed)
    _assert_migrated_and_loaded(db, old_filings, fixed)
    history = query(db, "SELECT filing_id, budget_adjusted FROM history_filings ORDER BY 1")
    assert len(history) == 8 and set(old_history) <= set(history)
    assert query(db, "SELECT count(*) FROM file_history") == [(2,)]


def test_a_version_1_database_with_nothing_new_is_migrated_too(tmp_path):
    """Re-ingesting what it holds (nothing to load) still migrates and rebuilds the marts."""
    db = tmp_path / "old.duckdb"
    _older(db, 1, V1_RELEASES["first"])
    assert "duplicate 1" in _ingest(db, SEED_000)
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'mart_facts' "
                     "AND column_name = 'parse_confidence'") == [(1,)]
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'marts_pending'") == [(0,)]


def test_migrations_only_go_forward():
    from etl.load.schema import MIGRATIONS

    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))  # one step per version, none back
    con = duckdb.connect()
    create_schema(con)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
    create_schema(con)  # at the current version: nothing to do, the version stays
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [(str(SCHEMA_VERSION),)]


def test_a_version_4_database_loses_the_row_keys_and_keeps_its_rows(seeds_db, tmp_path):
    """Version 5 takes the PRIMARY KEY off indicators, spending_plan and sections (DuckDB rewrote those indexes at
    every flush's checkpoint, so ingest slowed as the file grew): a version-4 file, keys and all, is rebuilt with
    every row and column, its NOT NULLs kept, and the next ingest writes into it."""
    from etl.load import store
    from etl.load.schema import UNKEYED_TABLES
    from etl.pipeline import ingest_paths

    db = tmp_path / "v4.duckdb"
    shutil.copy(seeds_db, db)
    con = duckdb.connect(str(db))
    rows = {}
    for table in UNKEYED_TABLES:  # as version 4 created them: the same columns with the key
        cols = con.execute(f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' "
                           "ORDER BY ordinal_position").fetchall()
        rows[table] = con.execute(f"SELECT * FROM {table} ORDER BY filing_id, seq").fetchall()
        con.execute(f"CREATE TABLE keyed AS SELECT * FROM {table}")
        con.execute(f"DROP TABLE {table}")
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'keyed'").fetchone()[0]
        con.execute(ddl.replace("CREATE TABLE keyed(", f"CREATE TABLE {table}(").rstrip(";)")
                    + ", PRIMARY KEY (filing_id, seq))")
        con.execute(f"INSERT INTO {table} SELECT * FROM keyed")
        con.execute("DROP TABLE keyed")
        assert len(cols) > 3
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                       "AND list_contains(?, table_name)", [list(UNKEYED_TABLES)]).fetchone()[0] == 3
    con.close()
    assert sum(len(r) for r in rows.values()) > 20

    store.connect(db).close()  # any writer migrates
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(db, "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                     "AND list_contains(?, table_name)", [list(UNKEYED_TABLES)]) == [(0,)]
    for table in UNKEYED_TABLES:
        assert query(db, f"SELECT * FROM {table} ORDER BY filing_id, seq") == rows[table], table
        assert query(db, "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'NOT NULL' "
                         "AND table_name = ?", [table]) == [(2,)]
    assert ingest_paths([SEED_003.parent], db).failed == 0  # the seeds again: duplicates, nothing breaks
