"""The local engine: files -> filings -> findings -> one DuckDB file, on one machine.

The per-file step (etl/per_file.py) runs in worker processes (etl/workers.py) under
per-file budgets; this module finds the inputs (etl/inputs.py), skips what the
database holds, writes the results in batches and then recomputes what compares
filings across files (etl/recheck.py) and the marts. Every file is read, parsed and checked on its own; a file that fails is
logged with its reason and the batch goes on. A file's rows commit with its
log row in one transaction (the files of a flush share one; when that fails
they are written file by file), so a failure never leaves half a file behind.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from etl.inputs import discover, entry_sha, is_sample_name
from etl.limits import Limits
from etl.limits import use as use_limits
from etl.load import store
from etl.marts import build_marts
from etl.per_file import FileResult, IngestSummary, process, warm_up
from etl.recheck import refresh_copies_in, refresh_soft_in
from etl.structured.twins import refresh_twins_in
from etl.workers import default_workers
from etl.workers import run as run_workers


@dataclass
class Job:
    path: str
    name: str
    sha256: str
    is_sample: bool
    mode: str = "auto"
    skip_bad_rows: bool = False


def _analyse_job(job: Job, check_workers: int = 1) -> tuple[FileResult, store.LoadedFile | None]:
    """The per-file step in a worker process (MemoryError: the worker reports the memory limit)."""
    return process(job.path, job.name, job.sha256, job.is_sample, mode=job.mode, skip_bad_rows=job.skip_bad_rows,
                   check_workers=check_workers)


COPIES_PENDING = "copies_pending"  # meta key: filings changed since the copy clusters were computed


def ingest_paths(
    paths: Iterable[Path],
    db_path: Path | str,
    progress: Callable[[int, int, FileResult], None] | None = None,
    is_sample: bool | None = None,
    flush_every: int = 100,
    flush_seconds: float = 1.0,
    workers: int | None = None,
    limits: Limits | None = None,
    lock_wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_pages: Callable[[str, int, int], None] | None = None,
    mode: str = "auto",
    skip_bad_rows: bool = False,
) -> IngestSummary:
    """Ingest every file under `paths` into `db_path`. Never raises for a bad file.

    Files are analysed in worker processes under per-file budgets (`limits`);
    a worker that dies or runs out of time costs only its file. The files
    finished so far are written every `flush_seconds` (or `flush_every` files),
    rows and ingest_log rows in one transaction, so a dashboard reading the same
    database gets in between; a batch that cannot be written is written file by
    file, and only a file whose rows the database refuses fails.
    Only one ingest writes a database at a time: a second one waits for the
    lock (`lock_wait` seconds, None = as long as it takes) or raises
    store.DatabaseBusy. `on_pages(name, page, pages)` follows a long PDF page by page.
    `mode` and `skip_bad_rows` go to the per-file step (`jixiao import` passes 'structured').
    """
    limits = limits or Limits()
    entries = discover(paths)
    run_id = uuid.uuid4().hex[:12]
    summary = IngestSummary()
    with store.ingest_lock(db_path, wait=lock_wait, on_wait=on_wait):
        _ingest_locked(entries, db_path, run_id, summary, progress, is_sample, flush_every, flush_seconds, workers, limits,
                       on_pages, mode, skip_bad_rows)
    return summary


def _ingest_locked(entries, db_path, run_id, summary, progress, is_sample, flush_every, flush_seconds, workers, limits,
                   on_pages, mode="auto", skip_bad_rows=False):
    with store.writer(db_path) as con:  # known files are skipped before any parsing
        known = {r[0] for r in con.execute("SELECT source_sha256 FROM source_files").fetchall()}
        copies_pending = store.get_meta(con, COPIES_PENDING) is not None
    pending: list[tuple[FileResult, store.LoadedFile | None]] = []
    last_flush = time.monotonic()
    done = 0
    total = len(entries)
    seen: set[str] = set()

    flushing = False

    def flush():
        nonlocal done, last_flush, flushing
        if not pending:
            return
        flushing = True
        mark = COPIES_PENDING
        written: list[FileResult] = []  # committed (rows or log row): reported even when interrupted
        try:
            with store.writer(db_path) as con:
                stored = store.known_shas(con, [lf.sha256 for _, lf in pending if lf is not None])
                batch: list[tuple[store.LoadedFile | None, store.LogRow]] = []
                for result, lf in pending:
                    if lf is not None and lf.sha256 in stored:
                        result.status, lf = "duplicate", None
                    if lf is not None:
                        result.status = "loaded"
                        result.filings = len(lf.filings)
                        if lf.notes:  # rows of an export left out under --skip-bad-rows: each one logged
                            result.error = f"已跳过 {len(lf.notes)} 处有问题的行：\n" + "\n".join(lf.notes)
                    batch.append((lf, store.LogRow(run_id, result.source_file, result.sha256, result.status,
                                                   result.error, result.filings, result.seconds, at=store.utc_now())))
                try:
                    # the batch's rows, its log rows and the copy marker commit together
                    store.write_batch(con, batch, mark=mark)
                    written = [result for result, _ in pending]
                except Exception:  # rolled back: write file by file, so only a file that cannot be written fails
                    for (result, _), (lf, row) in zip(pending, batch):
                        if lf is not None:
                            try:
                                # the file's rows, its log row and the copy marker commit together
                                store.write_file(con, lf, log_row=row, mark=mark)
                                written.append(result)
                                continue
                            except Exception as exc:  # rolled back: nothing of this file stays
                                result.status, result.filings = "failed", 0
                                result.error = f"{result.source_file}: 写入数据库失败：{type(exc).__name__}: {exc}"
                        store.log(con, run_id, result.source_file, result.sha256, result.status, result.error,
                                  result.filings, result.seconds)
                        written.append(result)
        finally:
            for result in written:
                summary.results.append(result)
                done += 1
                if progress:
                    progress(done, total, result)
        pending.clear()
        last_flush = time.monotonic()
        flushing = False

    def take(result: FileResult, lf: store.LoadedFile | None) -> None:
        pending.append((result, lf))
        if len(pending) >= flush_every or time.monotonic() - last_flush >= flush_seconds:
            flush()

    jobs: list[Job] = []
    try:
        for e in entries:
            result = FileResult(source_file=e.name, path=e.name, sha256=None, status="pending")
            result.sha256 = entry_sha(e, limits)
            if e.problem is not None:
                result.status, result.error = "failed", f"{e.name}: {e.problem}"
                take(result, None)
            elif result.sha256 in known or result.sha256 in seen:
                result.status = "duplicate"
                take(result, None)
            else:
                seen.add(result.sha256)
                sample = is_sample if is_sample is not None else is_sample_name(e.name)
                jobs.append(Job(str(e.path), e.name, result.sha256, sample, mode, skip_bad_rows))
        if jobs and mode == "structured":
            # exports are tables, not documents: no parser to run away with a file's time, so they are
            # read here, one at a time, and their checks spread over forked processes (fast at 100k rows)
            use_limits(limits)
            n = workers if workers is not None else default_workers(4)
            for job in jobs:
                take(*_analyse_job(job, check_workers=n))
        elif jobs:
            warm_up()
            n = workers if workers is not None else default_workers(len(jobs))
            for out in run_workers(_analyse_job, jobs, n, limits):
                if out.progress is not None:
                    if on_pages:
                        on_pages(out.job.name, out.progress.done, out.progress.total)
                    continue
                if out.error is not None:
                    job = out.job
                    result = FileResult(job.name, job.name, job.sha256, "failed", f"{job.name}: {out.error}", seconds=limits.seconds)
                    take(result, None)
                else:
                    take(*out.value)
        flush()
    except KeyboardInterrupt:
        if not flushing:  # (an interrupted write was rolled back; its files are redone next run)
            flush()  # what finished is kept; the copy marker makes the next run finish the rest
        summary.interrupted = True
        return
    refresh = bool(copies_pending or summary.loaded)
    if not refresh and not summary.loaded:
        return
    copies_warning = "重复指标与跨年度比对失败（下次导入时会重试）"
    try:
        # one connection for the cross-file steps and the marts (opening and closing the file is ~50 ms)
        with store.writer(db_path) as con:
            if refresh:
                _refresh(con, summary, copies_warning)
            if (summary.loaded or summary.copies_refreshed) and not summary.interrupted:
                # marts sum findings and metrics, so they follow the copy/soft refresh; a failure here
                # loses nothing: the dashboard falls back to the base tables
                try:
                    build_marts(con)
                except Exception as exc:
                    summary.warnings.append(f"汇总表更新失败：{type(exc).__name__}: {exc}")
    except KeyboardInterrupt:  # the marker stays: the next ingest finishes the comparison
        summary.interrupted = True
    except Exception as exc:  # the database could not be opened: the marker stays, the next ingest retries
        what = copies_warning if refresh else "汇总表更新失败"
        summary.warnings.append(f"{what}：{type(exc).__name__}: {exc}")


def _refresh(con, summary: IngestSummary, warning: str) -> None:
    """Copy clusters and cross-year links compare filings across files, so they are redone over the
    whole database after files were added; the marker is cleared only when both are done."""
    try:
        # first: a published filing superseded by a structured import is left out of the comparisons below
        refresh_twins_in(con)
        refresh_copies_in(con)
        # cross-year links, soft-target rules and their indices (etl/link, etl/check/rules_soft.py):
        # like copy clusters they compare filings across files, and share the marker
        refresh_soft_in(con)
        store.clear_meta(con, COPIES_PENDING)
        summary.copies_refreshed = True
    except KeyboardInterrupt:  # the marker stays: the next ingest finishes the comparison
        summary.interrupted = True
    except Exception as exc:  # the filings are in; the marker stays so the next ingest retries
        summary.warnings.append(f"{warning}：{type(exc).__name__}: {exc}")
