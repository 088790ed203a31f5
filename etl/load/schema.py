"""DuckDB tables. The contract's names (docs/contract.md) are fixed; the rest is ours.

Staging tables hold what was read (filings, indicators, plan, sections) with
provenance; derived tables (findings, filing_metrics, indicator_reasons) are
rebuilt by `jixiao check` and can always be recomputed from the staging ones.
"""
from __future__ import annotations

# meta key: the base tables changed since the marts were built (set with the change, cleared when
# the marts are rebuilt: etl/marts, which defines it).
from etl.marts import MARTS_PENDING  # noqa: F401 - read with the schema by the pipeline and the checks

# The version of the tables below. A database records the version it was written with (meta
# 'schema_version'); opening it for writing migrates it forward step by step (MIGRATIONS) and
# refuses one written by a newer jixiao, before anything is written: an older program must not
# write rows into tables it does not know.
SCHEMA_VERSION = 5  # 2: re-submissions (file_history, history_* tables, ingest_log.note); 3: corrections,
# source_blobs (review); 4 and 5: below


class SchemaError(Exception):
    """A database this version of jixiao must not write (newer schema, unreadable version)."""

DDL = [
    """
    CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS source_files (
        source_sha256 VARCHAR PRIMARY KEY,
        source_file VARCHAR NOT NULL,
        format VARCHAR,
        layout VARCHAR,
        size_bytes BIGINT,
        is_sample BOOLEAN DEFAULT FALSE,  -- from the synthetic sample corpus
        first_ingested_at TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS filings (
        filing_id VARCHAR PRIMARY KEY,
        source_file VARCHAR NOT NULL,
        source_sha256 VARCHAR NOT NULL,
        part_index INTEGER NOT NULL,
        doc_kind VARCHAR NOT NULL,
        title VARCHAR,
        province VARCHAR,
        city VARCHAR,
        county VARCHAR,
        adcode VARCHAR,
        department VARCHAR,
        department_code VARCHAR,
        unit VARCHAR,
        project VARCHAR,
        project_code VARCHAR,
        year INTEGER,
        amount_unit VARCHAR,
        budget_initial DOUBLE,
        budget_adjusted DOUBLE,
        budget_executed DOUBLE,
        budget_fiscal DOUBLE,
        budget_other DOUBLE,
        budget_carryover DOUBLE,
        exec_rate_reported DOUBLE,
        exec_weight DOUBLE,
        exec_score DOUBLE,
        total_weight DOUBLE,
        total_score DOUBLE,
        grade_reported VARCHAR,
        parse_status VARCHAR NOT NULL,
        parse_notes VARCHAR,
        src_page INTEGER,
        src_sheet VARCHAR,
        src_table INTEGER,
        src_row INTEGER,
        src_line_start INTEGER,
        src_line_end INTEGER,
        src_where VARCHAR,  -- the same, as readable Chinese text
        is_sample BOOLEAN DEFAULT FALSE,
        parse_confidence DOUBLE,  -- 0-1, from the decoder's margin over the runner-up reading
        source_kind VARCHAR DEFAULT 'document',  -- document (published, parsed) or structured (system export)
        superseded BOOLEAN DEFAULT FALSE  -- derived: a published filing whose project a structured import also holds
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS indicators (
        filing_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        level1 VARCHAR,
        level2 VARCHAR,
        name VARCHAR,
        description VARCHAR,
        target VARCHAR,
        actual VARCHAR,
        target_op VARCHAR,
        target_num DOUBLE,
        target_unit VARCHAR,
        actual_op VARCHAR,
        actual_num DOUBLE,
        actual_unit VARCHAR,
        weight DOUBLE,
        score DOUBLE,
        reason VARCHAR,
        basis VARCHAR,
        nature VARCHAR,
        src_page INTEGER,
        src_sheet VARCHAR,
        src_table INTEGER,
        src_row INTEGER,
        src_line_start INTEGER,
        src_line_end INTEGER,
        src_where VARCHAR,
        parse_confidence DOUBLE,  -- 0-1: how much likelier this row's reading is than the runner-up
        indicator_code VARCHAR    -- 三级指标代码 of a structured export, as text
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS spending_plan (
        filing_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        period VARCHAR,
        month INTEGER,
        value DOUBLE,
        src_where VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS sections (
        filing_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        kind VARCHAR,
        heading VARCHAR,
        text VARCHAR,
        src_where VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS findings (
        filing_id VARCHAR NOT NULL,
        indicator_seq INTEGER,
        rule VARCHAR NOT NULL,
        family VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        evidence VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS filing_metrics (
        filing_id VARCHAR PRIMARY KEY,
        score_recomputed DOUBLE,   -- our re-score of the self-evaluation
        inflation DOUBLE,          -- self-score minus recomputed
        exec_rate_computed DOUBLE, -- B / A
        measurable_share DOUBLE,   -- share of indicators whose target is a measure
        vague_count INTEGER,
        indicator_count INTEGER,
        deductions INTEGER,        -- rows scored below their weight
        deductions_no_reason INTEGER,
        grade_computed VARCHAR,
        finding_count INTEGER,
        error_count INTEGER
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS indicator_reasons (
        filing_id VARCHAR NOT NULL,
        indicator_seq INTEGER NOT NULL,
        category VARCHAR NOT NULL  -- R1..R9, or R0 when the reason text is a placeholder
    )
    """,
    """
    -- the non-empty deviation reasons alone: searching them scans ~10 % of the indicator rows
    CREATE TABLE IF NOT EXISTS reason_texts (
        filing_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        reason VARCHAR NOT NULL
    )
    """,
    """
    -- MinHash bands of each filing's indicator set (etl/check/minhash.py), computed when the file
    -- is read: filings sharing a (band, hash) are the copy check's candidate pairs
    CREATE TABLE IF NOT EXISTS copy_bands (
        filing_id VARCHAR NOT NULL,
        band INTEGER NOT NULL,
        hash BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS copy_clusters (
        cluster_id INTEGER NOT NULL,
        filing_id VARCHAR NOT NULL,
        similarity DOUBLE
    )
    """,
    """
    -- indicator identity (etl/link/keys.py): one row per indicator row; derived, rebuilt after each ingest
    CREATE TABLE IF NOT EXISTS indicator_keys (
        filing_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        series_id VARCHAR,       -- the department's or project's filings across years (etl/link/series.py)
        year INTEGER,
        key VARCHAR NOT NULL,    -- level-2 category | folded name | unit family
        name_key VARCHAR,        -- the folded name alone
        unit_family VARCHAR,     -- %, money, time, count, or '' for a text target
        target_num DOUBLE,       -- in target_unit (money in 万元)
        target_unit VARCHAR,
        actual_num DOUBLE,       -- self-evaluations only
        target_fold VARCHAR      -- the target as printed, folded: equal across years = carried over
    )
    """,
    """
    -- a filing and the filings of its series one year earlier
    CREATE TABLE IF NOT EXISTS filing_links (
        filing_id VARCHAR NOT NULL,
        prev_filing_id VARCHAR NOT NULL,
        series_id VARCHAR NOT NULL,
        year INTEGER,
        prev_year INTEGER,
        match VARCHAR,           -- how the later filing joined the series: dept, code, name, fuzzy
        similarity DOUBLE        -- of the project names (1 for code, name, dept)
    )
    """,
    """
    -- soft-target indices per county (department NULL) and per department (etl/link/tables.py)
    CREATE TABLE IF NOT EXISTS soft_indices (
        grain VARCHAR NOT NULL,  -- county, department
        province VARCHAR,
        city VARCHAR,
        place VARCHAR NOT NULL,  -- county, else city, else province
        department VARCHAR,
        filings INTEGER,
        indicators INTEGER,
        judged_rows INTEGER,     -- rows with a numeric target
        soft_rows INTEGER,       -- of those, flagged by a soft-target rule
        soft_share DOUBLE,
        money DOUBLE,            -- 万元 of the self-evaluations with a re-score
        inflation_index DOUBLE,  -- self-score minus re-score, weighted by money
        linked_rows INTEGER,     -- rows of filings with a filing of last year
        carried_rows INTEGER,    -- of those, same key and same printed target as last year
        carried_share DOUBLE
    )
    """,
    """
    -- a compressed copy of each ingested file's bytes, for the review page (etl/review/blobs.py);
    -- files over [review] source_copy_mb have none
    CREATE TABLE IF NOT EXISTS source_blobs (
        source_sha256 VARCHAR PRIMARY KEY,
        codec VARCHAR NOT NULL,      -- zlib
        size_bytes BIGINT NOT NULL,  -- of the file, before compression
        data BLOB NOT NULL
    )
    """,
    """
    -- a person's corrections of a reading (etl/review): applied to the stored rows, and again by the
    -- per-file step whenever the same bytes are read again
    CREATE TABLE IF NOT EXISTS corrections (
        correction_id VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL,             -- order of application
        source_sha256 VARCHAR NOT NULL,  -- the bytes the correction was made against ...
        part_index INTEGER NOT NULL,     -- ... and the filing's place in them
        filing_id VARCHAR NOT NULL,
        source_file VARCHAR,             -- the name the file was ingested under: finds a changed version
        kind VARCHAR NOT NULL,           -- set, add_row, delete_row, confirm, mark
        row_key VARCHAR,                 -- p3: the parser's third row; a...: a row a person added; NULL: the filing
        row_name VARCHAR,                -- the name the parser read for that row
        field VARCHAR,                   -- the column set (filings or indicators); status for a mark
        old_value VARCHAR,               -- JSON
        new_value VARCHAR,               -- JSON
        reviewer VARCHAR NOT NULL,
        corrected_at TIMESTAMP NOT NULL,
        reason VARCHAR,
        state VARCHAR NOT NULL,          -- applied, stale
        note VARCHAR                     -- why it is stale
    )
    """,
    """
    -- a published filing whose project a structured import also holds (etl/structured/twins.py); derived
    CREATE TABLE IF NOT EXISTS filing_twins (
        filing_id VARCHAR NOT NULL,      -- the published (document) filing: superseded, left out of counts
        structured_id VARCHAR NOT NULL,  -- the structured import shown instead
        match VARCHAR,                   -- code (项目代码) or name (department, project name and year)
        differences INTEGER              -- values the two print differently (TWIN_DIFFERS on structured_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS ingest_log (
        run_id VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL,
        source_file VARCHAR NOT NULL,
        source_sha256 VARCHAR,
        status VARCHAR NOT NULL,  -- loaded, duplicate, failed
        error VARCHAR,
        filings INTEGER NOT NULL DEFAULT 0,
        seconds DOUBLE,
        note VARCHAR              -- what else the run did with the file: replaced an older version, renamed it
    )
    """,
    """
    -- earlier versions of a file (etl/load/versions.py): a corrected file under the same name replaces the
    -- current version (its rows move to the history_* tables), the same bytes under a new name rename it
    CREATE TABLE IF NOT EXISTS file_history (
        source_file VARCHAR NOT NULL,     -- the name this version had
        source_sha256 VARCHAR NOT NULL,   -- its bytes
        format VARCHAR,
        layout VARCHAR,
        size_bytes BIGINT,
        filings INTEGER,                  -- how many filings it held
        first_ingested_at TIMESTAMP,
        change VARCHAR NOT NULL,          -- replaced (same name, other bytes) or renamed (same bytes, other name)
        replaced_by_file VARCHAR NOT NULL,    -- the version that took its place: its name
        replaced_by_sha256 VARCHAR NOT NULL,  -- and its bytes
        current_sha256 VARCHAR NOT NULL,  -- the file's current version (follows later replacements)
        replaced_at TIMESTAMP NOT NULL
    )
    """,
]

# What was read of a replaced version, kept as history: the same columns as the table, in a table of its own, so
# nothing that reads the current tables (dashboard, marts, checks, exports, SQL) can count a stale figure.
HISTORY_TABLES = ("filings", "indicators", "spending_plan", "sections")


INDEXES = [
    # the filing page looks findings and clusters up by filing
    "CREATE INDEX IF NOT EXISTS findings_filing ON findings (filing_id)",
    "CREATE INDEX IF NOT EXISTS copy_clusters_filing ON copy_clusters (filing_id)",
    # the filing page looks an indicator's earlier years up by series and key
    "CREATE INDEX IF NOT EXISTS indicator_keys_filing ON indicator_keys (filing_id)",
    "CREATE INDEX IF NOT EXISTS indicator_keys_series ON indicator_keys (series_id, key)",
    # a save replaces one filing's rows and the per-file step asks for one file's corrections
    "CREATE INDEX IF NOT EXISTS corrections_file ON corrections (source_sha256)",
]


def fill_reason_texts(con, filing_ids: list[str] | None = None) -> None:
    """Copy the non-empty reasons of the given filings (all when None) into reason_texts."""
    if filing_ids is None:
        con.execute("DELETE FROM reason_texts")
        con.execute("INSERT INTO reason_texts SELECT filing_id, seq, reason FROM indicators WHERE reason IS NOT NULL AND reason <> ''")
        return
    for fid in filing_ids:
        con.execute(
            "INSERT INTO reason_texts SELECT filing_id, seq, reason FROM indicators "
            "WHERE filing_id = ? AND reason IS NOT NULL AND reason <> ''",
            [fid],
        )


def _create_history_tables(con) -> None:
    """The history_* tables, with their tables' columns as they are now (no keys: a history)."""
    for table in HISTORY_TABLES:
        con.execute(f"CREATE TABLE IF NOT EXISTS history_{table} AS SELECT * FROM {table} LIMIT 0")


def _add_versions(con) -> None:
    """1 -> 2: re-submissions (etl/load/versions.py). file_history is created empty by the DDL; the
    history tables copy their tables' columns; ingest_log gets its note."""
    con.execute("ALTER TABLE ingest_log ADD COLUMN IF NOT EXISTS note VARCHAR")
    _create_history_tables(con)


# Version 4's columns: (table, column, type). A column with a DEFAULT fills the rows already there: an
# older database's filings become 'document' and none is superseded (it holds no imports to supersede them).
VERSION_4_COLUMNS = [("filings", "parse_confidence", "DOUBLE"), ("indicators", "parse_confidence", "DOUBLE"),
                     ("filings", "source_kind", "VARCHAR DEFAULT 'document'"),
                     ("filings", "superseded", "BOOLEAN DEFAULT FALSE"), ("indicators", "indicator_code", "VARCHAR")]


def _add_review(con) -> None:
    """2 -> 3: reviewers' corrections and the files' bytes for the review page (etl/review): the tables,
    corrections and source_blobs, are created empty by the DDL."""


def _add_confidence_and_imports(con) -> None:
    """3 -> 4: the decoder's confidence per filing and indicator row, structured imports' columns
    (filing_twins is created empty by the DDL), and the marts' marker (MARTS_PENDING). Releases of
    versions 1 to 3 added some or all of these columns without a version of their own, so each is
    added only where it is missing; a history table gets the column its table gets. The marts,
    which carry these columns, are rebuilt by the next run (and not read until then)."""
    for table, column, kind in VERSION_4_COLUMNS:
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        if table in HISTORY_TABLES:  # rows are copied into history by name: no default needed there
            con.execute(f"ALTER TABLE history_{table} ADD COLUMN IF NOT EXISTS {column} {kind.split(' DEFAULT')[0]}")
    con.execute("INSERT INTO meta VALUES (?, '4') ON CONFLICT (key) DO NOTHING", [MARTS_PENDING])


# The tables with rows per filing keyed by (filing_id, seq) have no PRIMARY KEY since version 5. DuckDB rewrites a
# table's whole ART index at every checkpoint, and an ingest checkpoints at every flush (it closes the file so the
# dashboard can read in between): over indicators (15 rows a filing) that made each flush cost more as the file grew,
# and the local engine slowed with the file (issue 23). The keys held nothing the writer does not: a file's rows are
# written in one transaction with its filings, whose filing_id (from the file's sha256) is the filings table's
# PRIMARY KEY, and seq numbers a filing's rows as they were read. No query could use them: DuckDB scans rather than
# use a two-column index for `filing_id = ?`.
UNKEYED_TABLES = ("indicators", "spending_plan", "sections")


def _table_ddl(table: str) -> str:
    return next(stmt for stmt in DDL if f"CREATE TABLE IF NOT EXISTS {table} (" in stmt)


def _drop_row_keys(con) -> None:
    """4 -> 5: indicators, spending_plan and sections without their PRIMARY KEY (see UNKEYED_TABLES). DuckDB cannot
    drop a constraint: each table is created anew from the DDL and its rows copied by column name."""
    for table in UNKEYED_TABLES:
        keyed = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = ? "
                            "AND constraint_type = 'PRIMARY KEY' AND database_name = current_database() "
                            "AND schema_name = current_schema()", [table]).fetchone()[0]
        if not keyed:
            continue
        con.execute(_table_ddl(table).replace(f"CREATE TABLE IF NOT EXISTS {table} (", "CREATE TABLE _jixiao_rebuilt ("))
        con.execute(f"INSERT INTO _jixiao_rebuilt BY NAME SELECT * FROM {table}")  # our own table names
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE _jixiao_rebuilt RENAME TO {table}")


# MIGRATIONS[v] takes a database from version v to v + 1. Forward only: a database is never
# taken back to an older version. (jixiao before schema versions wrote '1' whatever columns it had
# added, so each step adds its columns only where they are missing.)
MIGRATIONS = {1: _add_versions, 2: _add_review, 3: _add_confidence_and_imports, 4: _drop_row_keys}


def stored_version(con) -> int | None:
    """The schema version a database records; None for a database without jixiao's tables.
    A database of jixiao's tables without a version row is version 1 (the first release)."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = current_schema()").fetchall()}
    if "meta" not in tables:
        return 1 if "filings" in tables else None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return 1 if "filings" in tables else None
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise SchemaError(f"数据库记录的数据结构版本“{row[0]}”无法识别，为避免损坏数据未写入") from None


def create_schema(con) -> None:
    """Create the tables of a new database, or bring an existing one to SCHEMA_VERSION.

    Raises SchemaError, having written nothing, for a database of a newer version."""
    version = stored_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(
            f"数据库由更新版本的 jixiao 写入（数据结构版本 {version}，本程序只支持到版本 {SCHEMA_VERSION}），"
            "为避免损坏数据未做任何改动；请升级 jixiao 后再使用这个数据库")
    con.execute("BEGIN TRANSACTION")
    try:
        for stmt in DDL:
            con.execute(stmt)
        for step in range(version or SCHEMA_VERSION, SCHEMA_VERSION):
            MIGRATIONS[step](con)
        _create_history_tables(con)  # a new database's (a migrated one has them from step 1 -> 2)
        for stmt in INDEXES:
            con.execute(stmt)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
