"""Merge a lake's many small batch files into one file per partition.

Each Ray task writes its own files, so a large run leaves thousands of small
files per table, and every query pays for opening them. Compaction writes each
partition's rows once more as one file, commits that like a batch (its marker
names the files it replaces), then deletes the old files; `layout.recover()`
finishes the deletes if a run stops in between, so rows are never counted twice.
"""
from __future__ import annotations

from pathlib import Path

from etl.lake import layout
from etl.lake.batch import new_batch_id


def compact(lake: Path | str, min_files: int = 2) -> int:
    """Compact every partition holding at least `min_files` files; returns the files replaced."""
    lake = Path(lake).resolve()
    layout.recover(lake)
    batch = new_batch_id()
    staged = lake / layout.STAGING / batch
    replaced: list[str] = []
    con = layout.bounded_duckdb(lake)
    try:
        for table in layout.PER_FILING + layout.PER_FILE:
            groups: dict[Path, list[Path]] = {}
            for p in layout.data_files(lake, table):
                groups.setdefault(p.parent, []).append(p)
            for folder, files in groups.items():
                if len(files) < min_files:
                    continue
                target = staged / folder.relative_to(lake) / f"{batch}_0.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                listing = "[" + ", ".join(layout.sql_text(p) for p in files) + "]"
                # sorted by filing: a one-filing look-up in a large partition then reads one row group
                order = " ORDER BY filing_id" if table in layout.PER_FILING else ""
                con.execute(f"COPY (SELECT * FROM read_parquet({listing}, union_by_name = true, hive_partitioning = false)"
                            f"{order}) TO {layout.sql_text(target)} (FORMAT parquet)")
                replaced += [str(p.relative_to(lake)) for p in files]
    finally:
        con.close()
    if not replaced:
        return 0
    layout.publish(lake, batch, {"run_id": "compact", "replaces": replaced})
    for rel in replaced:
        (lake / rel).unlink(missing_ok=True)
    return len(replaced)
