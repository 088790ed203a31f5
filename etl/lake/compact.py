"""Merge a lake's many small batch files, during an ingest and after it.

Each Ray task writes its own files, so a large run leaves thousands of small files per table
and partition, and every query pays for opening them. Two policies, one mechanism:

- during an ingest (`compact_tiers`, after each committed batch that may have filled a
  partition): files of about the same size (one size class: sizes within a factor of
  `[lake] compact_files`) are merged as soon as a partition holds `compact_files` of them, so a
  partition holds fewer than `compact_files` files per size class and each row is rewritten
  about log(files) times, not once per merge;
- after a run (`compact`): a partition holding `compact_files` files or more is merged whole.

A merge is a batch of the lake's commit protocol (etl/lake/layout.py): the merged files are
written under DIR/_staging/<batch>/, the commit marker naming the files they replace is
written, and only then does any reader-visible change happen. Each partition then changes in
one step: its folder is exchanged with a staged folder holding the merged file and hard links
of the partition's other files (Linux renameat2 RENAME_EXCHANGE), so a reader listing the
partition sees either all the old files or the new set, never both and never neither. Where
the file system cannot exchange (not Linux, NFS), the merged file is moved in and the old
files deleted after it, as before: a reader may then briefly count a partition's rows twice.
A stop at any point is finished by `layout.recover()`: a committed merge is rolled forward, an
uncommitted one leaves nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import math
import os
import shutil
from pathlib import Path
from typing import Callable

from etl.check import load_settings
from etl.lake import layout
from etl.lake.batch import new_batch_id

# size class 0 holds files up to this size; class n, up to SIZE_BASE x compact_files^(n+1)
SIZE_BASE = 64 * 1024


def size_class(size: int, files: int) -> int:
    return max(0, int(math.log(max(size, 1) / SIZE_BASE, files))) if size > SIZE_BASE else 0


def settings_policy() -> tuple[int, int]:
    """([lake] compact_files, compact_max_mb in bytes) of the settings."""
    s = load_settings()
    return s.compact_files, int(s.compact_max_mb * 1024 * 1024)


def partitions(lake: Path, tables=layout.PER_FILING + layout.PER_FILE) -> dict[tuple[str, Path], list[Path]]:
    """(table, folder) -> its data files."""
    out: dict[tuple[str, Path], list[Path]] = {}
    for table in tables:
        for p in layout.data_files(lake, table):
            out.setdefault((table, p.parent), []).append(p)
    return out


def whole(lake: Path, files: int) -> list[tuple[str, Path, list[Path]]]:
    """After a run: each partition holding `files` files or more, merged whole."""
    return [(t, folder, fs) for (t, folder), fs in partitions(lake).items() if len(fs) >= files]


def tiers(lake: Path, files: int, max_bytes: int) -> list[tuple[str, Path, list[Path]]]:
    """During a run: each size class of a partition that holds `files` files (below `max_bytes`), merged."""
    picked = []
    for (t, folder), fs in partitions(lake).items():
        if len(fs) < files:
            continue
        classes: dict[int, list[Path]] = {}
        for p in fs:
            size = p.stat().st_size
            if size < max_bytes:
                classes.setdefault(size_class(size, files), []).append(p)
        picked += [(t, folder, group) for group in classes.values() if len(group) >= files]
    return picked


def compact(lake: Path | str, min_files: int | None = None, recover: bool = True,
            on_step: Callable[[str], None] | None = None) -> int:
    """After a run: merge every partition holding at least `min_files` files (default [lake] compact_files)
    into one. Returns the files replaced."""
    lake = Path(lake).resolve()
    if recover:
        layout.recover(lake)
    return merge(lake, whole(lake, min_files or settings_policy()[0]), on_step)


def compact_tiers(lake: Path | str, files: int | None = None, max_bytes: int | None = None,
                  on_step: Callable[[str], None] | None = None) -> int:
    """During a run: merge each partition's size classes that have filled up. Never cleans staging (the
    run's tasks are staging their batches there). Returns the files replaced."""
    k, cap = settings_policy()
    lake = Path(lake).resolve()
    return merge(lake, tiers(lake, files or k, max_bytes or cap), on_step)


def merge(lake: Path, groups: list[tuple[str, Path, list[Path]]], on_step: Callable[[str], None] | None = None) -> int:
    """Merge each group of files (one table's, in one folder) into one file, as one committed batch."""
    if not groups:
        return 0
    batch = new_batch_id()
    staged_root = lake / layout.STAGING / batch
    replaced: list[str] = []
    swaps: list[tuple[Path, Path]] = []  # (staged folder, live folder)
    con = layout.bounded_duckdb(lake)
    try:
        for k, (table, folder, files) in enumerate(groups):
            staged = staged_root / folder.relative_to(lake)
            staged.mkdir(parents=True, exist_ok=True)
            target = staged / f"{batch}_{k}.parquet"
            listing = "[" + ", ".join(layout.sql_text(p) for p in files) + "]"
            # sorted by filing: a one-filing look-up in a large partition then reads one row group
            order = " ORDER BY filing_id" if table in layout.PER_FILING else ""
            con.execute(f"COPY (SELECT * FROM read_parquet({listing}, union_by_name = true, hive_partitioning = false)"
                        f"{order}) TO {layout.sql_text(target)} (FORMAT parquet)")
            replaced += [str(p.relative_to(lake)) for p in files]
            if (staged, folder) not in swaps:
                swaps.append((staged, folder))
    finally:
        con.close()
    gone = set(replaced)
    exchange = can_exchange()
    if exchange:  # the staged folder becomes the partition's whole new content: its other files are linked in
        try:
            for staged, folder in swaps:
                for p in folder.glob("*.parquet"):
                    if str(p.relative_to(lake)) not in gone and not (staged / p.name).exists():
                        os.link(p, staged / p.name)
        except OSError:  # no hard links here: move in, then delete (a reader may briefly see both)
            exchange = False
    layout.write_atomic(lake / layout.COMMITS / f"{batch}.json",
                        json.dumps({"run_id": "compact", "replaces": replaced}, ensure_ascii=False).encode())
    if on_step:
        on_step("committed")
    for staged, folder in swaps:
        if exchange and exchange_folders(staged, folder):
            shutil.rmtree(staged)  # the old files, now out of the lake
        else:  # the merged file in place, then the files it replaces out (recover() finishes this after a stop)
            for p in staged.glob(f"{batch}_*.parquet"):
                os.replace(p, folder / p.name)
            for p in list(folder.glob("*.parquet")):
                if str(p.relative_to(lake)) in gone:
                    p.unlink(missing_ok=True)
            shutil.rmtree(staged, ignore_errors=True)
        if on_step:
            on_step(str(folder.relative_to(lake)))
    shutil.rmtree(staged_root, ignore_errors=True)
    return len(replaced)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = None


def _renameat2():
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        except OSError:
            _libc = False
    return getattr(_libc, "renameat2", None) if _libc else None


def can_exchange() -> bool:
    return _renameat2() is not None


def exchange_folders(a: Path, b: Path) -> bool:
    """Swap two folders in one step (both stay present throughout). False where the system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
