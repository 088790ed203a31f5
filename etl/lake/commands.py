"""The lake's side of `jixiao ingest --engine ray` and `jixiao attach` (kept out of etl/cli.py)."""
from __future__ import annotations

from pathlib import Path

from etl.lake.attach import NotALakeDatabase, attach, lake_of
from etl.lake.ray_ingest import ingest_lake, load_ray


def ingest_ray(paths, lake: Path, db: Path, address, progress, is_sample, console, limits=None, lock_wait=None, on_wait=None):
    """Ingest into the lake; a DuckDB file already attached to this lake gets its views refreshed."""
    try:
        load_ray()
    except ImportError as exc:  # ray is an optional extra
        console.print(f"[red]Ray 未安装[/red]（{exc}）：请运行 uv sync --extra cluster")
        raise SystemExit(2)
    summary = ingest_lake(paths, lake, address=address, is_sample=is_sample, progress=progress, limits=limits,
                          lock_wait=lock_wait, on_wait=on_wait)
    if lake_of(db) == Path(lake).resolve():
        attach(db, lake)  # tables that were empty get their views; the dashboard sees a new version
    return summary  # the caller prints the warnings, as for a local ingest


def attach_lake(db: Path, lake: Path, console) -> int:
    try:
        attach(db, lake)
    except (NotALakeDatabase, FileNotFoundError) as exc:
        console.print(f"[red]挂接失败[/red]: {exc}")
        return 1
    print(f"attached {Path(lake).resolve()} -> {db}")
    return 0
