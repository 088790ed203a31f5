"""Where each table lives in the lake, and the commit protocol that makes a batch count once.

A batch is written under DIR/_staging/<batch>/, moved into place file by file,
then committed by writing DIR/_commits/<batch>.json. A run that stops before the
marker leaves files that no commit names; `recover()` deletes them before the
next run, so the rows of a file are in the lake exactly once.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

# Tables with one or more rows per filing: partitioned like their filing.
PER_FILING = ("filings", "indicators", "spending_plan", "sections", "findings", "filing_metrics",
              "indicator_reasons", "reason_texts", "copy_bands")
# Tables with one row per file, unpartitioned (source_blobs: the kept copy of each file's bytes, etl/review/blobs.py).
PER_FILE = ("source_files", "ingest_log", "source_blobs")
# Tables that compare filings across files: recomputed over the whole lake after each run; and the people's
# corrections (etl/review), one file, written by `jixiao export` and flagged again by each refresh.
DERIVED = ("copy_clusters", "copy_findings", "indicator_keys", "filing_links", "soft_indices", "soft_findings",
           "corrections")
# How each derived file is sorted: the filing page finds rows by these columns, and Parquet skips the
# row groups whose min/max rule the value out (the series look-up over 15M keys: 36 ms unsorted, 5 ms sorted).
DERIVED_ORDER = {"indicator_keys": "series_id, year, filing_id, seq", "filing_links": "filing_id, prev_filing_id",
                 "copy_findings": "filing_id", "soft_findings": "filing_id", "copy_clusters": "cluster_id, filing_id"}
PARTITION_BY = ("province", "year")
HIVE_TYPES = {"province": "VARCHAR", "year": "INTEGER"}

STAGING = "_staging"
COMMITS = "_commits"


def batch_of(file_name: str) -> str:
    """The batch id a data file belongs to (its name up to the first underscore)."""
    return file_name.split("_", 1)[0]


def committed(lake: Path) -> set[str]:
    d = Path(lake) / COMMITS
    return {p.stem for p in d.glob("*.json")} if d.exists() else set()


def data_files(lake: Path, table: str) -> list[Path]:
    root = Path(lake) / table
    return sorted(root.rglob("*.parquet")) if root.exists() else []


def recover(lake: Path) -> int:
    """Delete what an interrupted run left: staging folders and files of uncommitted batches."""
    lake = Path(lake)
    done = committed(lake)
    roll_forward(lake, done)
    shutil.rmtree(lake / STAGING, ignore_errors=True)
    gone = compacted_away(lake)
    removed = 0
    for table in PER_FILING + PER_FILE:
        for p in data_files(lake, table):
            # a batch never committed, or files a committed compaction replaced but did not get to delete
            if batch_of(p.name) not in done or str(p.relative_to(lake)) in gone:
                p.unlink()
                removed += 1
    return removed


def roll_forward(lake: Path, done: set[str]) -> None:
    """A committed batch whose files are still staged (a compaction stopped between its commit and its
    folder swaps, etl/lake/compact.py): its own files are moved into place; the files it replaces are
    then deleted by recover() like any other replaced file."""
    staging = Path(lake) / STAGING
    for folder in staging.iterdir() if staging.exists() else ():
        if folder.name not in done:
            continue
        for p in sorted(folder.rglob(f"{folder.name}_*.parquet")):
            target = Path(lake) / p.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, target)


def publish(lake: Path, batch: str, record: dict) -> None:
    """Move a staged batch into place, then commit it (the marker is written last, atomically)."""
    lake = Path(lake)
    staged = lake / STAGING / batch
    if staged.exists():
        for p in sorted(staged.rglob("*.parquet")):
            target = lake / p.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, target)
        shutil.rmtree(staged, ignore_errors=True)
    write_atomic(lake / COMMITS / f"{batch}.json", json.dumps(record, ensure_ascii=False).encode())


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# Memory an in-memory DuckDB rewriting the lake may use before it spills to disk. 512 MB held compaction
# at 20k filings, but building the marts over a lake of 1M filings (sorted marts, quartiles per group)
# ran out of memory there; JIXIAO_LAKE_MEMORY overrides it on a machine with more or less to spare.
REWRITE_MEMORY = os.environ.get("JIXIAO_LAKE_MEMORY", "2GB")


def bounded_duckdb(lake: Path):
    """An in-memory DuckDB for rewriting a lake's Parquet: bounded memory, spilling under the lake's staging folder.

    Unbounded, compacting 20k filings' files took the driver to 2.6 GB.
    """
    spill = Path(lake) / STAGING / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = {sql_text(REWRITE_MEMORY)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = {sql_text(spill)}")
    return con


def sql_text(value: str | Path) -> str:
    """A path as a SQL string literal (DuckDB takes no parameters for file names in COPY/ATTACH)."""
    return "'" + str(value).replace("'", "''") + "'"


def parquet_glob(lake: Path, table: str) -> str | None:
    """The glob that reads a table, or None while the lake holds none of its files."""
    lake = Path(lake).resolve()
    if table not in PER_FILING + PER_FILE:  # derived tables and marts: one file each
        p = lake / "derived" / f"{table}.parquet"
        return str(p) if p.exists() else None
    if not data_files(lake, table):
        return None
    if table in PER_FILING:
        return str(lake / table / "*" / "*" / "*.parquet")
    return str(lake / table / "*.parquet")


def compacted_away(lake: Path) -> set[str]:
    """Files that committed compactions replaced (relative paths); they are deleted, and never read."""
    gone: set[str] = set()
    d = Path(lake) / COMMITS
    for p in d.glob("*.json") if d.exists() else ():
        gone.update(json.loads(p.read_text(encoding="utf-8")).get("replaces", []))
    return gone
