"""`jixiao ingest --engine ray`: the local engine's per-file analysis as Ray Data tasks, into a Parquet lake.

The driver lists the files, hashes them to skip what the lake already holds
(exactly once per sha256, also across interrupted runs) and logs missing,
oversized and duplicate files as the local engine does. Ray Data spreads the
rest over the cluster; each `map_batches` task runs its files through the local
engine's supervised worker (same per-file CPU-time and memory budgets, same
reasons) and stages its batch as Parquet, and the driver commits batch after
batch as they come back.

One run writes a lake at a time: the lake's lock file (DIR/_ingest.lock) is held
from before the driver cleans up what an interrupted run left until the derived
tables are rewritten, so a second run waits (or gives up after `lock_wait`),
exactly as a second local ingest waits for a DuckDB file.
"""
from __future__ import annotations

import json
import math
import resource
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import numpy as np

import etl
from etl.inputs import discover, entry_sha
from etl.lake import layout
from etl.lake.batch import analyse_supervised, new_batch_id, write_batch, write_log
from etl.lake.compact import compact, compact_tiers, settings_policy
from etl.lake.derived import refresh_derived
from etl.limits import Limits
from etl.limits import use as use_limits
from etl.load import store
from etl.marts import LAKE_PENDING_FILE
from etl.per_file import FileResult, IngestSummary
from etl.review.ledger import for_files


def load_ray():
    """Ray, imported when first needed: an optional extra (`uv sync --extra cluster`), so the rest of
    the lake (attach, export, the refresh) works without it. The one place that imports it."""
    import ray

    return ray

BATCH_FILES = 64  # files per task at most: large enough to amortise a task's writes, small enough to lose little on a stop
LOCK_FILE = "_ingest.lock"
# A task whose process dies (killed by Ray's memory monitor or the kernel) is tried again this many
# times, then its files are logged as failed; Ray Data's default is to retry forever.
TASK_RETRIES = 2


def known_files(lake: Path) -> dict[str, str]:
    """The lake's files: bytes -> name."""
    glob = layout.parquet_glob(lake, "source_files")
    if glob is None:
        return {}
    con = duckdb.connect()
    try:
        return dict(con.execute("SELECT source_sha256, source_file FROM read_parquet(?)", [glob]).fetchall())
    finally:
        con.close()


def lake_corrections(lake: Path, shas: list[str]) -> dict[str, list]:
    """The people's corrections (etl/review) the lake holds for these files, for the per-file step: bytes a lake
    lost and reads again get them applied, as the local engine's re-read does."""
    glob = layout.parquet_glob(lake, "corrections")
    if glob is None or not shas:
        return {}
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW corrections AS SELECT * FROM read_parquet({layout.sql_text(glob)})")
        return for_files(con, shas)
    finally:
        con.close()


# The lake keeps every committed file; replacing a version means rewriting its partitions, which it does not do yet
# (the DuckDB file does: etl/load/versions.py). A corrected file is refused rather than shown beside the old one.
NO_REPLACE = "数据湖中已有同名文件的另一版本（sha256 {sha}）：数据湖暂不支持替换更正后的文件，本文件未导入"


def _analyse_batch(batch: dict, lake: str, is_sample: bool | None, limits, corrections: dict | None = None) -> dict:
    """Ray Data map step: analyse and stage one batch of files; returns one row naming the batch."""
    use_limits(limits)  # the reader's caps (file size, rows, pages...) as the local engine sets them
    items = [(str(path), str(name), str(sha)) for path, name, sha in zip(batch["path"], batch["name"], batch["sha256"])]
    files = analyse_supervised(items, is_sample, limits, corrections)
    bid = new_batch_id()
    results = write_batch(Path(lake), bid, files)
    # this task's process and the parse processes it forked, at their peaks so far
    peak_mib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"batch": np.array([bid]), "results": np.array([json.dumps(results, ensure_ascii=False)]),
            "peak_mib": np.array([peak_mib])}


def _start_ray(address: str | None, num_cpus: int | None):
    ray = load_ray()
    if ray.is_initialized():
        return False
    if address:
        # a remote cluster gets this package's code shipped with the job
        ray.init(address=address, runtime_env={"py_modules": [str(Path(etl.__file__).parent)]})
    else:
        # a task killed for memory is retried TASK_RETRIES times, not forever (Ray's default)
        ray.init(num_cpus=num_cpus, include_dashboard=False, _system_config={"task_oom_retries": TASK_RETRIES})
    return True


def ingest_lake(
    paths: Iterable[Path],
    lake: Path | str,
    address: str | None = None,
    is_sample: bool | None = None,
    progress: Callable[[int, int, object], None] | None = None,
    batch_files: int = BATCH_FILES,
    num_cpus: int | None = None,
    stats: dict | None = None,
    compact_at: int | None = None,
    limits=None,
    lock_wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
):
    """Ingest every file under `paths` into the lake. Never raises for a bad file.

    While the run goes on, a partition's files of one size class are merged as soon as `compact_at`
    of them are there (default `[lake] compact_files` of the settings), and after the run a partition
    holding `compact_at` files or more is merged whole (etl/lake/compact.py).
    `limits` are the local engine's per-file budgets (etl.limits.Limits), applied in the Ray tasks
    by the local engine's own supervised worker.
    Only one run writes a lake at a time: a second one waits for the lock (`lock_wait` seconds,
    None = as long as it takes; `on_wait` hears about it) or raises store.DatabaseBusy.
    `stats`, when given, receives the batches committed and the largest worker's peak memory (MiB).
    """
    lake = Path(lake).resolve()
    lake.mkdir(parents=True, exist_ok=True)
    with store.ingest_lock(lake, wait=lock_wait, on_wait=on_wait, what="数据湖", path=lake / LOCK_FILE):
        return _ingest_locked(paths, lake, address, is_sample, progress, batch_files, num_cpus, stats, compact_at, limits)


def _ingest_locked(paths, lake: Path, address, is_sample, progress, batch_files, num_cpus, stats, compact_at, limits):
    limits = limits or Limits()
    compact_at = compact_at or settings_policy()[0]
    layout.recover(lake)
    pending = lake / "derived" / LAKE_PENDING_FILE  # a run before this one stopped before its derived tables
    stale = pending.exists()
    known = known_files(lake)
    held = {}  # name -> the bytes the lake holds under it
    for sha, name in known.items():
        held.setdefault(name, sha)
    entries = discover(paths)
    run_id = uuid.uuid4().hex[:12]
    summary = IngestSummary()

    def record(results: list[dict], paths_by_name: dict[str, str]) -> None:
        for r in results:
            res = FileResult(source_file=r["source_file"], path=paths_by_name.get(r["source_file"], r["source_file"]),
                             sha256=r["sha256"], status=r["status"], error=r["error"], filings=r["filings"],
                             seconds=r["seconds"])
            summary.results.append(res)
            if progress:
                progress(len(summary.results), len(entries), res)

    # the driver's pass: what the local engine decides before parsing, by its own code
    # (discover()'s reasons for what is not a regular file, entry_sha()'s for what cannot be read)
    upfront: list[dict] = []
    todo: list[dict] = []
    seen: set[str] = set()
    for e in entries:
        started = time.perf_counter()
        r = {"source_file": e.name, "sha256": entry_sha(e, limits), "status": "failed", "error": None,
             "filings": 0, "seconds": 0.0}
        if e.problem is not None:
            r["error"] = f"{e.name}: {e.problem}"
        elif r["sha256"] in known or r["sha256"] in seen:
            r["status"] = "duplicate"
        elif e.name in held:
            r["error"] = f"{e.name}: " + NO_REPLACE.format(sha=held[e.name][:12])
        else:
            seen.add(r["sha256"])
            todo.append({"path": str(e.path), "name": e.name, "sha256": r["sha256"]})
            continue
        r["seconds"] = time.perf_counter() - started
        upfront.append(r)
    if upfront:
        bid = new_batch_id()
        write_log(lake, bid, run_id, upfront)
        layout.publish(lake, bid, {"run_id": run_id, "files": [[r["source_file"], r["sha256"], r["status"]] for r in upfront]})
        record(upfront, {e.name: str(e.path) for e in entries})

    if todo:
        ray = load_ray()
        # before the first commit: the derived tables and marts are stale from then until rewritten
        layout.write_atomic(pending, run_id.encode())
        stale = True
        started_here = _start_ray(address, num_cpus)
        try:
            ctx = ray.data.DataContext.get_current()
            ctx.enable_progress_bars = False
            ctx.max_errored_blocks = -1  # a task that failed TASK_RETRIES times costs its files, not the run
            cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
            per_task = max(1, min(batch_files, math.ceil(len(todo) / (4 * cpus))))  # every CPU gets work
            # The task reads its files' bytes itself: ray.data.read_binary_files keeps per-file
            # metadata on the driver (2.6 GB of driver memory at 20k files), this keeps only the paths.
            ds = ray.data.from_items(todo, override_num_blocks=min(len(todo), 4 * cpus))
            # (max_retries goes to the task's remote options: Ray 2.60 has no named parameter for it)
            ds = ds.map_batches(_analyse_batch, batch_size=per_task, batch_format="numpy", max_retries=TASK_RETRIES,
                                fn_kwargs={"lake": str(lake), "is_sample": is_sample, "limits": limits,
                                           "corrections": lake_corrections(lake, [t["sha256"] for t in todo])})
            by_name = {t["name"]: t["path"] for t in todo}
            # a batch adds at most one file per table and partition, so looking every `every` batches keeps a
            # size class below compact_at + every files (a look lists the lake's files: cheap while it is tidy)
            every, since = max(1, compact_at // 2), 0
            for row in ds.iter_rows():
                bid, results = str(row["batch"]), json.loads(row["results"])
                write_log(lake, bid, run_id, results)
                layout.publish(lake, bid, {"run_id": run_id, "files": [[r["source_file"], r["sha256"], r["status"]] for r in results]})
                record(results, by_name)
                since += 1
                if since >= every:
                    since = 0
                    t = time.perf_counter()
                    merged = compact_tiers(lake, files=compact_at)
                    if stats is not None:
                        stats["files_compacted_during"] = stats.get("files_compacted_during", 0) + merged
                        stats["compact_during_s"] = stats.get("compact_during_s", 0.0) + time.perf_counter() - t
                if stats is not None:
                    stats["batches"] = stats.get("batches", 0) + 1
                    stats["worker_peak_mib"] = max(stats.get("worker_peak_mib", 0.0), float(row["peak_mib"]))
        finally:
            if started_here:
                ray.shutdown()
        # files of tasks that died TASK_RETRIES + 1 times: failed, with the reason, never silently missing
        logged = {r.sha256 for r in summary.results}
        lost = [{"source_file": t["name"], "sha256": t["sha256"], "status": "failed", "filings": 0,
                 "seconds": 0.0, "error": f"{t['name']}: 解析任务失败 {TASK_RETRIES + 1} 次（任务进程被终止，可能内存不足），已放弃"}
                for t in todo if t["sha256"] not in logged]
        if lost:
            bid = new_batch_id()
            write_log(lake, bid, run_id, lost)
            layout.publish(lake, bid, {"run_id": run_id, "files": [[r["source_file"], r["sha256"], r["status"]] for r in lost]})
            record(lost, by_name)
    if summary.loaded or stale:
        t = time.perf_counter()
        replaced = compact(lake, min_files=compact_at)  # readers pay per file: keep partitions to a few files
        t_compact = time.perf_counter() - t
        try:
            refresh_derived(lake)
            pending.unlink(missing_ok=True)
        except Exception as exc:  # the filings are in; only the cross-filing tables are stale (the marker stays)
            summary.warnings.append(f"重复指标比对或汇总表更新失败：{type(exc).__name__}: {exc}")
        if stats is not None:  # what the run spent after parsing, for bench/scale.py
            stats.update(files_compacted=replaced, compact_s=t_compact,
                         derived_s=time.perf_counter() - t - t_compact)
    return summary
