"""File -> filings -> findings -> DuckDB, for one file or a whole batch.

Every file is read, parsed and checked on its own; a file that fails is
logged with its reason and the batch goes on. Each file's rows are written
in one transaction, so a failure never leaves half a file behind.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from etl.load import store
from etl.parse import parse_document
from etl.read import IGNORED_NAMES, read_bytes
from etl.records import Finding, ReadError

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class FileResult:
    source_file: str
    path: str
    sha256: str | None
    status: str  # loaded, duplicate, failed
    error: str | None = None
    filings: int = 0
    seconds: float = 0.0


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files under the given paths (folders recursively), in a stable order."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(
                sorted(
                    f for f in p.rglob("*")
                    if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                    and f.name not in IGNORED_NAMES
                )
            )
        else:
            found.append(p)
    return found


def filing_id(sha: str, part: int) -> str:
    return f"{sha[:16]}-{part:02d}"


def _checks():
    try:
        from etl import check
    except ImportError:  # checks not installed in this build
        return None
    return check if hasattr(check, "run_checks") else None


def analyse(data: bytes, name: str, is_sample: bool = False) -> store.LoadedFile:
    """Read, parse and check one file's bytes (no database involved)."""
    sha = hashlib.sha256(data).hexdigest()
    doc = read_bytes(data, name)
    filings = parse_document(doc)
    if not filings:
        raise ReadError("没有找到绩效文件的内容（未识别到绩效目标表、自评表或自评报告）")
    findings: list[Finding] = []
    metrics: list[dict] = []
    reasons: list[tuple[str, int, str]] = []
    check = _checks()
    for f in filings:
        f.source_file = name
        f.source_sha256 = sha
        f.filing_id = filing_id(sha, f.part_index)
        if check is None:
            continue
        try:
            found = check.run_checks(f)
            m = check.filing_metrics(f, found)
            cats = [(ind.seq, check.classify_reason(ind.reason)) for ind in f.indicators]
        except Exception as exc:  # a bug in a rule must not cost the user the filing
            found = [Finding("CHECK_CRASHED", "parse", "error", f"检查规则运行出错，本文件的检查结果不完整：{type(exc).__name__}: {exc}")]
            m, cats = {}, []
        for x in found:
            x.filing_id = f.filing_id
        findings.extend(found)
        if m:
            m["filing_id"] = f.filing_id
            metrics.append(m)
        reasons.extend((f.filing_id, seq, cat) for seq, cat in cats if cat)
    return store.LoadedFile(
        source_file=name, sha256=sha, fmt=doc.fmt, layout=doc.layout, size=len(data), is_sample=is_sample,
        filings=filings, findings=findings, metrics=metrics, reasons=reasons,
    )


# Hashes already in the database, set before the worker pool forks so workers skip them unparsed.
_KNOWN: set[str] = set()


def _analyse_path(job: tuple[str, bool | None]) -> tuple[FileResult, store.LoadedFile | None]:
    """Read and analyse one file (runs in a worker process). Never raises."""
    path, is_sample = Path(job[0]), job[1]
    started = time.perf_counter()
    name = path.name
    result = FileResult(source_file=name, path=str(path), sha256=None, status="pending")
    lf = None
    try:
        if not path.exists():
            raise ReadError("文件不存在")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ReadError(f"文件过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）")
        data = path.read_bytes()
        result.sha256 = hashlib.sha256(data).hexdigest()
        if result.sha256 in _KNOWN:
            result.status = "duplicate"
        else:
            sample = is_sample if is_sample is not None else name.startswith("sample_")
            lf = analyse(data, name, is_sample=sample)
    except Exception as exc:  # any failure of one file is that file's result, not the batch's
        result.status = "failed"
        result.error = f"{name}: {_plain_error(exc)}"
    result.seconds = time.perf_counter() - started
    return result, lf


def _plain_error(exc: Exception) -> str:
    if isinstance(exc, ReadError):
        return str(exc)
    return f"解析出错（{type(exc).__name__}）：{exc}"


def ingest_paths(
    paths: Iterable[Path],
    db_path: Path | str,
    progress: Callable[[int, int, FileResult], None] | None = None,
    is_sample: bool | None = None,
    flush_every: int = 25,
    flush_seconds: float = 1.0,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest every file under `paths` into `db_path`. Never raises for a bad file.

    Files are analysed without the database; their rows are written in short
    batches (each file its own transaction), so a dashboard reading the same
    file gets in between batches instead of waiting for the whole run.
    """
    files = discover(paths)
    run_id = uuid.uuid4().hex[:12]
    summary = IngestSummary()
    with store.writer(db_path) as con:  # known files are skipped before any parsing
        known = {r[0] for r in con.execute("SELECT source_sha256 FROM source_files").fetchall()}
    pending: list[tuple[FileResult, store.LoadedFile | None]] = []
    last_flush = time.monotonic()
    done = 0
    seen: set[str] = set()

    def flush():
        nonlocal done, last_flush
        if not pending:
            return
        with store.writer(db_path) as con:
            for result, lf in pending:
                started = time.perf_counter()
                if lf is not None:
                    if store.known_sha(con, lf.sha256):
                        result.status = "duplicate"
                    else:
                        try:
                            store.write_file(con, lf)
                            result.status = "loaded"
                            result.filings = len(lf.filings)
                        except Exception as exc:  # rolled back: nothing of this file stays
                            result.status = "failed"
                            result.error = f"{result.source_file}: 写入数据库失败：{exc}"
                result.seconds += time.perf_counter() - started
                store.log(con, run_id, result.source_file, result.sha256, result.status, result.error, result.filings, result.seconds)
                summary.results.append(result)
                done += 1
                if progress:
                    progress(done, len(files), result)
        pending.clear()
        last_flush = time.monotonic()

    def take(result: FileResult, lf: store.LoadedFile | None) -> None:
        nonlocal last_flush
        if result.sha256 and result.status == "pending":
            if result.sha256 in known or result.sha256 in seen:
                result.status, lf = "duplicate", None
            seen.add(result.sha256)
        pending.append((result, lf))
        if len(pending) >= flush_every or time.monotonic() - last_flush >= flush_seconds:
            flush()

    jobs = [(str(p), is_sample) for p in files]
    _KNOWN.clear()
    _KNOWN.update(known)
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if len(files) >= 8 else 1
    if workers > 1:
        # parse in worker processes, write here: the database has one writer
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ctx.Pool(workers) as pool:
            for result, lf in pool.imap(_analyse_path, jobs, chunksize=2):
                take(result, lf)
    else:
        for job in jobs:
            take(*_analyse_path(job))
    flush()
    _KNOWN.clear()
    if summary.loaded and _checks() is not None:
        # copy clusters compare filings across files, so they are redone over the whole database
        from etl.recheck import refresh_copies

        try:
            refresh_copies(db_path)
        except Exception as exc:  # the filings are in; only the cross-filing comparison is missing
            summary.warnings.append(f"重复指标比对失败：{type(exc).__name__}: {exc}")
    if summary.loaded:
        from etl.marts import build_marts_file

        try:
            build_marts_file(db_path)
        except Exception as exc:  # the filings are in; the dashboard falls back to the base tables
            summary.warnings.append(f"汇总表更新失败：{type(exc).__name__}: {exc}")
    return summary
