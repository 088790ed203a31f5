"""The per-file step both engines run: one input file -> its filings, findings and metrics, or its failure.

    result, loaded = process(path, name, sha, is_sample)   # never raises for a bad file

`analyse()` reads, parses and checks one file's bytes (no database involved) into a
`store.LoadedFile`, the rows the writer stores; `process()` wraps it with the file's
read under the budgets and turns any failure into the file's result with a reason that
names it. The local engine runs `process` in its worker processes (etl/pipeline.py),
the Ray engine in its tasks (etl/lake/batch.py): both store the very same rows.
"""
from __future__ import annotations

import hashlib
import importlib
import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path

from etl import check, structured
from etl.inputs import read_regular
from etl.limits import progress
from etl.load import store
from etl.normalise.place import find_place
from etl.normalise.script import fold_script
from etl.read import read_bytes
from etl.records import Finding, ReadError, library_error, many_records
from etl.review import blobs
from etl.review.edits import apply_file_corrections
from etl.workers import die_with_parent

# The document path's steps (module, name), imported when a document is first read, not with this module: the
# parser and the trust model took ~0.35 s of CPU to import, and `jixiao import` reads exports only (etl/read
# loads its readers the same way). warm_up() loads them before the local engine forks its workers.
DOCUMENT_STEPS = {"parse_document": ("etl.parse", "parse_document"), "assess": ("etl.trust", "assess")}


def document_step(name: str):
    module, attr = DOCUMENT_STEPS[name]
    return getattr(importlib.import_module(module), attr)


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


def filing_id(sha: str, part: int) -> str:
    return f"{sha[:16]}-{part:02d}"


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
        filings, fmt, layout = document_step("parse_document")(doc), doc.fmt, doc.layout
        if filings:  # (an import's parse_confidence is 1.0: nothing was read by guess)
            document_step("assess")(doc, filings)  # parse_confidence from the evidence (etl/trust), before the checks read it
    if not filings:
        raise ReadError("没有找到绩效文件的内容（未识别到绩效目标表、自评表或自评报告）")
    for f in filings:
        f.source_file = name
        f.source_sha256 = sha
        f.filing_id = filing_id(sha, f.part_index)
    stale: list = []
    if corrections:  # after the confidence: a row a person confirmed or corrected is trusted (1)
        filings, stale = apply_file_corrections(filings, corrections)
    if check_workers > 1 and len(filings) >= 2 * CHECK_CHUNK:
        findings, metrics, reasons, bands = _check_parallel(filings, check_workers)
    else:
        findings, metrics, reasons, bands = check_filings(filings)
    return store.LoadedFile(
        source_file=name, sha256=sha, fmt=fmt, layout=layout, size=len(data), is_sample=is_sample,
        filings=filings, findings=findings, metrics=metrics, reasons=reasons, bands=bands, notes=notes,
        blob=blobs.pack(data, blobs.copy_limit_bytes()), stale=stale,
    )


CHECK_CHUNK = 500  # filings a check process takes at a time
_TO_CHECK: list = []  # the filings a forked check process reads (inherited, not pickled)
_ROWS_MEMO: dict = {}  # a check process's row memo (empty in the importing process: filled only after the fork)


def check_filings(filings, rows_memo: dict | None = None) -> tuple[list, list, list, list]:
    """Every per-filing rule, the metrics, the reason categories and the copy bands of the filings. `rows_memo`:
    the row rules' answers per distinct row (etl/check/run.py), kept by the caller over several calls, else for this one."""
    findings: list[Finding] = []
    metrics: list[dict] = []
    reasons: list[tuple[str, int, str]] = []
    bands: list[tuple[str, int, int]] = []
    step = 1000  # a bulk export's checks keep moving: in a worker, the file's clock restarts every step
    derived = []
    if rows_memo is None:
        rows_memo = {}  # over all the steps
    with many_records():  # findings, metrics and memos by the thousand, beside the filings read (no cycles)
        for k in range(0, len(filings), step):
            if k:
                progress(k, 0)
            derived.extend(check.derive_many(filings[k:k + step], rows_memo))
    for found, m, cats, fb in derived:
        findings.extend(found)
        if m:
            metrics.append(m)
        reasons.extend(cats)
        bands.extend(fb)
    return findings, metrics, reasons, bands


def _check_slice(bounds: tuple[int, int]):
    # the row rules' memo lives as long as the check process: its later pieces reuse what its earlier ones judged
    findings, metrics, reasons, bands = check_filings(_TO_CHECK[bounds[0]:bounds[1]], _ROWS_MEMO)
    # findings go back as tuples: pickling 36,000 Finding objects (and unpickling them) took ~0.6 s, tuples ~0.05 s
    return [_FINDING_FIELDS(f) for f in findings], metrics, reasons, bands


_FINDING_FIELDS = attrgetter(*(f.name for f in fields(Finding)))


def _check_parallel(filings, workers: int) -> tuple[list, list, list, list]:
    """The checks of a large export's filings in `workers` forked processes: the filings are inherited
    (fork), only the results come back. Same results, same order as `check_filings`."""
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
    for found, *rest in parts:
        out[0].extend(Finding(*t) for t in found)
        for whole, piece in zip(out[1:], rest):
            whole.extend(piece)
    return out


def plain_error(exc: Exception) -> str:
    """A file's failure as the log says it (Chinese, without a traceback)."""
    if isinstance(exc, ReadError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法解析"
    # a library's English sentence is not shown: the kind of error names what failed (see library_error)
    return str(library_error("解析出错：文件内容无法按其格式读取", exc))


def process(path: str, name: str, sha: str | None, is_sample: bool, mode: str = "auto", skip_bad_rows: bool = False,
            check_workers: int = 1, corrections: list | None = None) -> tuple[FileResult, store.LoadedFile | None]:
    """Read one file (a regular file, under the size cap) and analyse it (`analyse` says what `mode`,
    `skip_bad_rows`, `check_workers` and `corrections` do). Never raises but for MemoryError: a worker process reports
    that as its memory limit, a Ray task as the file's failure."""
    started = time.perf_counter()
    result = FileResult(source_file=name, path=path, sha256=sha, status="pending")
    lf = None
    try:
        lf = analyse(read_regular(Path(path)), name, is_sample=is_sample, mode=mode, skip_bad_rows=skip_bad_rows,
                     check_workers=check_workers, corrections=corrections)
    except MemoryError:
        raise
    except Exception as exc:  # any failure of one file is that file's result, not the batch's
        if (isinstance(exc.__context__, MemoryError) or isinstance(exc.__cause__, MemoryError)
                or "Memory allocation failed" in str(exc)):  # lxml's words for malloc failing
            raise MemoryError from None  # a reader wrapped it: still the memory limit
        result.status = "failed"
        result.error = f"{name}: {plain_error(exc)}"
    result.seconds = time.perf_counter() - started
    return result, lf


@dataclass
class Job:
    """One file for a worker process: where it is, what the log calls it, and how to read it."""

    path: str
    name: str
    sha256: str
    is_sample: bool
    mode: str = "auto"
    skip_bad_rows: bool = False
    corrections: list | None = None  # the people's corrections of these bytes (etl/review), when re-read


def run_job(job: Job, check_workers: int = 1) -> tuple[FileResult, store.LoadedFile | None]:
    """The per-file step in a worker process (MemoryError: the worker reports the memory limit). The local
    engine's workers and the Ray engine's tasks (etl/lake/batch.py) run it alike."""
    return process(job.path, job.name, job.sha256, job.is_sample, mode=job.mode, skip_bad_rows=job.skip_bad_rows,
                   check_workers=check_workers, corrections=job.corrections)


def warm_up() -> None:
    """Load the tables every analysis loads on first use (gazetteer ~90 ms, script table, settings) once,
    before the local engine forks its workers: each starts with them instead of building its own (and with the
    document steps imported)."""
    for name in DOCUMENT_STEPS:
        document_step(name)
    find_place(None)
    fold_script("")
    check.load_settings()
