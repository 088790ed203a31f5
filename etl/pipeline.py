"""File -> filings -> findings -> DuckDB, for one file or a whole batch.

Every file is read, parsed and checked on its own; a file that fails is
logged with its reason and the batch goes on. A file's rows commit with its
log row in one transaction (the files of a flush share one; when that fails
they are written file by file), so a failure never leaves half a file behind.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from etl.limits import MB, LimitExceeded, Limits, progress
from etl.limits import current as current_limits
from etl.load import store, versions
from etl import structured
from etl.marts import MARTS_PENDING, build_marts
from etl.parse import parse_document
from etl.read import IGNORED_NAMES, read_bytes
from etl.records import Finding, ReadError, library_error
from etl.review import blobs, ledger
from etl.review.edits import apply_file_corrections
from etl.trust import assess
from etl.workers import default_workers, die_with_parent
from etl.workers import run as run_workers


@dataclass
class FileResult:
    source_file: str
    path: str
    sha256: str | None
    status: str  # loaded, duplicate, failed
    error: str | None = None
    filings: int = 0
    seconds: float = 0.0
    note: str | None = None  # what else was done: an older version replaced, the file renamed (etl/load/versions.py)
    renamed_from: str | None = None  # a duplicate whose bytes the database holds under this other name


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False
    copies_refreshed: bool = False
    refresh: str = ""  # how the derived tables were brought up to date: 'incremental' or 'full'
    refresh_seconds: float = 0.0  # the cross-file tables and marts after the files were written

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def loaded(self) -> int:
        return self.count("loaded")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def filings(self) -> int:
        return sum(r.filings for r in self.results)

    @property
    def changed(self) -> int:
        """Files that replaced an older version or renamed one (the derived tables must follow)."""
        return sum(1 for r in self.results if r.note and (r.status == "loaded" or r.renamed_from))


@dataclass
class Entry:
    """One input found on disk: where it is, what the log calls it, and why it cannot be read (if so)."""

    path: Path
    name: str  # relative to the argument it was found under, printable, escaped
    problem: str | None = None


def display_name(rel: str) -> str:
    """A file name as data: bytes that are not UTF-8 (GBK names from a Chinese Windows zip)
    come back as \\xNN escapes, control characters as escapes, so any name can be stored and printed."""
    raw = os.fsencode(rel)
    text = raw.decode("utf-8", errors="backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


_KIND = [
    (stat.S_ISFIFO, "是命名管道（FIFO），不是普通文件，已跳过"),
    (stat.S_ISSOCK, "是套接字（socket），不是普通文件，已跳过"),
    (stat.S_ISCHR, "是设备文件，不是普通文件，已跳过"),
    (stat.S_ISBLK, "是设备文件，不是普通文件，已跳过"),
]


def _kind_problem(mode: int) -> str | None:
    for test, reason in _KIND:
        if test(mode):
            return reason
    return None if stat.S_ISREG(mode) else "不是普通文件，已跳过"


def _stat_problem(path: Path) -> tuple[os.stat_result | None, str | None]:
    """stat() the path (following symlinks) without ever opening it; say why it cannot be read."""
    try:
        return os.stat(path), None
    except FileNotFoundError:
        if os.path.islink(path):
            return None, "符号链接指向的文件不存在（悬空链接）"
        return None, "找不到路径：文件或文件夹不存在"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "符号链接循环，无法找到真实文件"
        if exc.errno == errno.EACCES:
            return None, "没有读取权限"
        return None, f"无法访问：{exc.strerror or exc}"


def discover(paths: Iterable[Path]) -> list[Entry]:
    """Every input under the given paths (folders recursively), in a stable order.

    Nothing is opened here. Anything that is not a regular file (a FIFO, a
    socket, a device, a dangling or looping symlink, a missing path) is still
    an entry, with the reason it is skipped, so it gets a row in the log.
    """
    found: list[Entry] = []
    for arg in paths:
        arg = Path(arg)
        st, problem = _stat_problem(arg)
        if st is not None and stat.S_ISDIR(st.st_mode):
            found.extend(_walk(arg))
            continue
        name = display_name(arg.name or str(arg))
        if problem is None:
            problem = _kind_problem(st.st_mode)
        found.append(Entry(arg, name, problem))
    return found


def _link_problem(link: str, root_real: str) -> str:
    """Why a link to a folder below the given one is not followed: every folder inside is read
    under its own path anyway, and a folder outside was not given."""
    real = os.path.realpath(link)
    here = os.path.dirname(os.path.abspath(link))
    here_real = os.path.realpath(here)
    inside = real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)
    if not inside:
        return "符号链接指向所给文件夹之外的文件夹，未跟随"
    if here_real == real or here_real.startswith(real.rstrip(os.sep) + os.sep):
        return "符号链接循环（指向自己所在的文件夹或其上级），已跳过"
    return "符号链接指向所给文件夹里的另一个文件夹，已跳过（该文件夹按原路径读取）"


def _walk(root: Path) -> list[Entry]:
    """Depth-first, children in byte order; iterative, so no nesting depth can overflow the stack.

    A link to a folder below `root` is logged, never followed: a folder inside is read under
    its own path anyway, and one outside (`up -> ..`) was not given, so ingesting a folder never
    reads its parent or anything twice. A link to a file is read as that file.
    """
    out: list[Entry] = []
    root_real = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, tuple[str, ...], os.stat_result | None, str | None]] = [(root, (), None, None)]
    while stack:
        path, rel, st, problem = stack.pop()
        name = display_name("/".join(rel) or path.name)
        if rel and (st is None or not stat.S_ISDIR(st.st_mode)):
            out.append(Entry(path, name, problem if problem is not None else _kind_problem(st.st_mode)))
            continue
        if st is None:
            st, _ = _stat_problem(path)
            if st is None:
                continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            out.append(Entry(path, name, "符号链接循环（文件夹已读取过），已跳过"))
            continue
        seen_dirs.add(key)
        try:
            with os.scandir(path) as it:
                children = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            out.append(Entry(path, name, f"无法读取文件夹：{exc.strerror or exc}"))
            continue
        for child in reversed(children):
            if child.name.startswith(".") or child.name in IGNORED_NAMES:
                continue
            child_st, child_problem = _stat_problem(Path(child.path))
            if child_st is not None and stat.S_ISDIR(child_st.st_mode) and child.is_symlink():
                child_st, child_problem = None, _link_problem(child.path, root_real)
            stack.append((Path(child.path), rel + (child.name,), child_st, child_problem))
    return out


def _hash_file(path: Path, max_bytes: int) -> str:
    """sha256 of a regular file, read in chunks; never blocks on a FIFO swapped in after discovery."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        problem = _kind_problem(st.st_mode)
        if problem:
            raise ReadError(problem)
        if st.st_size > max_bytes:
            raise LimitExceeded(f"文件过大（{st.st_size / MB:,.0f} MB，上限 {max_bytes // MB} MB）")
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


def entry_sha(e: Entry, limits: Limits) -> str | None:
    """The sha256 of an entry's file, or None with `e.problem` saying why it cannot be read
    (also used by the Ray driver, so both engines fail a file for the same reason)."""
    if e.problem is not None:
        return None
    try:
        return _hash_file(e.path, limits.file_mb * MB)
    except ReadError as exc:
        e.problem = str(exc)
    except OSError as exc:
        e.problem = "没有读取权限" if exc.errno == errno.EACCES else f"无法读取：{exc.strerror or exc}"
    return None


def filing_id(sha: str, part: int) -> str:
    return f"{sha[:16]}-{part:02d}"


def _checks():
    try:
        from etl import check
    except ImportError:  # checks not installed in this build
        return None
    return check if hasattr(check, "run_checks") else None


def derive(f, check) -> tuple[list[Finding], dict, list[tuple[str, int, str]], list[tuple[str, int, int]]]:
    """What the checks derive from one filing: its findings, metrics, reason categories and copy bands.

    The per-file step runs it on every filing it reads, and a saved correction on the filing it changed.
    """
    try:
        found = check.run_checks(f)
        m = check.filing_metrics(f, found)
        cats = [(ind.seq, check.classify_reason(ind.reason)) for ind in f.indicators]
        fb = check.filing_bands(f)  # the map step of the copy check (grouped by band after ingest)
    except Exception as exc:  # a bug in a rule must not cost the user the filing
        found = [Finding("CHECK_CRASHED", "parse", "error", f"检查规则运行出错，本文件的检查结果不完整：{type(exc).__name__}: {exc}")]
        m, cats, fb = {}, [], []  # no bands: the copy refresh computes them from the stored rows
    for x in found:
        x.filing_id = f.filing_id
    if m:
        m["filing_id"] = f.filing_id
    return found, m, [(f.filing_id, seq, cat) for seq, cat in cats if cat], fb


MODES = ("auto", "structured", "document")


def analyse(data: bytes, name: str, is_sample: bool = False, mode: str = "auto",
            skip_bad_rows: bool = False, check_workers: int = 1, corrections: list | None = None) -> store.LoadedFile:
    """Read, parse and check one file's bytes (no database involved).

    `mode` 'auto' reads a workbook or CSV whose header is a budget system's long-format export
    (etl/structured) as that export, anything else as a published document; 'structured' reads
    only exports (`jixiao import`), 'document' only documents. Under `skip_bad_rows` an export's
    malformed rows are left out and listed in the result's `notes`. `check_workers` > 1 runs the checks
    of a file with many filings in that many forked processes (only where this process may fork).

    `corrections` are the people's corrections of these bytes (etl/review, from the database or the
    lake): applied to the read filings before the checks, so the stored rows, findings and metrics
    are the corrected ones; a filing marked as not a filing is left out.
    """
    sha = hashlib.sha256(data).hexdigest()
    notes: list[str] = []
    fmt_structured = structured.fmt_of(name, data)
    export = None
    if mode == "structured" or (mode == "auto" and fmt_structured and structured.sniff(data, name)):
        if fmt_structured is None:
            raise ReadError("系统导出文件应为 XLSX、XLS 或 CSV")
        try:
            export = structured.read_export(data, name, skip_bad_rows=skip_bad_rows)
        except structured.ExportRejected as exc:
            # a published table whose header merely looks like an export's (a 项目编码 column beside 三级指标,
            # no 年度): under ingest it is read as the document it is; `import` says what is missing
            if mode == "structured" or not exc.missing_columns:
                raise
    if export is not None:
        filings, fmt, layout = export.filings, export.fmt, "structured"
        notes = [p.text(name) for p in export.skipped]
    else:
        doc = read_bytes(data, name)
        filings, fmt, layout = parse_document(doc), doc.fmt, doc.layout
        if filings:  # (an import's parse_confidence is 1.0: nothing was read by guess)
            assess(doc, filings)  # parse_confidence from the evidence (etl/trust), before the checks read it
    if not filings:
        raise ReadError("没有找到绩效文件的内容（未识别到绩效目标表、自评表或自评报告）")
    for f in filings:
        f.source_file = name
        f.source_sha256 = sha
        f.filing_id = filing_id(sha, f.part_index)
    stale: list = []
    if corrections:  # after the confidence: a row a person confirmed or corrected is trusted (1)
        filings, stale = apply_file_corrections(filings, corrections)
    check = _checks()
    if check is None:
        findings, metrics, reasons, bands = [], [], [], []
    elif check_workers > 1 and len(filings) >= 2 * CHECK_CHUNK:
        findings, metrics, reasons, bands = _check_parallel(filings, check_workers)
    else:
        findings, metrics, reasons, bands = _check_filings(filings)
    return store.LoadedFile(
        source_file=name, sha256=sha, fmt=fmt, layout=layout, size=len(data), is_sample=is_sample,
        filings=filings, findings=findings, metrics=metrics, reasons=reasons, bands=bands, notes=notes,
        blob=blobs.pack(data, blobs.copy_limit_bytes()), stale=stale,
    )


CHECK_CHUNK = 500  # filings a check process takes at a time
_TO_CHECK: list = []  # the filings a forked check process reads (inherited, not pickled)


def _check_filings(filings) -> tuple[list, list, list, list]:
    """Every per-filing rule, the metrics, the reason categories and the copy bands of the filings."""
    findings: list[Finding] = []
    metrics: list[dict] = []
    reasons: list[tuple[str, int, str]] = []
    bands: list[tuple[str, int, int]] = []
    check = _checks()
    for k, f in enumerate(filings):
        if k and k % 1000 == 0:  # a bulk export's checks keep moving: in a worker, the file's clock restarts
            progress(k, 0)
        found, m, cats, fb = derive(f, check)
        findings.extend(found)
        if m:
            metrics.append(m)
        reasons.extend(cats)
        bands.extend(fb)
    return findings, metrics, reasons, bands


def _check_slice(bounds: tuple[int, int]):
    return _check_filings(_TO_CHECK[bounds[0]:bounds[1]])


def _check_parallel(filings, workers: int) -> tuple[list, list, list, list]:
    """The checks of a large export's filings in `workers` forked processes: the filings are inherited
    (fork), only the results come back. Same results, same order as `_check_filings`."""
    import multiprocessing as mp

    global _TO_CHECK
    _TO_CHECK = filings
    try:
        chunks = [(k, min(k + CHECK_CHUNK, len(filings))) for k in range(0, len(filings), CHECK_CHUNK)]
        # the check processes die with this one: a killed import leaves none running on (issue 22)
        with mp.get_context("fork").Pool(workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            parts = pool.map(_check_slice, chunks, chunksize=1)
    finally:
        _TO_CHECK = []
    out: tuple[list, list, list, list] = ([], [], [], [])
    for part in parts:
        for whole, piece in zip(out, part):
            whole.extend(piece)
    return out


@dataclass
class Job:
    path: str
    name: str
    sha256: str
    is_sample: bool
    mode: str = "auto"
    skip_bad_rows: bool = False
    corrections: list | None = None  # the people's corrections of these bytes (etl/review), when re-read


def _analyse_job(job: Job, check_workers: int = 1) -> tuple[FileResult, store.LoadedFile | None]:
    """Read and analyse one file (runs in a worker process). Never raises but for MemoryError."""
    started = time.perf_counter()
    result = FileResult(source_file=job.name, path=job.path, sha256=job.sha256, status="pending")
    lf = None
    try:
        data = _read_regular(Path(job.path))
        lf = analyse(data, job.name, is_sample=job.is_sample, mode=job.mode, skip_bad_rows=job.skip_bad_rows,
                     check_workers=check_workers, corrections=job.corrections)
    except MemoryError:
        raise  # the worker reports it as the memory limit
    except Exception as exc:
        if (isinstance(exc.__context__, MemoryError) or isinstance(exc.__cause__, MemoryError)
                or "Memory allocation failed" in str(exc)):  # lxml's words for malloc failing
            raise MemoryError from None  # a reader wrapped it: still the memory limit  # any failure of one file is that file's result, not the batch's
        result.status = "failed"
        result.error = f"{job.name}: {_plain_error(exc)}"
        lf = None
    result.seconds = time.perf_counter() - started
    return result, lf


def _read_regular(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadError("不是普通文件，已跳过")
        cap = current_limits().file_mb * MB
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise LimitExceeded(f"文件过大（上限 {cap // MB} MB）")
    return data


def _plain_error(exc: Exception) -> str:
    if isinstance(exc, ReadError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法解析"
    # a library's English sentence is not shown: the kind of error names what failed (see library_error)
    return str(library_error("解析出错：文件内容无法按其格式读取", exc))


COPIES_PENDING = "copies_pending"  # meta key: filings changed since the copy clusters were computed


def _warm_imports() -> None:
    """Import every reader before forking workers, so each starts warm."""
    import etl.read.docx  # noqa: F401
    import etl.read.html  # noqa: F401
    import etl.read.pdf  # noqa: F401
    import etl.read.text  # noqa: F401
    import etl.read.xlsx  # noqa: F401
    from etl.normalise.place import find_place
    from etl.normalise.script import fold_script

    # tables every analysis loads on first use (gazetteer ~90 ms, script table, settings):
    # loaded once here, each forked worker has them instead of building its own
    find_place(None)
    fold_script("")
    check = _checks()
    if check is not None:
        check.load_settings()


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
    `mode` and `skip_bad_rows` go to `analyse` (`jixiao import` passes 'structured').
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
        copies_pending = store.get_meta(con, COPIES_PENDING) is not None
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

    def flush():
        nonlocal done, last_flush, flushing
        if not pending:
            return
        flushing = True
        mark = (COPIES_PENDING, MARTS_PENDING) if check_on else MARTS_PENDING
        written: list[FileResult] = []  # committed (rows or log row): reported even when interrupted
        try:
            with store.writer(db_path) as con:
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

    check_on = _checks() is not None
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
                sample = is_sample if is_sample is not None else Path(e.name).name.startswith("sample_")
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
            from etl.limits import use as use_limits

            use_limits(limits)
            n = workers if workers is not None else default_workers(4)
            for job in jobs:
                take(*_analyse_job(job, check_workers=n))
        elif jobs:
            _warm_imports()
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
    refresh = check_on and (copies_pending or summary.loaded or summary.changed)
    if not refresh and not summary.loaded and not summary.changed and not marts_pending:
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
    from etl.refresh import affected_keys, refresh_incremental

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
        refresh_incremental(con, affected_keys(con, ids))
        store.clear_meta(con, COPIES_PENDING)
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
                        sha = _hash_file(Path(name), Limits().file_mb * MB)
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
                        store.set_meta(con, COPIES_PENDING, run_id)
                        store.set_meta(con, MARTS_PENDING, run_id)
                    con.execute("COMMIT")
                except Exception:
                    con.execute("ROLLBACK")
                    raise
                out[name] = removed
            if any(out.values()):
                summary = IngestSummary()
                if _checks() is not None:
                    _refresh(con, summary, "重复指标与跨年度比对失败（下次导入时会重试）")
                out.warnings.extend(summary.warnings)
                try:
                    build_marts(con)
                except Exception as exc:
                    out.warnings.append(f"汇总表更新失败：{type(exc).__name__}: {exc}")
    return out


def _refresh(con, summary: IngestSummary, warning: str) -> None:
    """Copy clusters and cross-year links compare filings across files, so they are redone over the
    whole database after files were added; the marker is cleared only when both are done."""
    from etl.recheck import refresh_copies_in, refresh_soft_in
    from etl.structured.twins import refresh_twins_in

    try:
        # first: a published filing superseded by a structured import is left out of the comparisons below
        refresh_twins_in(con)
        refresh_copies_in(con)
        # cross-year links, soft-target rules and their indices (etl/link, etl/check/rules_soft.py):
        # like copy clusters they compare filings across files, and share the marker
        refresh_soft_in(con)
        store.clear_meta(con, COPIES_PENDING)
        summary.copies_refreshed = True
        summary.refresh = "full"
    except KeyboardInterrupt:  # the marker stays: the next ingest finishes the comparison
        summary.interrupted = True
    except Exception as exc:  # the filings are in; the marker stays so the next ingest retries
        summary.warnings.append(f"{warning}：{type(exc).__name__}: {exc}")
