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
from pathlib import Path
from typing import Callable, Iterable

from etl.inputs import discover, entry_sha, hash_file, is_sample_name
from etl.limits import MB, Limits
from etl.limits import use as use_limits
from etl.load import store, versions
from etl.marts import MARTS_PENDING, build_marts
from etl.per_file import FileResult, IngestSummary, Job, run_job, warm_up
from etl.records import ReadError, many_records
from etl.recheck import refresh_copies_in, refresh_soft_in
from etl.refresh import affected_keys, refresh_incremental
from etl.review import ledger
from etl.structured.twins import refresh_twins_in
from etl.workers import default_workers
from etl.workers import run as run_workers


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
    reread: bool = False,
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
    With `reread`, files the database already holds are read again (after a parser upgrade) and their
    rows replaced, the people's corrections of them applied again (etl/review).
    """
    limits = limits or Limits()
    entries = discover(paths)
    run_id = uuid.uuid4().hex[:12]
    summary = IngestSummary()
    with store.ingest_lock(db_path, wait=lock_wait, on_wait=on_wait):
        _ingest_locked(entries, db_path, run_id, summary, progress, is_sample, flush_every, flush_seconds, workers, limits,
                       on_pages, mode, skip_bad_rows, reread)
    return summary


def _ingest_locked(entries, db_path, run_id, summary, progress, is_sample, flush_every, flush_seconds, workers, limits,
                   on_pages, mode="auto", skip_bad_rows=False, reread=False):
    with store.writer(db_path) as con:  # known files are skipped before any parsing (or read again: reread)
        known = versions.current_names(con)  # bytes -> name: the same bytes under a new name rename the file
        copies_pending = store.get_meta(con, store.COPIES_PENDING) is not None
        marts_pending = store.get_meta(con, MARTS_PENDING) is not None  # a run stopped before rebuilding them
        corrected_old = ledger.corrected_history(con)  # older versions with corrections, should they come back
    replacing: set[str] = set()  # known files read again: their rows are replaced
    names_in_run = {e.name for e in entries}
    loaded_in_run: set[str] = set()  # two files under one name in one run are not a correction of each other
    pending: list[tuple[FileResult, store.LoadedFile | None]] = []
    last_flush = time.monotonic()
    done = 0
    total = len(entries)
    seen: set[str] = set()

    flushing = False
    held = store.HeldWriter(db_path)  # one connection over several flushes while closing it costs ([database] hold_per_close)

    def flush():
        nonlocal done, last_flush, flushing
        if not pending:
            return
        flushing = True
        mark = (store.COPIES_PENDING, MARTS_PENDING)
        written: list[FileResult] = []  # committed (rows or log row): reported even when interrupted
        try:
            con = held.con()
            # (it stays open for the next flush while the file is cheap to close: held.release() below)
            stored = store.known_shas(con, [lf.sha256 for _, lf in pending if lf is not None]) - replacing
            for result, lf in pending:
                if lf is not None and lf.sha256 in stored:
                    result.status = "duplicate"
            # re-submissions: what each file replaces or renames, done in the file's own transaction
            ops = _version_ops(con, pending, stored, loaded_in_run, replacing)
            batch: list[tuple[store.LoadedFile | None, store.LogRow]] = []
            for result, lf in pending:
                if lf is not None and lf.sha256 in stored:
                    lf = None
                if lf is not None:
                    result.status = "loaded"
                    result.filings = len(lf.filings)
                    loaded_in_run.add(lf.sha256)
                    if lf.notes:  # rows of an export left out under --skip-bad-rows: each one logged
                        result.error = f"已跳过 {len(lf.notes)} 处有问题的行：\n" + "\n".join(lf.notes)
                batch.append((lf, store.LogRow(run_id, result.source_file, result.sha256, result.status,
                                               result.error, result.filings, result.seconds, at=store.utc_now(),
                                               note=result.note)))
            redo = {lf.sha256 for lf, _ in batch if lf is not None and lf.sha256 in replacing}
            try:
                # the batch's rows, its log rows, the versions it replaces and the copy marker commit
                # together (a re-read file's old rows go in the same transaction)
                store.write_batch(con, batch, mark=mark, replace=redo,
                                  before=_run_ops([op for k in ops for op in ops[k]]))
                written = [result for result, _ in pending]
            except Exception:  # rolled back: write file by file, so only a file that cannot be written fails
                for (result, _), (lf, row) in zip(pending, batch):
                    if lf is not None:
                        try:
                            # the file's rows, its log row, what it replaces and the copy marker commit together
                            store.write_file(con, lf, log_row=row, mark=mark, replace=lf.sha256 in replacing,
                                             before=_run_ops(ops.get(id(result), [])))
                            written.append(result)
                            continue
                        except Exception as exc:  # rolled back: nothing of this file stays
                            result.status, result.filings, result.note = "failed", 0, None
                            result.error = f"{result.source_file}: 写入数据库失败：{type(exc).__name__}: {exc}"
                            loaded_in_run.discard(lf.sha256)
                    elif ops.get(id(result)) and result.status == "duplicate":  # a rename and its log row
                        try:
                            store.write_batch(con, [(None, row)], mark=mark, before=_run_ops(ops[id(result)]))
                            written.append(result)
                            continue
                        except Exception:  # rolled back: logged as a plain duplicate below
                            result.note = result.renamed_from = None
                    store.log(con, run_id, result.source_file, result.sha256, result.status, result.error,
                              result.filings, result.seconds)
                    written.append(result)
        finally:
            try:
                held.release()
            except Exception:  # (closing failed: the next flush opens the file again)
                pass
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
            elif result.sha256 in seen or (result.sha256 in known and not reread):
                result.status = "duplicate"
                old = known.get(result.sha256)
                # the same bytes under a new name: renamed, unless this run also holds them under the current name
                if result.sha256 not in seen and old is not None and old != e.name and old not in names_in_run:
                    result.renamed_from = old
                seen.add(result.sha256)
                take(result, None)
            else:
                seen.add(result.sha256)
                if result.sha256 in known:
                    replacing.add(result.sha256)
                sample = is_sample if is_sample is not None else is_sample_name(e.name)
                jobs.append(Job(str(e.path), e.name, result.sha256, sample, mode, skip_bad_rows))
        # a re-read (or an older version sent again) applies the corrections people made to those bytes
        again = replacing | {job.sha256 for job in jobs if job.sha256 in corrected_old}
        if again:
            with store.writer(db_path) as con:
                fixes = ledger.for_files(con, sorted(again))
            for job in jobs:
                job.corrections = fixes.get(job.sha256)
        if jobs and mode == "structured":
            # exports are tables, not documents: no parser to run away with a file's time, so they are
            # read here, one at a time, and their checks spread over forked processes (fast at 100k rows)
            use_limits(limits)
            n = workers if workers is not None else default_workers(4)
            for job in jobs:
                take(*run_job(job, check_workers=n))
        elif jobs:
            warm_up()
            n = workers if workers is not None else default_workers(len(jobs))
            for out in run_workers(run_job, jobs, n, limits):
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
    finally:
        held.close()
    refresh = bool(copies_pending or summary.loaded or summary.changed)
    if not refresh and not marts_pending:
        return
    copies_warning = "重复指标与跨年度比对失败（下次导入时会重试）"
    started = time.perf_counter()
    try:
        # one connection for the cross-file steps and the marts (opening and closing the file is ~50 ms)
        with store.writer(db_path) as con:
            ledger.flag_changed_files(con)  # corrections of versions this run replaced (etl/load/versions.py)
            marts_done = False
            if refresh and not copies_pending and not replacing and not marts_pending:
                # only what the new filings touch (etl/refresh.py); an earlier refresh left unfinished
                # (a marker was set before this run) is finished in full below, and so is a re-read
                # (--reread: filings read again may leave the groups they were in)
                marts_done = _refresh_incremental(con, summary, copies_warning)
            elif refresh:
                _refresh(con, summary, copies_warning)
            if ((summary.loaded or summary.changed or summary.copies_refreshed or marts_pending) and not summary.interrupted
                    and not marts_done):
                # marts sum findings and metrics, so they follow the copy/soft refresh; a failure here
                # loses nothing: the dashboard falls back to the base tables
                try:
                    with store.rebuild_memory(con):  # every mart at once
                        build_marts(con)
                except Exception as exc:
                    summary.warnings.append(f"汇总表更新失败：{type(exc).__name__}: {exc}")
    except KeyboardInterrupt:  # the marker stays: the next ingest finishes the comparison
        summary.interrupted = True
    except Exception as exc:  # the database could not be opened: the marker stays, the next ingest retries
        what = copies_warning if refresh else "汇总表更新失败"
        summary.warnings.append(f"{what}：{type(exc).__name__}: {exc}")
    summary.refresh_seconds = time.perf_counter() - started


def _removed_since_marts(con) -> bool:
    """Whether the marts hold a filing the database no longer has (or there are no marts)."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mart_facts'").fetchone()[0]:
        return True
    return con.execute("""SELECT EXISTS (SELECT 1 FROM mart_facts m
                                        WHERE NOT EXISTS (SELECT 1 FROM filings f WHERE f.filing_id = m.filing_id))""").fetchone()[0]


def _refresh_incremental(con, summary: IngestSummary, warning: str) -> bool:
    """The cross-file tables and the marts over what this run's filings touch (etl/refresh.py). Returns
    whether the marts are done; when the comparison fails the marker stays and the next ingest redoes it
    in full."""
    shas = sorted({r.sha256 for r in summary.results if r.status == "loaded" and r.sha256})
    try:
        if not shas:
            return False
        if summary.changed or _removed_since_marts(con):
            # a file replaced or renamed in this run, or a filing taken out since the last refresh
            # (a removal) whose keys nobody passed: everything is rebuilt, as before
            _refresh(con, summary, warning)
            return False
        con.execute("CREATE OR REPLACE TEMP TABLE _new_shas (sha VARCHAR)")
        con.executemany("INSERT INTO _new_shas VALUES (?)", [[x] for x in shas])
        ids = [fid for (fid,) in con.execute(
            "SELECT filing_id FROM filings WHERE source_sha256 IN (SELECT sha FROM _new_shas)").fetchall()]
        con.execute("DROP TABLE _new_shas")
        with many_records():  # the filings and rows read back hold no cycles (as in _refresh)
            refresh_incremental(con, affected_keys(con, ids, added=True))  # new files: no keys yet
        store.clear_meta(con, store.COPIES_PENDING)
        store.clear_meta(con, MARTS_PENDING)  # only this run's changes were pending (the caller checked)
        summary.copies_refreshed = True
        summary.refresh = "incremental"
        return True
    except KeyboardInterrupt:
        summary.interrupted = True
        return True
    except Exception as exc:  # the filings are in; the marker stays so the next ingest redoes it in full
        summary.warnings.append(f"{warning}：{type(exc).__name__}: {exc}")
        return False


def _version_ops(con, pending, stored: set[str], loaded_in_run: set[str], reread: set[str] = frozenset()) -> dict[int, list]:
    """What each file of a flush does to the versions already stored (etl/load/versions.py), by id(result):
    a loaded file replaces the one current file under its name (and, if its bytes are an older version,
    takes them out of history); a duplicate under a new name renames the file. Sets each result's note."""
    now = store.utc_now()
    new = [(r, lf) for r, lf in pending if lf is not None and lf.sha256 not in stored]
    renames = [r for r, lf in pending if r.renamed_from is not None and r.status == "duplicate"]
    here = loaded_in_run | {lf.sha256 for _, lf in new}  # this run's files never replace each other
    held = versions.holders(con, sorted({lf.source_file for _, lf in new} | {r.source_file for r in renames}))
    back = versions.in_history(con, [lf.sha256 for _, lf in new])
    ops: dict[int, list] = {}
    taken: set[str] = set()

    def replace(result, name: str, sha: str) -> str | None:
        olds = [h for h in held.get(name, []) if h.sha256 not in here and h.sha256 != sha and h.sha256 not in taken]
        if len(olds) == 1:
            old = olds[0]
            taken.add(old.sha256)
            ops.setdefault(id(result), []).append(lambda c, o=old.sha256: versions.retire(c, o, name, sha, now))
            return f"替换了同名文件的旧版本（{old.filings} 份填报，sha256 {old.sha256[:12]}），旧版本留作历史"
        if len(olds) > 1:
            return f"数据库中有 {len(olds)} 个同名的文件，无法确定更正的是哪一个：新文件与它们并存"
        return None

    for result, lf in new:
        if lf.sha256 in reread:  # a current file read again (--reread) is no new version: it replaces nothing
            continue
        if lf.sha256 in back:
            ops.setdefault(id(result), []).append(lambda c, s=lf.sha256: versions.restore(c, s))
        result.note = replace(result, lf.source_file, lf.sha256)
    for result in renames:
        notes = [replace(result, result.source_file, result.sha256),
                 f"内容与已导入的「{result.renamed_from}」相同：文件名改为「{result.source_file}」，旧文件名留作历史"]
        ops.setdefault(id(result), []).append(
            lambda c, s=result.sha256, o=result.renamed_from, n=result.source_file: versions.rename(c, s, o, n, now))
        result.note = "；".join(x for x in notes if x)
    return ops


def _run_ops(ops: list):
    if not ops:
        return None

    def run(con) -> None:
        for op in ops:
            op(con)
    return run


class RemoveSummary(dict):
    """name asked for -> the files removed under it (empty: unknown), and the refresh's warnings."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []


def remove_files(names: Iterable[str], db_path: Path | str, lock_wait: float | None = None,
                 on_wait: Callable[[str], None] | None = None) -> RemoveSummary:
    """`jixiao remove`: take files out with all their rows (etl/load/versions.py), each file in one
    transaction with its `removed` log row, then redo the cross-file tables and the marts as an ingest does.
    A name is a stored source_file; a path to a file on disk that matches none is matched by its bytes."""
    out = RemoveSummary()
    run_id = uuid.uuid4().hex[:12]
    with store.ingest_lock(db_path, wait=lock_wait, on_wait=on_wait):
        with store.writer(db_path) as con:
            for name in names:
                key = name
                if not versions.holders(con, [name]) and Path(name).is_file():
                    try:
                        sha = hash_file(Path(name), Limits().file_mb * MB)
                    except (OSError, ReadError):
                        sha = None
                    row = con.execute("SELECT source_file FROM source_files WHERE source_sha256 = ?", [sha]).fetchone() if sha else None
                    key = row[0] if row else name
                con.execute("BEGIN TRANSACTION")
                try:
                    removed = versions.remove(con, key)
                    for r in removed:
                        note = f"已删除（连同 {r.versions} 个旧版本）" if r.versions else "已删除"
                        store.log(con, run_id, r.name, r.sha256, "removed", None, r.filings, 0.0, note=note)
                    if removed:  # the cross-file tables and the marts follow below; a kill before leaves the markers
                        store.set_meta(con, store.COPIES_PENDING, run_id)
                        store.set_meta(con, MARTS_PENDING, run_id)
                    con.execute("COMMIT")
                except Exception:
                    con.execute("ROLLBACK")
                    raise
                out[name] = removed
            if any(out.values()):
                summary = IngestSummary()
                _refresh(con, summary, "重复指标与跨年度比对失败（下次导入时会重试）")
                out.warnings.extend(summary.warnings)
                try:
                    with store.rebuild_memory(con):  # every mart at once
                        build_marts(con)
                except Exception as exc:
                    out.warnings.append(f"汇总表更新失败：{type(exc).__name__}: {exc}")
    return out


def _refresh(con, summary: IngestSummary, warning: str) -> None:
    """Copy clusters and cross-year links compare filings across files, so they are redone over the
    whole database after files were added; the marker is cleared only when both are done."""
    try:
        # every filing compared: more than an ingest's refresh needs; the filings and rows read back for
        # the twins, the copies and the cross-year rules hold no cycles (many_records: no collector walks)
        with store.rebuild_memory(con), many_records():
            # first: a published filing superseded by a structured import is left out of the comparisons below
            refresh_twins_in(con)
            refresh_copies_in(con)
            # cross-year links, soft-target rules and their indices (etl/link, etl/check/rules_soft.py):
            # like copy clusters they compare filings across files, and share the marker
            refresh_soft_in(con)
        store.clear_meta(con, store.COPIES_PENDING)
        summary.copies_refreshed = True
        summary.refresh = "full"
    except KeyboardInterrupt:  # the marker stays: the next ingest finishes the comparison
        summary.interrupted = True
    except Exception as exc:  # the filings are in; the marker stays so the next ingest retries
        summary.warnings.append(f"{warning}：{type(exc).__name__}: {exc}")
